import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { BackendError } from "./errors.ts";
import type { AgentCommand } from "./resolve-binary.ts";

export interface JsonLinesProcessOptions {
  agent: AgentCommand;
  args: readonly string[];
  cwd: string;
  env?: Readonly<Record<string, string | undefined>>;
  onLine(value: unknown): void;
  /** A line that is not JSON (the agent's protocol is one JSON object per line). */
  onBadLine(line: string): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

/** Merges env overrides over process.env; an undefined value removes the variable. */
export function mergeEnv(overrides: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * An agent process speaking one JSON value per line on stdio. Stderr is kept (last 8 KiB) for
 * error messages only, never logged.
 */
export class JsonLinesProcess {
  readonly child: ChildProcessWithoutNullStreams;
  #stderr = "";
  #exited = false;
  #exitPromise: Promise<void>;

  constructor(opts: JsonLinesProcessOptions) {
    try {
      this.child = spawn(opts.agent.command, [...opts.agent.prefixArgs, ...opts.args], {
        cwd: opts.cwd,
        env: mergeEnv(opts.env),
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (cause) {
      throw new BackendError("spawn_failed", `could not start ${opts.agent.command}`, { cause });
    }
    this.#exitPromise = new Promise<void>((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.#exited = true;
        resolve();
        opts.onExit(code, signal);
      });
      this.child.once("error", () => {
        if (this.#exited) return;
        this.#exited = true;
        resolve();
        opts.onExit(null, null);
      });
    });
    this.child.stdin.on("error", () => {
      // EPIPE after the agent exited: reported through onExit
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-8192);
    });
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        opts.onBadLine(line);
        return;
      }
      opts.onLine(value);
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The tail of the agent's stderr, for an error message. */
  get stderrTail(): string {
    return this.#stderr;
  }

  send(value: unknown): void {
    if (this.#exited) throw new BackendError("process_exited");
    this.child.stdin.write(`${JSON.stringify(value)}\n`);
  }

  /** Closes stdin, then SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.#exited) return;
    this.child.stdin.end();
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.#exitPromise;
    clearTimeout(timer);
  }

  waitForExit(): Promise<void> {
    return this.#exitPromise;
  }
}
