import type { ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";
import { BackendError } from "../backends/errors.ts";
import type { HandoffSession } from "../backends/terminal/handoff.ts";
import type {
  AgentMode,
  BackendStartOptions,
  CodexBackend,
  GoalChange,
  SendMessageOptions,
} from "../backends/types.ts";

/**
 * The session host's view of a TUI-with-handoff conversation as one CodexBackend: a prompt (from
 * the phone) moves the conversation to the structured backend, whose AgentEvents come out of
 * `events`; approvals and interrupts go to whichever side runs. The TUI itself is `handoff.terminal`.
 */
export class HandoffBackend implements CodexBackend {
  readonly handoff: HandoffSession;
  readonly kind: "codex" | "claude";

  constructor(handoff: HandoffSession, kind: "codex" | "claude") {
    this.handoff = handoff;
    this.kind = kind;
  }

  get events() {
    return this.handoff.events;
  }

  get threadId(): string | undefined {
    return this.handoff.threadId;
  }

  get turnActive(): boolean {
    return this.handoff.backend?.turnActive ?? false;
  }

  async start(opts: BackendStartOptions): Promise<void> {
    await this.handoff.start(opts.resumeThreadId);
  }

  sendMessage(text: string, opts: SendMessageOptions = { source: "remote" }): Promise<void> {
    return this.handoff.remotePrompt(text, opts);
  }

  respondApproval(
    requestId: string,
    decision: ApprovalDecision,
    by?: string,
    answers?: ApprovalAnswers,
  ): Promise<boolean> {
    return this.handoff.respondApproval(requestId, decision, by, answers);
  }

  interrupt(): Promise<void> {
    return this.handoff.interrupt();
  }

  async setGoal(change: GoalChange): Promise<void> {
    await this.#structured("codex", "goals", (b) => b.setGoal?.(change));
  }

  async setMode(mode: AgentMode): Promise<void> {
    await this.#structured("claude", "modes", (b) => b.setMode?.(mode));
  }

  /** Goals and modes live in the structured backend of `kind`: the conversation must be on the phone's side. */
  async #structured(
    kind: "codex" | "claude",
    what: string,
    call: (backend: CodexBackend) => Promise<void> | undefined,
  ): Promise<void> {
    if (this.kind !== kind) throw new BackendError("unsupported", `${this.kind} has no ${what} (${kind} does)`);
    const done = this.handoff.backend && call(this.handoff.backend);
    if (!done) throw new BackendError("unsupported", `${what}: send a prompt from the phone first`);
    await done;
  }

  async resume(threadId: string): Promise<void> {
    await this.handoff.backend?.resume(threadId);
  }

  close(): Promise<void> {
    return this.handoff.close();
  }
}
