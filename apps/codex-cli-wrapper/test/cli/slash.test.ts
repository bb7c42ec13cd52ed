import type { ApprovalAnswers, ApprovalDecision, ApprovalQuestion } from "@codex-remote/protocol";
import { describe, expect, it } from "vitest";
import { createSlashRouter, parseSlash, type SessionControls } from "../../src/slash/index.ts";
import type { SlashOrigin } from "../../src/slash/registry.ts";

function controls(questions: Record<string, ApprovalQuestion[]> = {}) {
  const calls: string[] = [];
  const pending = ["req-1", "req-2", ...Object.keys(questions)];
  const ctl: SessionControls = {
    status: () => "status line",
    pendingApprovals: () => pending,
    approvalQuestions: (id) => questions[id],
    answerApproval: (id: string, d: ApprovalDecision, o: SlashOrigin, a?: ApprovalAnswers) => {
      calls.push(`${id}:${d}:${o.kind}${a ? `:${JSON.stringify(a)}` : ""}`);
      const i = pending.indexOf(id);
      if (i < 0) return false;
      pending.splice(i, 1);
      return true;
    },
    interrupt: () => {
      calls.push("interrupt");
    },
    pair: () => "QR",
    control: (a, o) => `${a} by ${o.kind}`,
    mode: (m) => {
      calls.push(`mode:${m}`);
      return `mode ${m}`;
    },
    goal: (change) => {
      calls.push(`goal:${JSON.stringify(change)}`);
      return "ok";
    },
  };
  return { ctl, calls, pending };
}

const local = { kind: "local" } as const;
const phone = { kind: "remote", deviceId: "dev" } as const;

describe("slash router", () => {
  it("parses commands with quoted args", () => {
    expect(parseSlash('/approve req-1 "for session"')).toEqual({ name: "approve", args: ["req-1", "for session"] });
    expect(parseSlash("hello")).toBeUndefined();
    expect(parseSlash("//not a command")).toBeUndefined();
  });

  it("runs the built-ins", async () => {
    const r = createSlashRouter();
    const { ctl, calls } = controls();
    expect(await r.dispatch(ctl, "/help", local)).toContain("/approve");
    expect(await r.dispatch(ctl, "/status", phone)).toBe("status line");
    expect(await r.dispatch(ctl, "/approve", phone)).toBe("approved req-1");
    expect(await r.dispatch(ctl, "/deny req-2", local)).toBe("declined req-2");
    await expect(r.dispatch(ctl, "/approve", local)).rejects.toMatchObject({ code: "SLASH_USAGE" });
    expect(await r.dispatch(ctl, "/interrupt", local)).toBe("interrupt sent");
    expect(await r.dispatch(ctl, "/control", phone)).toBe("take by remote");
    expect(calls).toEqual(["req-1:accept:remote", "req-2:decline:local", "interrupt"]);
  });

  it("/mode switches between default, plan and accept-edits", async () => {
    const r = createSlashRouter();
    const { ctl, calls } = controls();
    await r.dispatch(ctl, "/mode plan", phone);
    await r.dispatch(ctl, "/mode accept-edits", phone);
    await r.dispatch(ctl, "/mode default", local);
    await expect(r.dispatch(ctl, "/mode yolo", local)).rejects.toMatchObject({ code: "SLASH_USAGE" });
    await expect(r.dispatch(ctl, "/mode", local)).rejects.toMatchObject({ code: "SLASH_USAGE" });
    expect(calls).toEqual(["mode:plan", "mode:accept_edits", "mode:default"]);
  });

  it("/goal sets an objective, pauses, resumes or clears", async () => {
    const r = createSlashRouter();
    const { ctl, calls } = controls();
    await r.dispatch(ctl, "/goal make every test pass", phone);
    await r.dispatch(ctl, "/goal pause", phone);
    await r.dispatch(ctl, "/goal resume", local);
    await r.dispatch(ctl, "/goal clear", local);
    await expect(r.dispatch(ctl, "/goal", local)).rejects.toMatchObject({ code: "SLASH_USAGE" });
    expect(calls).toEqual([
      'goal:{"objective":"make every test pass"}',
      'goal:{"status":"paused"}',
      'goal:{"status":"active"}',
      'goal:{"clear":true}',
    ]);
  });

  it("/answer picks options by number, several for a multi-select, or takes the user's own words", async () => {
    const colour: ApprovalQuestion = {
      question: "Which colour?",
      multiSelect: false,
      options: [{ label: "Red" }, { label: "Blue" }],
    };
    const extras: ApprovalQuestion = {
      question: "Which extras?",
      multiSelect: true,
      options: [{ label: "Tests" }, { label: "Docs" }, { label: "Bench" }],
    };
    const r = createSlashRouter();
    const { ctl, calls } = controls({ "q-1": [colour], "q-2": [colour, extras], "q-3": [colour] });
    // without an id: the oldest approval that asks questions, not req-1
    await expect(r.dispatch(ctl, "/answer 3", local)).rejects.toThrow(/options 1-2, got 3/);
    expect(await r.dispatch(ctl, "/answer 2", phone)).toBe("answered q-1: Blue");
    await expect(r.dispatch(ctl, "/answer q-2 1", local)).rejects.toThrow(/2 questions to answer, 1 answer given/);
    await expect(r.dispatch(ctl, "/answer q-2 1,2 1", local)).rejects.toThrow(/takes one option/);
    expect(await r.dispatch(ctl, "/answer q-2 1 1,3", local)).toBe("answered q-2: Red / Tests, Bench");
    expect(await r.dispatch(ctl, "/answer q-3 a deep green", local)).toBe("answered q-3: a deep green");
    await expect(r.dispatch(ctl, "/answer req-1 1", local)).rejects.toThrow(/asks yes or no/);
    expect(calls).toEqual([
      'q-1:accept:remote:{"Which colour?":"Blue"}',
      'q-2:accept:local:{"Which colour?":"Red","Which extras?":"Tests, Bench"}',
      'q-3:accept:local:{"Which colour?":"a deep green"}',
    ]);
  });

  it("keeps /pair on the laptop and names unknown commands", async () => {
    const r = createSlashRouter();
    const { ctl } = controls();
    expect(await r.dispatch(ctl, "/pair", local)).toBe("QR");
    await expect(r.dispatch(ctl, "/pair", phone)).rejects.toMatchObject({ code: "SLASH_FORBIDDEN" });
    await expect(r.dispatch(ctl, "/aprove", local)).rejects.toMatchObject({ code: "SLASH_UNKNOWN" });
  });

  it("takes plug-in commands", async () => {
    const r = createSlashRouter().register({
      name: "model",
      usage: "/model NAME",
      summary: "switch model",
      remote: true,
      run: (_c, args) => `model ${args[0]}`,
    });
    expect(await r.dispatch(controls().ctl, "/model o5", phone)).toBe("model o5");
    expect(r.help()).toContain("/model NAME");
    expect(() => r.register({ name: "model", usage: "", summary: "", remote: true, run: () => "" })).toThrow();
  });
});
