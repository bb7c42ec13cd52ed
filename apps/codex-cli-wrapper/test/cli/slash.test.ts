import type { ApprovalDecision } from "@codex-remote/protocol";
import { describe, expect, it } from "vitest";
import { createSlashRouter, parseSlash, type SessionControls } from "../../src/slash/index.ts";
import type { SlashOrigin } from "../../src/slash/registry.ts";

function controls() {
  const calls: string[] = [];
  const pending = ["req-1", "req-2"];
  const ctl: SessionControls = {
    status: () => "status line",
    pendingApprovals: () => pending,
    answerApproval: (id: string, d: ApprovalDecision, o: SlashOrigin) => {
      calls.push(`${id}:${d}:${o.kind}`);
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
