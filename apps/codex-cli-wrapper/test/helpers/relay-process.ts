import { type ChildProcess, spawn } from "node:child_process";
import { BIN } from "./cli.ts";

export interface RelayProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** SIGKILL, as a crash or a lost network would. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real relay in its own process: `codex-remote relay` (the embedded relay command, the same
 * server as the deployed codex-sync-server) on 127.0.0.1.
 */
export function startRelayProcess(opts: {
  staticDir?: string;
  configDir: string;
  port?: number;
  store?: "memory" | "sqlite";
  dataDir?: string;
}): Promise<RelayProcess> {
  const args = ["relay", "--host", "127.0.0.1", "--port", String(opts.port ?? 0), "--store", opts.store ?? "memory"];
  if (opts.dataDir) args.push("--data", opts.dataDir);
  if (opts.staticDir) args.push("--static", opts.staticDir);
  // Started with node directly (not through the launcher) so that kill() reaches the server itself.
  const child = spawn(
    process.execPath,
    ["--conditions=@codex-remote/source", BIN.replace(/bin\/codex-remote\.mjs$/, "src/cli.ts"), ...args],
    {
      env: { ...process.env, CODEX_REMOTE_CONFIG_DIR: opts.configDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${out} ${err}`)), 15_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /relay listening on (ws:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1]!;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      resolve({
        url,
        port: Number(new URL(url).port),
        child,
        kill: async () => {
          child.kill("SIGKILL");
          await exited;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
    child.once("exit", (code) => reject(new Error(`relay exited (${code}): ${err}`)));
  });
}
