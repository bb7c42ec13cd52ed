import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempConfigDir } from "../helpers/cli.ts";
import { type Laptop, type LaptopOptions, startLaptop, until } from "../helpers/laptop.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

/**
 * The laptop decides control (control.grant): a phone asks through the real relay; the laptop
 * grants or refuses (asking its user, or by configuration); the phone sees the outcome as frames.
 */
describe("control requests decided by the laptop, through a real relay process", () => {
  let relay: RelayProcess;

  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  async function paired(opts: LaptopOptions): Promise<{ laptop: Laptop; phone: ScriptedPhone }> {
    const laptop = await startLaptop(relay.url, tempConfigDir(), opts);
    const phone = new ScriptedPhone("pixel");
    await phone.pair((await laptop.transport.pair()).link);
    await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");
    return { laptop, phone };
  }

  const refusal = (phone: ScriptedPhone) =>
    phone.waitFor(
      () =>
        phone.frames.some((f) => f.type === "error" && f.code === "CONTROL_REFUSED") &&
        phone.frames.some((f) => f.type === "control_revoke" && f.reason === "denied") &&
        phone.controlRefused > 0,
      10_000,
      "CONTROL_REFUSED + control_revoke denied + the relay's control_refused",
    );

  it("ask: the laptop user says y, the phone gets control; typing on the laptop takes it back", async () => {
    const { laptop, phone } = await paired({ controlGrant: "ask", askLocal: true });
    try {
      await phone.requestControl();
      await until(() => laptop.host.pendingControlRequest === phone.deviceId, "question shown on the laptop");
      expect(laptop.notices.some((n) => n.includes("asks for control") && n.includes("[y/N]"))).toBe(true);
      // Nothing is granted before the answer.
      expect(laptop.host.controller).toEqual({ kind: "local" });
      expect(phone.frames.some((f) => f.type === "control_grant")).toBe(false);
      laptop.host.localKeys("y");
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "control_grant" && f.deviceId === phone.deviceId),
        10_000,
        "control_grant",
      );
      await phone.waitFor(() => phone.controller === phone.deviceId, 10_000, "relay controller");
      expect(laptop.host.controller).toEqual({ kind: "remote", deviceId: phone.deviceId });
      // The phone's prompt now runs.
      phone.prompt("from the phone");
      expect((await phone.waitForEvent("user_message")).text).toBe("from the phone");
      // The laptop takes control back at any time.
      laptop.host.localKeys("x");
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "control_revoke" && f.reason === "local_input"),
        10_000,
        "control_revoke local_input",
      );
      expect(laptop.host.controller).toEqual({ kind: "local" });
      await laptop.backend.interrupt();
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 60_000);

  it("ask: the laptop user says n, the phone is refused with a typed reason", async () => {
    const { laptop, phone } = await paired({ controlGrant: "ask", askLocal: true });
    try {
      await phone.requestControl();
      await until(() => laptop.host.pendingControlRequest === phone.deviceId, "question shown on the laptop");
      // A typed line answers it too (the structured view's prompt line).
      expect(await laptop.host.localInput("n")).toBeUndefined();
      await refusal(phone);
      const err = phone.frames.find((f) => f.type === "error" && f.code === "CONTROL_REFUSED");
      expect(err?.type === "error" && err.message).toContain("said no");
      expect(laptop.host.controller).toEqual({ kind: "local" });
      expect(laptop.host.pendingControlRequest).toBeUndefined();
      // The refused phone's input is still refused.
      phone.prompt("not allowed", "p1", "control");
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "NOT_IN_CONTROL"),
        10_000,
        "NOT_IN_CONTROL",
      );
      expect(laptop.seen.some((e) => e.kind === "user_message")).toBe(false);
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 60_000);

  it("ask with no terminal on the laptop: refused, and the phone is told why", async () => {
    const { laptop, phone } = await paired({ controlGrant: "ask" });
    try {
      await phone.requestControl();
      await refusal(phone);
      const err = phone.frames.find((f) => f.type === "error" && f.code === "CONTROL_REFUSED");
      expect(err?.type === "error" && err.message).toContain("no terminal");
      expect(laptop.host.controller).toEqual({ kind: "local" });
      expect(phone.controller).not.toBe(phone.deviceId);
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 60_000);

  it("never: refused without asking; auto: granted without asking", async () => {
    const never = await paired({ controlGrant: "never", askLocal: true });
    try {
      never.phone.sendFrame(
        { type: "control_request", sessionId: never.phone.sessionId(), deviceId: never.phone.identity.deviceId },
        "control",
      );
      await refusal(never.phone);
      expect(never.laptop.host.pendingControlRequest).toBeUndefined();
      expect(never.laptop.host.controller).toEqual({ kind: "local" });
    } finally {
      never.phone.close();
      await never.laptop.close();
    }
    const auto = await paired({ controlGrant: "auto" });
    try {
      await auto.phone.requestControl();
      await auto.phone.waitFor(
        () => auto.phone.frames.some((f) => f.type === "control_grant" && f.deviceId === auto.phone.deviceId),
        10_000,
        "control_grant",
      );
      expect(auto.laptop.host.controller).toEqual({ kind: "remote", deviceId: auto.phone.deviceId });
      expect(auto.phone.frames.some((f) => f.type === "error" && f.code === "CONTROL_REFUSED")).toBe(false);
    } finally {
      auto.phone.close();
      await auto.laptop.close();
    }
  }, 60_000);
});
