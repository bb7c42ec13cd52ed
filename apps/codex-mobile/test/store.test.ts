import type { AgentEvent } from "@codex-remote/protocol";
import { describe, expect, it } from "vitest";
import { initialState, PENDING_WINDOW, reduce, sessionList, sessionState } from "../src/store/reduce.ts";
import type { AppState, StoreInput } from "../src/store/types.ts";

const S = "s1";
const run = (inputs: StoreInput[], state: AppState = initialState()) => inputs.reduce(reduce, state);
const ev = (seq: number, event: AgentEvent, at = seq): StoreInput => ({ type: "event", sessionId: S, seq, event, at });

const script: AgentEvent[] = [
  { kind: "session_started", agent: "demo", cwd: "/home/me/project" },
  { kind: "user_message", text: "list files", source: "remote" },
  { kind: "turn_started", turnId: "t1" },
  { kind: "text_delta", turnId: "t1", itemId: "m1", delta: "Here " },
  { kind: "text_delta", turnId: "t1", itemId: "m1", delta: "you go" },
  { kind: "command_begin", turnId: "t1", itemId: "c1", command: "ls" },
  { kind: "command_output_delta", turnId: "t1", itemId: "c1", stream: "stdout", chunk: "a.txt\n" },
  { kind: "command_output_delta", turnId: "t1", itemId: "c1", stream: "stdout", chunk: "b.txt\n" },
  { kind: "command_end", turnId: "t1", itemId: "c1", exitCode: 0, durationMs: 12 },
  { kind: "text_completed", turnId: "t1", itemId: "m1", text: "Here you go." },
  { kind: "turn_completed", turnId: "t1" },
];
const inOrder = script.map((e, i) => ev(i + 1, e));

