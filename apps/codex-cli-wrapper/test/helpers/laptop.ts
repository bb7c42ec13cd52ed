import type { AgentEvent } from "@codex-remote/protocol";
import { createBackend } from "../../src/backends/factory.ts";
import type { CodexBackend } from "../../src/backends/types.ts";
import { openLaptopKeys } from "../../src/keys/identity.ts";
import { SessionHost, type SessionHostOptions } from "../../src/session/host.ts";
import { RelayTransport } from "../../src/session/relay-transport.ts";
import { tempDir } from "./temp-dir.ts";

export interface Laptop {
  host: SessionHost;
  backend: CodexBackend;
  transport: RelayTransport;
  seen: AgentEvent[];
  notices: string[];
  close(): Promise<void>;
}

export interface LaptopOptions {
  readonly eventLogLimit?: number;
  readonly controlGrant?: "ask" | "auto" | "never";
  /** The laptop has an interactive terminal to ask y/n on. */
  readonly askLocal?: boolean;
  /** The session's relay slot (1: the laptop's own room). */
  readonly slot?: number;
  readonly sessionId?: string;
  /** Extra SessionHost options (voice). */
  readonly host?: Partial<SessionHostOptions>;
}

/** A laptop: the demo agent behind a SessionHost on a real RelayTransport. */
export async function startLaptop(url: string, configDir: string, opts: LaptopOptions = {}): Promise<Laptop> {
  const { keys, identity } = openLaptopKeys(configDir);
  const transport = new RelayTransport({
    url,
    identity,
    keys,
    name: "test-laptop",
    ...(opts.slot ? { slot: opts.slot } : {}),
    reconnect: { initialMs: 50, maxMs: 300 },
  });
  const backend = await createBackend("demo");
  const seen: AgentEvent[] = [];
  const notices: string[] = [];
  const host = new SessionHost({
    ...(opts.eventLogLimit ? { eventLogLimit: opts.eventLogLimit } : {}),
    ...(opts.controlGrant ? { controlGrant: opts.controlGrant } : {}),
    ...(opts.askLocal ? { askLocal: true } : {}),
    ...opts.host,
    sessionId: opts.sessionId ?? "s-e2e",
    agent: "demo",
    backend,
    transport,
    keys,
    view: { event: (e) => seen.push(e), notice: (t) => notices.push(t) },
  });
  host.attach();
  transport.start();
  await transport.ready();
  await backend.start({ cwd: tempDir("cr-demo-"), approvalPolicy: "ask" });
  return {
    host,
    backend,
    transport,
    seen,
    notices,
    close: async () => {
      await host.close();
      await backend.close();
      await transport.close();
    },
  };
}

export const until = async (cond: () => boolean, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
