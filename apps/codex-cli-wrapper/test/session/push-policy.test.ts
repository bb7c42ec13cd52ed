import type { AgentEvent } from "@codex-remote/protocol";
import { describe, expect, it } from "vitest";
import { PushPolicy } from "../../src/session/push-policy.ts";

const goal = (status: "active" | "paused" | "blocked" | "budget_limited" | "complete"): AgentEvent => ({
  kind: "goal",
  goal: { objective: "green build", status },
});
const turnDone: AgentEvent = { kind: "turn_completed", turnId: "t" };

describe("push policy (which agent events wake the phone)", () => {
  it("approvals, finished turns and fatal errors push; other events do not", () => {
    const p = new PushPolicy();
    expect(p.categoryFor({ kind: "approval_requested", requestId: "r", approval: "command", summary: "ls" })).toBe(
      "approval_needed",
    );
    expect(p.categoryFor(turnDone)).toBe("turn_completed");
    expect(p.categoryFor({ kind: "error", code: "x", message: "m", fatal: true })).toBe("error");
    expect(p.categoryFor({ kind: "error", code: "x", message: "m", fatal: false })).toBeUndefined();
    expect(p.categoryFor({ kind: "text_delta", turnId: "t", itemId: "i", delta: "hi" })).toBeUndefined();
  });

  it("while a goal is active, turns end silently; the goal's end pushes: done, or needs you", () => {
    const p = new PushPolicy();
    expect(p.categoryFor(goal("active"))).toBeUndefined();
    expect(p.categoryFor(turnDone)).toBeUndefined();
    expect(p.categoryFor(goal("complete"))).toBe("turn_completed");
    expect(p.categoryFor(turnDone)).toBe("turn_completed");
    p.categoryFor(goal("active"));
    expect(p.categoryFor(goal("blocked"))).toBe("attention_needed");
    p.categoryFor(goal("active"));
    expect(p.categoryFor(goal("budget_limited"))).toBe("attention_needed");
    p.categoryFor(goal("active"));
    expect(p.categoryFor(goal("paused"))).toBeUndefined(); // the user paused it
    expect(p.categoryFor(turnDone)).toBe("turn_completed");
    p.categoryFor(goal("active"));
    expect(p.categoryFor({ kind: "goal", goal: null })).toBeUndefined();
    expect(p.categoryFor(turnDone)).toBe("turn_completed");
  });
});
