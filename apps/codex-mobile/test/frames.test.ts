import type { ControlFrame } from "@codex-remote/protocol";
import { describe, expect, it } from "vitest";
import { frameToInputs, journalToInputs } from "../src/net/frames.ts";
import { initialState, reduce } from "../src/store/reduce.ts";

const ctx = { ownDeviceId: "ME", currentSession: "s1", now: 5 };

describe("control frames → store inputs", () => {
  it("maps control grants and revokes to this phone's control state", () => {
    const grant = (deviceId: string): ControlFrame => ({ type: "control_grant", sessionId: "s1", deviceId });
    expect(frameToInputs(grant("ME"), ctx)).toMatchObject([{ type: "control", state: "granted" }]);
    expect(frameToInputs(grant("OTHER"), ctx)).toMatchObject([{ type: "control", state: "none" }]);
    const revoke = (reason: "local_input" | "released" | "denied"): ControlFrame => ({
      type: "control_revoke",
      sessionId: "s1",
      deviceId: "ME",
      reason,
    });
    expect(frameToInputs(revoke("local_input"), ctx)).toMatchObject([
      { state: "revoked", reason: "someone typed on the laptop" },
    ]);
    expect(frameToInputs(revoke("released"), ctx)).toMatchObject([{ state: "none" }]);
    expect(frameToInputs(revoke("denied"), ctx)).toMatchObject([{ state: "refused" }]);
  });

  it("names who answered an approval", () => {
    const resolved = (by: string): ControlFrame => ({
      type: "agent_event",
      sessionId: "s1",
      seq: 3,
      event: { kind: "approval_resolved", requestId: "r", decision: "accept", by },
    });
    const by = (id: string) => {
      const [input] = frameToInputs(resolved(id), ctx);
      return input?.type === "event" && input.event.kind === "approval_resolved" ? input.event.by : undefined;
    };
    expect(by("ME")).toBe("this phone");
    expect(by("local")).toBe("the laptop");
    expect(by("x".repeat(43))).toBe("another device");
  });

  it("turns the laptop's EVENTS_TRIMMED error into a visible jump and other errors into notices", () => {
    const err = (code: string, message: string): ControlFrame => ({ type: "error", code, message });
    expect(frameToInputs(err("EVENTS_TRIMMED", "events after 3 up to 40 are no longer kept"), ctx)).toMatchObject([
      { type: "trimmed", sessionId: "s1", upTo: 40 },
    ]);
    expect(frameToInputs(err("NOT_IN_CONTROL", "refused"), ctx)).toMatchObject([
      { type: "notice", code: "NOT_IN_CONTROL" },
    ]);
  });

  it("opens terminal sessions with their size", () => {
    const inputs = frameToInputs(
      { type: "session_open", sessionId: "t", agent: "shell", cwd: "/x", cols: 100, rows: 30 },
      ctx,
    );
    expect(inputs).toMatchObject([
      { type: "session_open", mode: "terminal", agent: "shell" },
      { type: "terminal_size", cols: 100, rows: 30 },
    ]);
  });
});

describe("device name shown to the laptop", () => {
  it("says what kind of device, nothing more", async () => {
    const { deviceName } = await import("../src/net/pairing.ts");
    expect(deviceName("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)")).toBe("iPhone");
    expect(deviceName("Mozilla/5.0 (Linux; Android 15; Pixel 9)")).toBe("Android phone");
    expect(deviceName("")).toBe("phone");
  });
});

describe("journal → store inputs", () => {
  const entry = {
    meta: { sessionId: "s1", agent: "demo", cwd: "/w", mode: "structured" as const, lastActivity: 9 },
    events: [
      { seq: 3, at: 7, event: { kind: "user_message" as const, text: "hi", source: "remote" as const } },
      { seq: 4, at: 8, event: { kind: "turn_started" as const, turnId: "t1" } },
    ],
  };

  it("opens the session offline, says what was trimmed before the kept events, then replays them", () => {
    const inputs = journalToInputs(entry, "ME");
    expect(inputs.slice(0, 3)).toMatchObject([
      { type: "session_open", sessionId: "s1", agent: "demo", cwd: "/w", mode: "structured", at: 9 },
      { type: "presence", sessionId: "s1", online: false },
      { type: "trimmed", sessionId: "s1", upTo: 2 },
    ]);
    expect(inputs.filter((i) => i.type === "event").map((i) => (i as { seq: number }).seq)).toEqual([3, 4]);
  });

  it("restored twice (a tab without the links, then its links), the store keeps each event once", () => {
    const once = journalToInputs(entry, "ME").reduce(reduce, initialState());
    const twice = journalToInputs(entry, "ME").reduce(reduce, once);
    expect(twice.order).toEqual(["s1"]);
    expect(twice.sessions.s1!.items).toEqual(once.sessions.s1!.items);
  });
});
