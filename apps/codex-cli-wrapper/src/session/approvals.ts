import type { AgentEvent, ApprovalDecision } from "@codex-remote/protocol";

type Requested = Extract<AgentEvent, { kind: "approval_requested" }>;

/**
 * Pending approvals as both sides see them. The backend decides who won (`respondApproval` returns
 * false for a late answer); this book only tracks what is open, oldest first, for `/approve` without
 * an id, the status line and the phone's late join.
 */
export class ApprovalBook {
  #pending = new Map<string, Requested>();
  #resolved = new Map<string, { decision: ApprovalDecision; by: string }>();

  observe(event: AgentEvent): void {
    if (event.kind === "approval_requested") this.#pending.set(event.requestId, event);
    else if (event.kind === "approval_resolved") {
      this.#pending.delete(event.requestId);
      this.#resolved.set(event.requestId, { decision: event.decision, by: event.by });
    }
  }

  pending(): readonly Requested[] {
    return [...this.#pending.values()];
  }

  ids(): readonly string[] {
    return [...this.#pending.keys()];
  }

  get(id: string): Requested | undefined {
    return this.#pending.get(id);
  }

  resolution(id: string): { decision: ApprovalDecision; by: string } | undefined {
    return this.#resolved.get(id);
  }
}
