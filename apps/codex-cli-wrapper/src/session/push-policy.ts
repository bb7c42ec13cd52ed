import type { AgentEvent } from "@codex-remote/protocol";
import type { PushCategory } from "@codex-remote/protocol/relay";

/**
 * Which agent events wake the phone (a content-free push; the relay skips phones in front). While a
 * goal is active the agent starts turn after turn by itself, so a finished turn is not news: the
 * goal's end is (done → "finished"; blocked or out of budget → "needs you"). A goal the user paused
 * sends nothing.
 */
export class PushPolicy {
  #goalActive = false;

  categoryFor(e: AgentEvent): PushCategory | undefined {
    switch (e.kind) {
      case "approval_requested":
        return "approval_needed";
      case "turn_completed":
        return this.#goalActive ? undefined : "turn_completed";
      case "error":
        return e.fatal ? "error" : undefined;
      case "goal": {
        const was = this.#goalActive;
        this.#goalActive = e.goal?.status === "active";
        if (!was || !e.goal) return undefined;
        if (e.goal.status === "complete") return "turn_completed";
        if (e.goal.status === "active" || e.goal.status === "paused") return undefined;
        return "attention_needed";
      }
      default:
        return undefined;
    }
  }
}
