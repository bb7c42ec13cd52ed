import type { AgentEvent, AgentWorkMode, ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";
import type { AgentEventStream, Unsubscribe } from "./event-stream.ts";

export { BACKEND_ERROR_CODES, BackendError, type BackendErrorCode, isBackendError } from "./errors.ts";
export type { AgentEventStream, EventStream, Unsubscribe } from "./event-stream.ts";

/** Structured backends: the agent speaks a machine protocol and the wrapper emits AgentEvents. */
export type StructuredBackendKind = "codex" | "claude" | "demo";
/** Terminal backends: a program in a PTY, mirrored byte for byte. */
export type TerminalBackendKind = "codex-tui" | "claude-tui" | "shell";
export type BackendKind = StructuredBackendKind | TerminalBackendKind;

/**
 * Who answers the agent's approval requests. The backend always makes the agent ask (it never
 * starts an agent in an auto-approving mode); this policy then decides:
 * - `ask`: emit `approval_requested` and wait for `respondApproval` (the default everywhere);
 * - `always`: accept every request at once (only when the user asked for it by flag or config);
 * - `never`: decline every request at once.
 * Either way `approval_requested` and `approval_resolved` (by `"policy"`) are emitted.
 */
export type ApprovalPolicy = "ask" | "always" | "never";

/** The agent's own sandbox for commands it runs (Codex's names; Claude ignores it). */
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";

export interface BackendStartOptions {
  cwd: string;
  model?: string;
  approvalPolicy: ApprovalPolicy;
  sandbox?: SandboxMode;
  /** Continue this thread (Codex thread id / Claude session id) instead of starting a new one. */
  resumeThreadId?: string;
}

/** How to run the agent process: binary path, extra args, environment (tests point these at a mock model server). */
export interface AgentProcessOptions {
  /** Executable to run; default: resolved from the pinned npm package, then PATH. */
  binary?: string;
  /** Extra arguments passed to the agent. */
  args?: readonly string[];
  /** Environment overrides merged over process.env (a value of undefined removes the variable). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface SendMessageOptions {
  source?: "local" | "remote" | "voice" | "scheduled";
}

/** What `/goal` asks of an agent: a new objective, pause or resume, or clear. */
export type GoalChange =
  | { readonly objective: string }
  | { readonly status: "paused" | "active" }
  | { readonly clear: true };

/** The working modes `/mode` switches between (see CodexBackend.setMode): the protocol's, less `bypass`. */
export const AGENT_MODES = ["default", "plan", "accept_edits"] as const satisfies readonly AgentWorkMode[];
export type AgentMode = (typeof AGENT_MODES)[number];

/**
 * The one integration point with a coding agent. Nothing but implementations of this interface
 * talks to an agent process.
 */
export interface CodexBackend {
  readonly kind: StructuredBackendKind;
  /** The agent's thread / session id once known (after start, or after the first turn for Claude). */
  readonly threadId: string | undefined;
  /** Normalized events; subscribe before start() to see `session_started`. */
  readonly events: AgentEventStream;
  /** True while a turn runs (between `turn_started` and its completed/failed/interrupted event). */
  readonly turnActive: boolean;
  start(opts: BackendStartOptions): Promise<void>;
  /**
   * Starts a turn with this user text; resolves once the agent accepted it (not when the turn ends).
   * While a turn runs, the text joins that turn instead (its `user_message` carries the running
   * turn's id): codex and claude read it at their next step, the demo answers it before it ends.
   * Backends that cannot take input mid-turn reject with `turn_in_progress`.
   */
  sendMessage(text: string, opts?: SendMessageOptions): Promise<void>;
  /**
   * Answers a pending approval (`answers` for one that asked `questions`). Resolves true if this
   * answer resolved it, false if it was already resolved (first answer wins); rejects with
   * `unknown_approval` for an id never asked.
   */
  respondApproval(
    requestId: string,
    decision: ApprovalDecision,
    by?: string,
    answers?: ApprovalAnswers,
  ): Promise<boolean>;
  /** Interrupts the running turn (a `turn_interrupted` event follows). */
  interrupt(): Promise<void>;
  /** Switches to an existing thread / session; later messages continue it. */
  resume(threadId: string): Promise<void>;
  /**
   * Sets, pauses, resumes or clears the goal the agent pursues over turns it starts by itself
   * (codex goals); a `goal` event follows. Absent where the agent has no goals.
   */
  setGoal?(change: GoalChange): Promise<void>;
  /**
   * Switches how the agent works from the next step on (claude's permission modes): `plan` plans
   * without changing anything, `accept_edits` applies file edits without asking (commands still
   * ask), `default` asks as configured. Absent where the agent has no modes.
   */
  setMode?(mode: AgentMode): Promise<void>;
  /** Stops the agent process; ends the event stream. Idempotent. */
  close(): Promise<void>;
}

/** A snapshot of the headless terminal mirror, for a phone that joins late. */
export interface TerminalSnapshot {
  cols: number;
  rows: number;
  /** ANSI bytes that repaint the screen (and scrollback) on an empty terminal of this size. */
  data: string;
  /** The visible screen as plain text lines (for tests and compact views). */
  lines: string[];
  cursor: { x: number; y: number };
}

export interface TerminalStartOptions {
  cwd: string;
  cols: number;
  rows: number;
  /** Continue this conversation in the TUI (codex-tui / claude-tui). */
  resumeThreadId?: string;
}

export interface TerminalExit {
  exitCode: number;
  signal?: number;
}

/** A program in a PTY (node-pty), mirrored into a headless xterm. */
export interface TerminalBackend {
  readonly kind: TerminalBackendKind;
  readonly running: boolean;
  /** The conversation id the TUI runs on, once known (codex-tui / claude-tui). */
  readonly threadId: string | undefined;
  start(opts: TerminalStartOptions): Promise<void>;
  /** Raw output bytes as the program wrote them. */
  onOutput(listener: (bytes: Uint8Array) => void): Unsubscribe;
  onExit(listener: (exit: TerminalExit) => void): Unsubscribe;
  /** Input to the program, as keystrokes. */
  write(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  snapshot(): TerminalSnapshot;
  close(): Promise<void>;
}

export type { AgentEvent, ApprovalDecision };
