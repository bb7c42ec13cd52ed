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

  /** Goals live in the structured backend: the conversation must be on the phone's side. */
  async setGoal(change: GoalChange): Promise<void> {
    if (this.kind !== "codex") throw new BackendError("unsupported", `${this.kind} has no goals (codex does)`);
    const backend = this.handoff.backend;
    if (!backend?.setGoal) throw new BackendError("unsupported", "goals: send a prompt from the phone first");
    await backend.setGoal(change);
  }

  async setMode(mode: AgentMode): Promise<void> {
    if (this.kind !== "claude") throw new BackendError("unsupported", `${this.kind} has no modes (claude does)`);
    const backend = this.handoff.backend;
    if (!backend?.setMode) throw new BackendError("unsupported", "modes: send a prompt from the phone first");
    await backend.setMode(mode);
  }

  async resume(threadId: string): Promise<void> {
    await this.handoff.backend?.resume(threadId);
  }

  close(): Promise<void> {
    return this.handoff.close();
  }
}
