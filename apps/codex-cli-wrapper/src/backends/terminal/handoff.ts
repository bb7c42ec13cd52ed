import type { AgentEvent, ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";
import { BackendError } from "../errors.ts";
import { EventHub, type Unsubscribe } from "../event-stream.ts";
import { createBackend } from "../factory.ts";
import type {
  AgentProcessOptions,
  ApprovalPolicy,
  BackendStartOptions,
  CodexBackend,
  SandboxMode,
  SendMessageOptions,
} from "../types.ts";
import { PtyBackend } from "./pty-backend.ts";

export type HandoffMode = "tui" | "structured";

export interface HandoffOptions {
  agent: "codex" | "claude";
  cwd: string;
  cols: number;
  rows: number;
  approvalPolicy: ApprovalPolicy;
  model?: string;
  sandbox?: SandboxMode;
  /** binary and env for both sides; `args` go to the TUI only. */
  process?: AgentProcessOptions;
  /** See PtySpawnOptions.answerQueries. */
  answerQueries?: boolean;
}

const CTRL_C = "\u0003";

/**
 * One conversation that moves between the agent's real TUI (in a PTY, on the laptop) and its
 * structured backend (when the phone sends a prompt), always on the same thread / session id:
 * - `remotePrompt(text)`: closes the TUI, resumes its conversation in the structured backend and
 *   sends the prompt; `events` carries the structured backend's AgentEvents;
 * - `toTui()` (or any local key in structured mode, through `localInput`): waits for the running
 *   turn, closes the structured backend and restarts the TUI resuming the same conversation.
 * `terminal` stays the same object across restarts, so output listeners keep working.
 */
export class HandoffSession {
  readonly terminal: PtyBackend;
  readonly events = new EventHub<AgentEvent>();
  #opts: HandoffOptions;
  #mode: HandoffMode = "tui";
  #backend: CodexBackend | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #threadId: string | undefined;
  #modeListeners = new Set<(mode: HandoffMode) => void>();
  #switching: Promise<void> = Promise.resolve();

  constructor(opts: HandoffOptions) {
    this.#opts = opts;
    this.terminal = new PtyBackend(opts.agent === "codex" ? "codex-tui" : "claude-tui", opts.process ?? {});
  }

  get mode(): HandoffMode {
    return this.#mode;
  }

  /** The structured backend while in structured mode. */
  get backend(): CodexBackend | undefined {
    return this.#backend;
  }

  /** The conversation's id (codex thread / claude session), once known. */
  get threadId(): string | undefined {
    return (this.#mode === "tui" ? this.terminal.threadId : this.#backend?.threadId) ?? this.#threadId;
  }

  onModeChange(listener: (mode: HandoffMode) => void): Unsubscribe {
    this.#modeListeners.add(listener);
    return () => this.#modeListeners.delete(listener);
  }

  /** Starts in the TUI (resuming a conversation if given). */
  async start(resumeThreadId?: string): Promise<void> {
    this.#threadId = resumeThreadId;
    await this.#startTui(resumeThreadId);
  }

  /** A prompt from the phone: moves to the structured backend if needed, then sends it. */
  async remotePrompt(text: string, opts: SendMessageOptions = { source: "remote" }): Promise<void> {
    await this.toStructured();
    await this.#backend!.sendMessage(text, opts);
  }

  async respondApproval(
    requestId: string,
    decision: ApprovalDecision,
    by?: string,
    answers?: ApprovalAnswers,
  ): Promise<boolean> {
    if (!this.#backend) throw new BackendError("unknown_approval", "no structured backend is running");
    return this.#backend.respondApproval(requestId, decision, by, answers);
  }

  async interrupt(): Promise<void> {
    if (this.#mode === "tui") this.terminal.write("\u001b");
    else await this.#backend?.interrupt();
  }

  /**
   * Keystrokes from the laptop: to the TUI in TUI mode; in structured mode Ctrl-C interrupts the
   * running turn and any other key goes back to the TUI (after the turn ends).
   */
  localInput(data: string | Uint8Array): void {
    if (this.#mode === "tui") {
      this.terminal.write(data);
      return;
    }
    const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
    if (text === CTRL_C && this.#backend?.turnActive) void this.#backend.interrupt().catch(() => {});
    else void this.toTui().catch(() => {});
  }

  toStructured(): Promise<void> {
    return this.#serial(async () => {
      if (this.#mode === "structured") return;
      const threadId = this.terminal.threadId ?? this.#threadId;
      await this.terminal.close();
      const backend = await createBackend(this.#opts.agent, this.#structuredProcess());
      this.#unsubscribe = backend.events.subscribe((e) => this.events.emit(e));
      const start: BackendStartOptions = { cwd: this.#opts.cwd, approvalPolicy: this.#opts.approvalPolicy };
      if (this.#opts.model) start.model = this.#opts.model;
      if (this.#opts.sandbox) start.sandbox = this.#opts.sandbox;
      if (threadId) start.resumeThreadId = threadId;
      try {
        await backend.start(start);
      } catch (err) {
        this.#unsubscribe();
        await backend.close();
        await this.#startTui(threadId);
        throw err;
      }
      this.#backend = backend;
      this.#threadId = backend.threadId;
      this.#setMode("structured");
    });
  }

  /** Back to the real TUI on the same conversation, once the running turn (if any) has ended. */
  toTui(): Promise<void> {
    return this.#serial(async () => {
      if (this.#mode === "tui") return;
      const backend = this.#backend!;
      if (backend.turnActive) await waitIdle(backend);
      this.#threadId = backend.threadId ?? this.#threadId;
      this.#unsubscribe?.();
      this.#backend = undefined;
      await backend.close();
      await this.#startTui(this.#threadId);
    });
  }

  /** The laptop terminal's size; kept for the next TUI start. */
  resize(cols: number, rows: number): void {
    this.#opts = { ...this.#opts, cols, rows };
    this.terminal.resize(cols, rows);
  }

  async close(): Promise<void> {
    await this.#switching.catch(() => {});
    this.#unsubscribe?.();
    await this.#backend?.close();
    await this.terminal.close();
    this.events.end();
  }

  async #startTui(resumeThreadId: string | undefined): Promise<void> {
    const start: Parameters<PtyBackend["start"]>[0] = {
      cwd: this.#opts.cwd,
      cols: this.#opts.cols,
      rows: this.#opts.rows,
    };
    if (resumeThreadId) start.resumeThreadId = resumeThreadId;
    if (this.#opts.answerQueries !== undefined) start.answerQueries = this.#opts.answerQueries;
    await this.terminal.start(start);
    this.#setMode("tui");
  }

  #structuredProcess(): AgentProcessOptions {
    const p = this.#opts.process ?? {};
    const out: AgentProcessOptions = {};
    if (p.binary) out.binary = p.binary;
    if (p.env) out.env = p.env;
    return out;
  }

  #setMode(mode: HandoffMode): void {
    if (this.#mode === mode) return;
    this.#mode = mode;
    for (const l of this.#modeListeners) l(mode);
  }

  #serial(step: () => Promise<void>): Promise<void> {
    const next = this.#switching.catch(() => {}).then(step);
    this.#switching = next;
    return next;
  }
}

function waitIdle(backend: CodexBackend): Promise<void> {
  return new Promise((resolve) => {
    const off = backend.events.subscribe((e) => {
      if (e.kind === "turn_completed" || e.kind === "turn_failed" || e.kind === "turn_interrupted") {
        off();
        resolve();
      }
    });
    if (!backend.turnActive) {
      off();
      resolve();
    }
  });
}
