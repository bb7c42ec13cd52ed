import { randomUUID } from "node:crypto";
import { BackendError } from "../errors.ts";
import { resolveAgent } from "../resolve-binary.ts";
import type {
  AgentProcessOptions,
  TerminalBackend,
  TerminalBackendKind,
  TerminalExit,
  TerminalSnapshot,
  TerminalStartOptions,
  Unsubscribe,
} from "../types.ts";
import { codexHome, latestCodexThread } from "./codex-rollouts.ts";
import { PtyTerminal } from "./pty-terminal.ts";

export interface PtyBackendOptions extends AgentProcessOptions {
  /** For `shell`: the program to run (default $SHELL, else /bin/sh). */
  command?: string;
}

/**
 * A terminal backend: the agent's real TUI (codex-tui, claude-tui) or any program (shell) in a PTY,
 * mirrored into a headless xterm. Listeners registered before start() keep working across a
 * restart (the handoff starts the TUI again on the same backend object).
 */
export class PtyBackend implements TerminalBackend {
  readonly kind: TerminalBackendKind;
  #opts: PtyBackendOptions;
  #term: PtyTerminal | undefined;
  #threadId: string | undefined;
  #startedAt = 0;
  #cwd: string | undefined;
  #output = new Set<(bytes: Uint8Array) => void>();
  #exit = new Set<(exit: TerminalExit) => void>();
  #size = { cols: 80, rows: 24 };
  #lastSnapshot: TerminalSnapshot | undefined;

  constructor(kind: TerminalBackendKind, opts: PtyBackendOptions = {}) {
    this.kind = kind;
    this.#opts = opts;
  }

  get running(): boolean {
    return this.#term?.running ?? false;
  }

  get threadId(): string | undefined {
    if (this.#threadId === undefined && this.kind === "codex-tui" && this.#startedAt > 0) {
      this.#threadId = latestCodexThread(codexHome(this.#opts.env), this.#startedAt, this.#cwd);
    }
    return this.#threadId;
  }

  async start(opts: TerminalStartOptions & { answerQueries?: boolean }): Promise<void> {
    if (this.#term?.running) throw new BackendError("already_started");
    const { command, args } = this.#commandLine(opts.resumeThreadId);
    this.#size = { cols: opts.cols, rows: opts.rows };
    this.#startedAt = Date.now();
    this.#cwd = opts.cwd;
    const spawn: ConstructorParameters<typeof PtyTerminal>[0] = {
      command,
      args,
      cwd: opts.cwd,
      cols: opts.cols,
      rows: opts.rows,
      env: this.#opts.env ?? {},
    };
    if (opts.answerQueries !== undefined) spawn.answerQueries = opts.answerQueries;
    const term = new PtyTerminal(spawn);
    this.#term = term;
    term.onOutput((bytes) => {
      for (const l of this.#output) l(bytes);
    });
    term.onExit((exit) => {
      if (this.#term !== term) return;
      for (const l of this.#exit) l(exit);
    });
  }

  #commandLine(resumeId: string | undefined): { command: string; args: string[] } {
    const extra = [...(this.#opts.args ?? [])];
    if (this.kind === "shell") {
      return { command: this.#opts.command ?? this.#opts.binary ?? process.env.SHELL ?? "/bin/sh", args: extra };
    }
    if (this.kind === "codex-tui") {
      const agent = resolveAgent("codex", this.#opts.binary);
      this.#threadId = resumeId;
      return {
        command: agent.command,
        args: [...agent.prefixArgs, ...(resumeId ? ["resume", resumeId] : []), ...extra],
      };
    }
    const agent = resolveAgent("claude", this.#opts.binary);
    // a fresh claude session gets its id up front, so the handoff knows which session to resume
    this.#threadId = resumeId ?? randomUUID();
    const session = resumeId ? ["--resume", resumeId] : ["--session-id", this.#threadId];
    return { command: agent.command, args: [...agent.prefixArgs, ...session, ...extra] };
  }

  onOutput(listener: (bytes: Uint8Array) => void): Unsubscribe {
    this.#output.add(listener);
    return () => this.#output.delete(listener);
  }

  onExit(listener: (exit: TerminalExit) => void): Unsubscribe {
    this.#exit.add(listener);
    return () => this.#exit.delete(listener);
  }

  write(data: string | Uint8Array): void {
    this.#term?.write(data);
  }

  resize(cols: number, rows: number): void {
    this.#size = { cols, rows };
    this.#term?.resize(cols, rows);
  }

  snapshot(): TerminalSnapshot {
    if (!this.#term) return this.#lastSnapshot ?? { ...this.#size, data: "", lines: [], cursor: { x: 0, y: 0 } };
    return this.#term.snapshotNow();
  }

  /** The screen after every byte received so far was parsed. */
  async settledSnapshot(): Promise<TerminalSnapshot> {
    return this.#term ? this.#term.snapshot() : this.snapshot();
  }

  /** Stops the program (SIGHUP, then SIGKILL). The backend can be started again. */
  async close(): Promise<void> {
    const term = this.#term;
    if (!term) return;
    // read the codex thread id while the rollout is fresh
    void this.threadId;
    // an intended stop is not reported to onExit listeners (only the program ending by itself is)
    this.#term = undefined;
    this.#lastSnapshot = term.snapshotNow();
    if (this.kind !== "shell" && term.running) {
      // quit a TUI the way a person does (Ctrl-C twice), so it saves the conversation before it
      // exits; a hang-up can kill it before its transcript is on disk
      term.write("\u0003");
      await Promise.race([term.exited, delay(150)]);
      term.write("\u0003");
      await Promise.race([term.exited, delay(5000)]);
    }
    await term.kill();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
