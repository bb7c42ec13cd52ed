import type { AgentEvent, ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";
import { BackendError } from "./errors.ts";
import type { ApprovalPolicy } from "./types.ts";

type ApprovalRequested = Extract<AgentEvent, { kind: "approval_requested" }>;

interface Pending<T> {
  request: ApprovalRequested;
  answer: (decision: ApprovalDecision, answers?: ApprovalAnswers) => T;
}

/**
 * The approvals a backend has asked for and not yet answered. First answer wins: later answers
 * get `false`. The policy answers at once for `always` / `never`; `ask` waits for respondApproval.
 */
export class ApprovalTable<T = void> {
  #pending = new Map<string, Pending<T>>();
  #answered = new Set<string>();
  #emit: (event: AgentEvent) => void;
  policy: ApprovalPolicy;

  constructor(policy: ApprovalPolicy, emit: (event: AgentEvent) => void) {
    this.policy = policy;
    this.#emit = emit;
  }

  /** Registers a request, emits `approval_requested`, and lets the policy answer if it may. */
  ask(request: ApprovalRequested, answer: (decision: ApprovalDecision, answers?: ApprovalAnswers) => T): void {
    this.#pending.set(request.requestId, { request, answer });
    this.#emit(request);
    if (this.policy === "always") this.resolve(request.requestId, "accept", "policy");
    else if (this.policy === "never") this.resolve(request.requestId, "decline", "policy");
  }

  has(requestId: string): boolean {
    return this.#pending.has(requestId);
  }

  get pendingIds(): string[] {
    return [...this.#pending.keys()];
  }

  /**
   * Answers a request (`answers` for one that asked questions). True if this answer resolved it;
   * false if already answered; throws for an unknown id.
   */
  resolve(requestId: string, decision: ApprovalDecision, by: string, answers?: ApprovalAnswers): boolean {
    const pending = this.#pending.get(requestId);
    if (!pending) {
      if (this.#answered.has(requestId)) return false;
      throw new BackendError("unknown_approval", `no approval request "${requestId}"`);
    }
    this.#pending.delete(requestId);
    this.#answered.add(requestId);
    // answers go with an accept of a request that asked questions, and only then
    const given = answers && pending.request.questions && decision === "accept" ? answers : undefined;
    pending.answer(decision, given);
    const resolved: AgentEvent = { kind: "approval_resolved", requestId, decision, by };
    if (pending.request.turnId !== undefined) resolved.turnId = pending.request.turnId;
    if (given) resolved.answers = given;
    this.#emit(resolved);
    return true;
  }

  /** The agent withdrew a request (turn interrupted, or it resolved it itself): resolved as `cancel`. */
  withdraw(requestId: string, by = "agent"): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    this.#pending.delete(requestId);
    this.#answered.add(requestId);
    const resolved: AgentEvent = { kind: "approval_resolved", requestId, decision: "cancel", by };
    if (pending.request.turnId !== undefined) resolved.turnId = pending.request.turnId;
    this.#emit(resolved);
  }

  withdrawAll(by = "agent"): void {
    for (const id of this.pendingIds) this.withdraw(id, by);
  }
}
