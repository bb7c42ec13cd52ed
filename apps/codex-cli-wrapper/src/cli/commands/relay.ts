import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { loadSettings } from "../../config/load.ts";
import { parseCommand } from "../argv.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({
  host: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  static: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  store: z.enum(["sqlite", "memory"]).optional(),
});

/** The phone app's build output in this repository, when it was built. */
export function mobileBuildDir(): string | undefined {
  const dir = resolve(import.meta.dirname, "..", "..", "..", "..", "codex-mobile", "dist");
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}

export interface EmbeddedRelay {
  readonly url: string;
  readonly httpUrl: string;
  readonly staticDir: string | undefined;
  close(): Promise<void>;
}

/** Starts the relay in this process (the same server as the deployed one). */
export async function startEmbeddedRelay(opts: {
  host: string;
  port: number;
  store: "sqlite" | "memory";
  sqlitePath: string;
  staticDir: string | undefined;
}): Promise<EmbeddedRelay> {
  const { startRelay } = await import("@codex-remote/codex-sync-server");
  const relay = await startRelay({
    host: opts.host,
    port: opts.port,
    store: opts.store,
    sqlitePath: opts.sqlitePath,
    logLevel: "warn",
    ...(opts.staticDir ? { staticDir: opts.staticDir } : {}),
  });
  return { url: relay.url, httpUrl: relay.httpUrl, staticDir: opts.staticDir, close: () => relay.close() };
}

export async function relayCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(
    argv,
    {
      host: { type: "string" },
      port: { type: "string" },
      static: { type: "string" },
      data: { type: "string" },
      store: { type: "string" },
    },
    Flags,
  );
  if (cmd.help) {
    io.out(HELP.relay!);
    return 0;
  }
  const settings = loadSettings({ relayHost: cmd.values.host, relayPort: cmd.values.port });
  const staticDir = cmd.values.static ?? mobileBuildDir();
  const dataDir = cmd.values.data ?? settings.configDir;
  if ((cmd.values.store ?? "sqlite") === "sqlite") mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const relay = await startEmbeddedRelay({
    host: settings.relayHost,
    port: settings.relayPort,
    store: cmd.values.store ?? "sqlite",
    sqlitePath: join(dataDir, "relay.sqlite"),
    staticDir,
  });
  io.out(`relay listening on ${relay.url}`);
  io.out(
    staticDir
      ? `phone app: ${relay.httpUrl}/ (from ${staticDir})`
      : "phone app: not built (apps/codex-mobile has no dist/)",
  );
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void relay.close().finally(done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
