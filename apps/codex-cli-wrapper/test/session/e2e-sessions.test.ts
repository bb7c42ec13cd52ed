import type { AgentEvent } from "@codex-remote/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempConfigDir } from "../helpers/cli.ts";
import { type Laptop, startLaptop } from "../helpers/laptop.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const userTexts = (events: readonly AgentEvent[]) => events.flatMap((e) => (e.kind === "user_message" ? [e.text] : []));

/** Several sessions on one laptop at once, each in the room of its slot, all reaching one phone. */
describe("several sessions of one laptop reach the phone (real relay process)", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("a phone paired with one session follows the others, started before or after the pairing", async () => {
    const configDir = tempConfigDir();
    const laptops: Laptop[] = [];
    const phones: ScriptedPhone[] = [];
    try {
      const one = await startLaptop(relay.url, configDir, { sessionId: "s-one", controlGrant: "auto" });
      laptops.push(one);
      // a second session, running before any phone is paired
      const two = await startLaptop(relay.url, configDir, { slot: 2, sessionId: "s-two", controlGrant: "auto" });
      laptops.push(two);
      expect(two.transport.room).toBe(`${one.transport.room}-2`);

      const phone = new ScriptedPhone("pixel");
      phones.push(phone);
      const ticket = await one.transport.pair();
      await phone.pair(ticket.link);
      await ticket.done;
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");
      expect(phone.sessionId()).toBe("s-one");

      // the second session admits the phone once it has paired: the relay lists both rooms for it
      const rooms = async () => (await phone.client!.listRooms()).map((r) => r.room);
      await eventually(async () => (await rooms()).includes(two.transport.room), "the second room listed");
      expect((await phone.client!.listRooms()).every((r) => r.host === one.transport.client.deviceId)).toBe(true);

      // in the second room: the session handshake with the stored keys, then that session's own state
      const inTwo = await ScriptedPhone.follow(phone, two.transport.room);
      phones.push(inTwo);
      await inTwo.waitFor(() => inTwo.frames.some((f) => f.type === "session_open"), 5000, "session_open");
      expect(inTwo.sessionId()).toBe("s-two");
      // control is per session: taking it in the first session's room leaves the second alone
      await phone.requestControl();
      await phone.waitFor(() => phone.controller === phone.deviceId, 5000, "control of session one");
      await phone.waitFor(() => phone.frames.some((f) => f.type === "control_grant"), 5000, "control_grant");
      await new Promise((r) => setTimeout(r, 300));
      expect(inTwo.frames.some((f) => f.type === "control_grant")).toBe(false);
      expect(inTwo.controller).not.toBe(phone.deviceId);
      await inTwo.requestControl();
      await inTwo.waitFor(() => inTwo.controller === inTwo.deviceId, 5000, "control of session two");
      inTwo.prompt("for the second session");
      await inTwo.waitForEvent("approval_requested");
      expect(userTexts(two.seen)).toContain("for the second session");
      // the first session and the phone's link to it saw nothing of it
      expect(userTexts(one.seen)).not.toContain("for the second session");
      expect(phone.frames.every((f) => !("sessionId" in f) || f.sessionId === "s-one")).toBe(true);

      // a third session started after the pairing admits the paired phone when it enters its room
      const three = await startLaptop(relay.url, configDir, { slot: 3, sessionId: "s-three" });
      laptops.push(three);
      await eventually(async () => (await rooms()).includes(three.transport.room), "the third room listed");
      const inThree = await ScriptedPhone.follow(phone, three.transport.room);
      phones.push(inThree);
      await inThree.waitFor(() => inThree.frames.some((f) => f.type === "session_open"), 5000, "session_open");
      expect(inThree.sessionId()).toBe("s-three");
    } finally {
      for (const p of phones) p.close();
      for (const l of laptops) await l.close();
    }
  }, 60_000);
});
