import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../../..");
export const DIST = resolve(import.meta.dirname, "../../dist");
const RELAY_BIN = join(ROOT, "apps/codex-sync-server/src/bin.ts");
export const WRAPPER_BIN = join(ROOT, "apps/codex-cli-wrapper/bin/codex-remote.mjs");

/** A child process whose stdout/stderr are collected, with a way to wait for a line. */
export class Proc {
  readonly child: ChildProcess;
  out = "";
  readonly #waiters = new Set<() => void>();
  constructor(child: ChildProcess) {
    this.child = child;
    const on = (d: Buffer) => {
      this.out += d.toString("utf8");
      for (const w of [...this.#waiters]) w();
    };
    child.stdout?.on("data", on);
    child.stderr?.on("data", on);
    child.on("exit", () => {
      for (const w of [...this.#waiters]) w();
    });
  }
  /** Resolves with the first match of `re` in the output after `from` (an offset into `out`). */
  waitFor(re: RegExp, timeoutMs = 15_000, from = 0): Promise<RegExpExecArray> {
    return new Promise((resolveP, reject) => {
      const check = () => {
        const m = re.exec(this.out.slice(from));
        if (m) {
          clear();
          resolveP(m);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          clear();
          reject(
            new Error(
              `process exited (${this.child.exitCode ?? this.child.signalCode}) before ${re}:\n${this.out.slice(-2000)}`,
            ),
          );
        }
      };
      const t = setTimeout(() => {
        clear();
        reject(new Error(`timed out waiting for ${re}; output:\n${this.out.slice(-2000)}`));
      }, timeoutMs);
      const clear = () => {
        clearTimeout(t);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }
  write(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

const tempDirs: string[] = [];
// Under vitest (not when scripts/bench.ts imports this): registered when a test file imports this
// module, so it runs after that file's own afterAll hooks (vitest runs after-hooks in reverse
// order), once its relay, wrapper and browser have stopped.
if (process.env.VITEST) {
  const { afterAll } = await import("vitest");
  afterAll(() => {
    for (const d of tempDirs.splice(0)) {
      try {
        rmSync(d, { recursive: true, force: true, maxRetries: 3 });
      } catch {}
    }
  });
}

/** A new directory under the system temp dir, removed when the test file ends. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

export interface Relay {
  proc: Proc;
  url: string;
  httpUrl: string;
  port: number;
}

/**
 * A wrapper's pairing link as a page of the relay's copy of the app: an http(s) link already is one;
 * a `codex-remote://pair?…` link's query and fragment go to the app at the relay.
 */
export const appLink = (relay: Relay, link: string): string =>
  link.startsWith("http") ? link : `${relay.httpUrl}${link.slice(link.indexOf("?"))}`;

/** The real relay (codex-sync-server) as its own process, serving the built app from dist/. */
export async function startRelay(opts: {
  dataDir: string;
  port?: number;
  staticDir?: string;
  env?: Record<string, string>;
}): Promise<Relay> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@codex-remote/source",
      "--disable-warning=ExperimentalWarning",
      RELAY_BIN,
      "--port",
      String(opts.port ?? 0),
      "--store",
      "sqlite",
      "--sqlite-path",
      join(opts.dataDir, "relay.sqlite"),
      "--static-dir",
      opts.staticDir ?? DIST,
      "--log-level",
      "warn",
    ],
    { cwd: opts.dataDir, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const proc = new Proc(child);
  const m = await proc.waitFor(/relay listening on (\S+)/);
  const url = m[1]!;
  const port = Number(new URL(url).port);
  return { proc, url, httpUrl: `http://127.0.0.1:${port}/`, port };
}

export interface Wrapper {
  proc: Proc;
  /** The pairing link printed by `--pair` (points at the relay's copy of the app). */
  link: string;
  workDir: string;
}

/** The real wrapper CLI (`codex-remote`) with an agent, connected to the relay, printing a pairing link. */
export async function startWrapper(opts: {
  relayUrl: string;
  agent: "demo" | "shell" | "codex" | "claude";
  configDir: string;
  env?: Record<string, string>;
  extraArgs?: string[];
  /** the agent's working directory (default: a fresh one) */
  workDir?: string;
}): Promise<Wrapper> {
  const workDir = opts.workDir ?? tempDir("cm-work-");
  const child = spawn(
    process.execPath,
    [
      WRAPPER_BIN,
      "--agent",
      opts.agent,
      "--relay",
      opts.relayUrl,
      "--pair",
      "--cwd",
      workDir,
      // the laptop grants control to its paired phone without asking (the tests play the phone)
      "--control",
      "auto",
      ...(opts.extraArgs ?? []),
    ],
    {
      cwd: workDir,
      env: { ...process.env, XDG_CONFIG_HOME: opts.configDir, NO_COLOR: "1", SHELL: "/bin/sh", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const proc = new Proc(child);
  const m = await proc.waitFor(/(https?:\/\/\S+#s=[A-Za-z0-9_-]+|codex-remote:\/\/pair\S+#s=[A-Za-z0-9_-]+)/, 30_000);
  return { proc, link: m[1]!, workDir };
}