describe("store: frames in, view model out", () => {
  it("builds the timeline from a streamed turn", () => {
    const s = run(inOrder).sessions[S]!;
    expect(s.agent).toBe("demo");
    expect(s.cwd).toBe("/home/me/project");
    expect(s.sync.applied).toBe(script.length);
    expect(s.items.map((i) => i.kind)).toEqual(["user", "turn", "text", "command", "turn"]);
    const text = s.items.find((i) => i.kind === "text");
    expect(text).toMatchObject({ text: "Here you go.", done: true });
    const cmd = s.items.find((i) => i.kind === "command");
    expect(cmd).toMatchObject({ command: "ls", output: "a.txt\nb.txt\n", exitCode: 0, running: false, durationMs: 12 });
    expect(sessionState(s)).toBe("idle");
  });

  it("gives the same view for any arrival order within the window", () => {
    const expected = run(inOrder).sessions[S]!.items;
    const shuffled = [...inOrder].reverse();
    const mid = run(shuffled.slice(0, 5)).sessions[S]!;
    expect(mid.items).toEqual([]); // nothing applied while seq 1 is missing
    expect(mid.sync.pending.size).toBe(5);
    const s = run(shuffled).sessions[S]!;
    expect(s.items).toEqual(expected);
    expect(s.sync.pending.size).toBe(0);
    expect(s.sync.applied).toBe(script.length);
  });

  it("ignores duplicates and replays", () => {
    const twice = [...inOrder, ...inOrder, ev(3, script[2]!)];
    expect(run(twice).sessions[S]!.items).toEqual(run(inOrder).sessions[S]!.items);
  });

  it("marks a gap for resync and never shows a silent hole", () => {
    let state = run(inOrder.slice(0, 4));
    state = reduce(state, { type: "gap", sessionId: S, from: 5, to: 8, at: 10 });
    expect(state.sessions[S]!.sync.resync).toBe("needed");
    expect(sessionList(state)[0]!.resyncing).toBe(true);
    state = reduce(state, { type: "resync_requested", sessionId: S, at: 11 });
    expect(state.sessions[S]!.sync.resync).toBe("requested");
    // frames after the hole keep arriving but are not applied over the hole
    state = reduce(state, inOrder[9]!);
    expect(state.sessions[S]!.sync.applied).toBe(4);
    expect(state.sessions[S]!.sync.resync).toBe("requested");
    // the laptop replays 5..9 (and 10 again): the hole fills, the resync ends, 11 applies live
    state = run(inOrder.slice(4, 10), state);
    expect(state.sessions[S]!.sync.resync).toBe("none");
    state = reduce(state, inOrder[10]!);
    const s = state.sessions[S]!;
    expect(s.sync.applied).toBe(11);
    expect(s.items.filter((i) => i.kind !== "notice")).toEqual(run(inOrder).sessions[S]!.items);
    expect(s.items.filter((i) => i.kind === "notice")).toHaveLength(1); // the gap is told, not hidden
  });

  it("says so in the timeline when the relay reports a gap, and lets the user skip a hole that never fills", () => {
    let state = run(inOrder.slice(0, 3));
    state = reduce(state, { type: "gap", sessionId: S, from: 7, to: 9, at: 4 });
    expect(state.sessions[S]!.items.at(-1)).toMatchObject({ kind: "notice", code: "RELAY_GAP" });
    state = run(inOrder.slice(6, 8), state); // 7 and 8 wait behind the missing 4..6
    expect(state.sessions[S]!.sync.applied).toBe(3);
    state = reduce(state, { type: "skip_missing", sessionId: S, at: 5 });
    const s = state.sessions[S]!;
    expect(s.sync).toMatchObject({ applied: 8, resync: "none" });
    expect(s.items.some((i) => i.kind === "notice" && i.code === "SKIPPED" && i.message.includes("4–6"))).toBe(true);
  });

  it("a snapshot replaces the timeline after a gap", () => {
    let state = run(inOrder.slice(0, 4));
    state = reduce(state, { type: "gap", sessionId: S, from: 5, to: 8, at: 10 });
    state = reduce(state, { type: "snapshot", sessionId: S, seq: 10, events: script.slice(0, 10), at: 12 });
    state = reduce(state, inOrder[10]!);
    expect(state.sessions[S]!.sync).toMatchObject({ resync: "none", applied: 11 });
    expect(state.sessions[S]!.items).toEqual(run(inOrder).sessions[S]!.items);
  });

  it("a resync answered with nothing new ends when the laptop says it is done", () => {
    let state = run(inOrder);
    state = reduce(state, { type: "gap", sessionId: S, from: 1, to: 3, at: 1 });
    state = reduce(state, { type: "resync_requested", sessionId: S, at: 2 });
    state = reduce(state, { type: "resync_done", sessionId: S, at: 3 });
    expect(state.sessions[S]!.sync.resync).toBe("none");
  });

  it("jumps over events the laptop no longer keeps, with a visible marker", () => {
    let state = run(inOrder.slice(0, 2));
    state = reduce(state, { type: "trimmed", sessionId: S, upTo: undefined, at: 3 });
    state = run(inOrder.slice(6), state); // 7.. arrive; 3..6 are gone
    const s = state.sessions[S]!;
    expect(s.sync.applied).toBe(11);
    expect(s.items.some((i) => i.kind === "notice" && i.code === "EVENTS_TRIMMED")).toBe(true);
    const withUpTo = reduce(run(inOrder.slice(0, 2)), { type: "trimmed", sessionId: S, upTo: 6, at: 3 });
    expect(run(inOrder.slice(6), withUpTo).sessions[S]!.sync.applied).toBe(11);
  });

  it("asks for a resync when too many frames wait ahead of a missing one", () => {
    const inputs: StoreInput[] = [];
    for (let i = 0; i <= PENDING_WINDOW; i++) inputs.push(ev(i + 2, { kind: "text_delta", itemId: "m", delta: "x" }));
    const s = run(inputs).sessions[S]!;
    expect(s.sync.resync).toBe("needed");
    expect(s.sync.pending.size).toBe(0);
    expect(s.sync.gaps).toBe(1);
  });

  it("keeps frames newer than a snapshot and drains them in order", () => {
    let state = run([ev(1, script[0]!)]);
    state = reduce(state, { type: "gap", sessionId: S, from: 2, to: 5, at: 1 });
    state = reduce(state, ev(8, script[7]!)); // waits behind the hole
    state = reduce(state, { type: "snapshot", sessionId: S, seq: 7, events: script.slice(0, 7), at: 2 });
    expect(state.sessions[S]!.sync.applied).toBe(8); // 8 waited behind the hole and drains after the snapshot
    state = run(inOrder.slice(8), state);
    expect(state.sessions[S]!.items).toEqual(run(inOrder).sessions[S]!.items);
  });

  it("derives session states: working, waiting for approval, idle, offline", () => {
    let state = run(inOrder.slice(0, 3));
    expect(sessionState(state.sessions[S]!)).toBe("working");
    state = reduce(
      state,
      ev(4, {
        kind: "approval_requested",
        turnId: "t1",
        requestId: "r1",
        approval: "command",
        summary: "rm -rf build",
        command: "rm -rf build",
      }),
    );
    expect(sessionState(state.sessions[S]!)).toBe("waiting_for_approval");
    state = reduce(state, { type: "approval_sent", sessionId: S, requestId: "r1", decision: "decline", at: 5 });
    const pending = state.sessions[S]!.items.find((i) => i.kind === "approval");
    expect(pending).toMatchObject({ sent: "decline" });
    expect(sessionState(state.sessions[S]!)).toBe("waiting_for_approval"); // not resolved until the laptop says so
    state = reduce(
      state,
      ev(5, { kind: "approval_resolved", turnId: "t1", requestId: "r1", decision: "decline", by: "phone" }),
    );
    expect(sessionState(state.sessions[S]!)).toBe("working");
    state = reduce(state, ev(6, { kind: "turn_completed", turnId: "t1" }));
    expect(sessionState(state.sessions[S]!)).toBe("idle");
    state = reduce(state, { type: "presence", sessionId: S, online: false, at: 7 });
    expect(sessionState(state.sessions[S]!)).toBe("offline");
  });

  it("keeps an approval's questions, and the answers once the laptop says who answered", () => {
    const questions = [
      { question: "Which colour?", multiSelect: false, options: [{ label: "Red" }, { label: "Blue" }] },
    ];
    let state = run(inOrder.slice(0, 3));
    state = reduce(
      state,
      ev(4, {
        kind: "approval_requested",
        turnId: "t1",
        requestId: "q1",
        approval: "tool",
        summary: "Which colour?",
        questions,
      }),
    );
    expect(state.sessions[S]!.items.find((i) => i.kind === "approval")).toMatchObject({ questions });
    expect(sessionState(state.sessions[S]!)).toBe("waiting_for_approval");
    state = reduce(
      state,
      ev(5, {
        kind: "approval_resolved",
        turnId: "t1",
        requestId: "q1",
        decision: "accept",
        by: "phone",
        answers: { "Which colour?": "Blue" },
      }),
    );
    expect(state.sessions[S]!.items.find((i) => i.kind === "approval")).toMatchObject({
      questions,
      decision: "accept",
      answers: { "Which colour?": "Blue" },
    });
  });

  it("keeps the plan an approval asks to go ahead with", () => {
    const plan = "# Plan\n\n1. Test\n2. Fix";
    let state = run(inOrder.slice(0, 3));
    state = reduce(
      state,
      ev(4, {
        kind: "approval_requested",
        turnId: "t1",
        requestId: "p1",
        approval: "tool",
        summary: "Plan ready",
        plan,
      }),
    );
    expect(state.sessions[S]!.items.find((i) => i.kind === "approval")).toMatchObject({ plan });
    expect(sessionState(state.sessions[S]!)).toBe("waiting_for_approval");
  });

  it("keeps one card per tool call, updated from started to how it ended", () => {
    let state = run(inOrder.slice(0, 3));
    const call = { kind: "tool_call" as const, turnId: "t1", itemId: "tc1", tool: "WebSearch", summary: "relay" };
    state = reduce(state, ev(4, { ...call, status: "started" }));
    state = reduce(state, ev(5, { ...call, status: "completed", output: "3 results" }));
    expect(state.sessions[S]!.items.filter((i) => i.kind === "tool")).toEqual([
      { kind: "tool", id: "tc1", tool: "WebSearch", summary: "relay", status: "completed", output: "3 results" },
    ]);
  });

  it("keeps one checklist per turn, showing the agent's latest task list", () => {
    let state = run(inOrder.slice(0, 3));
    const list = (tasks: { id: string; subject: string; status: "pending" | "in_progress" | "completed" }[]) => ({
      kind: "task_list" as const,
      turnId: "t1",
      tasks,
    });
    state = reduce(state, ev(4, list([{ id: "1", subject: "test", status: "pending" }])));
    state = reduce(
      state,
      ev(
        5,
        list([
          { id: "1", subject: "test", status: "completed" },
          { id: "2", subject: "fix", status: "in_progress" },
        ]),
      ),
    );
    expect(state.sessions[S]!.items.filter((i) => i.kind === "tasks")).toEqual([
      {
        kind: "tasks",
        id: "tasks-t1",
        tasks: [
          { id: "1", subject: "test", status: "completed" },
          { id: "2", subject: "fix", status: "in_progress" },
        ],
      },
    ]);
    state = reduce(state, ev(6, { ...list([]), turnId: "t2" }));
    expect(state.sessions[S]!.items.filter((i) => i.kind === "tasks").map((i) => i.id)).toEqual([
      "tasks-t1",
      "tasks-t2",
    ]);
  });

  it("keeps the session's goal from the newest goal event; a cleared goal is gone", () => {
    let state = run(inOrder.slice(0, 3));
    const goal = { objective: "green build", status: "active" as const, tokensUsed: 10 };
    state = reduce(state, ev(4, { kind: "goal", turnId: "t1", goal }));
    expect(state.sessions[S]!.goal).toEqual(goal);
    state = reduce(state, ev(5, { kind: "goal", goal: { ...goal, status: "blocked" } }));
    expect(state.sessions[S]!.goal?.status).toBe("blocked");
    state = reduce(state, ev(6, { kind: "turn_completed", turnId: "t1" }));
    expect(sessionState(state.sessions[S]!)).toBe("needs_you");
    state = reduce(state, ev(7, { kind: "goal", goal: null }));
    expect("goal" in state.sessions[S]!).toBe(false);
    expect(state.sessions[S]!.items.some((i) => i.id.startsWith("goal"))).toBe(false);
  });

  it("an event of a kind this app does not know (a newer laptop) still counts: later ones apply", () => {
    let state = run(inOrder.slice(0, 3));
    const before = state.sessions[S]!.items;
    state = reduce(state, ev(4, { kind: "unsupported", original: "from_the_future" }));
    expect(state.sessions[S]!.items).toBe(before);
    state = reduce(state, ev(5, { kind: "user_message", text: "after it" }));
    expect(state.sessions[S]!.sync.applied).toBe(5);
    expect(state.sessions[S]!.items.at(-1)).toMatchObject({ kind: "user", text: "after it" });
  });

  it("keeps the agent's working mode unless it is the default", () => {
    let state = run(inOrder.slice(0, 3));
    state = reduce(state, ev(4, { kind: "agent_mode", mode: "plan" }));
    expect(state.sessions[S]!.workMode).toBe("plan");
    state = reduce(state, ev(5, { kind: "agent_mode", mode: "default" }));
    expect("workMode" in state.sessions[S]!).toBe(false);
  });

  it("lists sessions by last activity with agent and folder", () => {
    let state = run([{ type: "session_open", sessionId: "a", agent: "codex", cwd: "/p/a", mode: "structured", at: 5 }]);
    state = reduce(state, {
      type: "session_open",
      sessionId: "b",
      agent: "shell",
      cwd: "/p/b",
      mode: "terminal",
      at: 9,
    });
    expect(sessionList(state).map((s) => [s.id, s.agent, s.folder])).toEqual([
      ["b", "shell", "/p/b"],
      ["a", "codex", "/p/a"],
    ]);
  });

  it("file changes, control and terminal output", () => {
    const diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
    let state = run([
      ev(1, { kind: "file_change", itemId: "f1", files: [{ path: "x", change: "update" }], diff, status: "proposed" }),
      ev(2, {
        kind: "file_change",
        itemId: "f1",
        files: [{ path: "x", change: "update" }],
        diff: "",
        status: "declined",
      }),
    ]);
    expect(state.sessions[S]!.items[0]).toMatchObject({ kind: "file_change", diff, status: "declined" });
    state = reduce(state, { type: "control", sessionId: S, state: "granted", at: 3 });
    state = reduce(state, { type: "control", sessionId: S, state: "revoked", reason: "laptop took over", at: 4 });
    expect(state.sessions[S]!).toMatchObject({ control: "revoked", controlReason: "laptop took over" });
    state = reduce(state, { type: "terminal_output", sessionId: S, bytes: new Uint8Array([104, 105]), at: 5 });
    expect(state.sessions[S]!.terminal).toMatchObject({ bytes: 2, version: 1 });
    expect(state.sessions[S]!.mode).toBe("terminal");
  });

  it("removes a session (its laptop forgotten) from the sessions and the list, and nothing else", () => {
    const other: StoreInput = { type: "session_open", sessionId: "s2", agent: "demo", mode: "structured", at: 50 };
    const before = run([...inOrder, other]);
    const after = reduce(before, { type: "session_remove", sessionId: S });
    expect(Object.keys(after.sessions)).toEqual(["s2"]);
    expect(after.order).toEqual(["s2"]);
    expect(after.sessions.s2).toBe(before.sessions.s2);
    expect(before.sessions[S]).toBeDefined();
    expect(reduce(after, { type: "session_remove", sessionId: S })).toBe(after);
  });

  it("never mutates the previous state", () => {
    const before = run(inOrder.slice(0, 4));
    const frozen = JSON.stringify(before.sessions[S]!.items);
    run(inOrder.slice(4), before);
    expect(JSON.stringify(before.sessions[S]!.items)).toBe(frozen);
  });
});
