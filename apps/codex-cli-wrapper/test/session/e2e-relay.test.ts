import type { AgentEvent } from "@codex-remote/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLaptopKeys } from "../../src/keys/identity.ts";
import { tempConfigDir } from "../helpers/cli.ts";
import { startLaptop, until } from "../helpers/laptop.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

describe("end to end through a real relay process: wrapper (demo agent) + relay + scripted phone", () => {
  let relay: RelayProcess;
  const relayConfig = tempConfigDir();

  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: relayConfig });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("pairs, streams a prompt, approves from the phone, hands control over, and revokes", async () => {
    const configDir = tempConfigDir();
    const laptop = await startLaptop(relay.url, configDir, { controlGrant: "auto" });
    const phone = new ScriptedPhone("pixel");
    try {
      // Pair: QR/link from the laptop, claimed by the phone, same SAS on both screens, keys stored.
      const ticket = await laptop.transport.pair();
      expect(ticket.link).toMatch(/^codex-remote:\/\/pair\?.*#s=/);
      await phone.pair(ticket.link);
      const paired = await ticket.done;
      expect(paired.sas).toBe(phone.sas);
      expect(paired.name).toBe("pixel");
      const { keys } = openLaptopKeys(configDir);
      expect(keys.paired().map((d) => d.id)).toEqual([phone.deviceId]);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");

      // Prompt on the laptop; the phone sees the stream and the approval request.
      await laptop.host.localInput("hello from the laptop");
      const request = await phone.waitForEvent("approval_requested");
      expect(phone.events.some((e) => e.event.kind === "text_delta")).toBe(true);
      const streamed = phone.events
        .filter((e) => e.event.kind === "text_delta")
        .map((e) => (e.event as { delta: string }).delta)
        .join("");
      expect(streamed).toContain("hello from the laptop");

      // Approve from the phone: first answer wins, the laptop sees it resolved by the phone.
      phone.approve(request.requestId, "accept");
      const resolved = await phone.waitForEvent("approval_resolved");
      expect(resolved).toMatchObject({ requestId: request.requestId, decision: "accept", by: phone.deviceId });
      await until(
        () => laptop.seen.some((e) => e.kind === "approval_resolved" && e.requestId === request.requestId),
        "laptop sees resolution",
      );
      expect(laptop.host.answerApproval(request.requestId, "decline", { kind: "local" })).toBe(false);
      await phone.waitForEvent("command_end");

      // The second approval (the patch) is answered on the laptop; the phone sees it resolved.
      const patch = await phone
        .waitFor(
          () => phone.events.filter((e) => e.event.kind === "approval_requested").length >= 2,
          10_000,
          "patch approval",
        )
        .then(
          () =>
            phone.events.filter((e) => e.event.kind === "approval_requested")[1]!.event as Extract<
              AgentEvent,
              { kind: "approval_requested" }
            >,
        );
      expect(laptop.host.answerApproval(patch.requestId, "accept", { kind: "local" })).toBe(true);
      await phone.waitFor(
        () =>
          phone.events.some(
            (e) =>
              e.event.kind === "approval_resolved" && e.event.requestId === patch.requestId && e.event.by === "local",
          ),
        10_000,
        "patch resolved by the laptop",
      );
      const change = await phone.waitForEvent("file_change");
      expect(change.diff).toContain("+++ b/");
      await phone.waitForEvent("turn_completed");

      // Input from a phone that is not in control is refused: by the relay (input class)...
      const before = phone.events.length;
      phone.prompt("not yet");
      await phone.waitFor(() => phone.dropped.length > 0, 5000, "relay drop");
      // ...and by the laptop itself, whatever class the frame claims.
      phone.prompt("not yet either", "p-ctl", "control");
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "NOT_IN_CONTROL"),
        5000,
        "NOT_IN_CONTROL",
      );
      expect(phone.events.slice(before).some((e) => e.event.kind === "user_message")).toBe(false);

      // Take control: the relay and the laptop agree; the phone's prompt runs remotely.
      await phone.requestControl();
      await phone.waitFor(() => phone.controller === phone.deviceId, 5000, "relay controller");
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "control_grant" && f.deviceId === phone.deviceId),
        5000,
        "control_grant",
      );
      expect(laptop.host.controller).toEqual({ kind: "remote", deviceId: phone.deviceId });
      const mark = phone.events.at(-1)!.seq;
      phone.prompt("from the phone");
      const um = await phone.waitForEvent("user_message", mark);
      expect(um).toMatchObject({ text: "from the phone", source: "remote" });
      const second = await phone.waitForEvent("approval_requested", mark);
      phone.approve(second.requestId, "decline");
      await phone.waitForEvent("approval_resolved", mark);
      // Answer the patch too so the turn ends.
      const patch2 = await phone
        .waitFor(
          () => phone.events.filter((e) => e.seq > mark && e.event.kind === "approval_requested").length >= 2,
          10_000,
          "patch 2",
        )
        .then(
          () =>
            phone.events.filter((e) => e.seq > mark && e.event.kind === "approval_requested")[1]!.event as Extract<
              AgentEvent,
              { kind: "approval_requested" }
            >,
        );
      phone.approve(patch2.requestId, "decline");
      await phone.waitForEvent("turn_completed", mark);

      // Typing on the laptop takes control back.
      await laptop.host.localInput("/status");
      expect(laptop.host.controller).toEqual({ kind: "local" });
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "control_revoke" && f.reason === "local_input"),
        5000,
        "control_revoke",
      );

      // Revoke: gone from the key store, cut by the relay, refused when it comes back.
      expect(await laptop.host.revokeDevice(phone.deviceId)).toContain("revoked pixel");
      await phone.waitFor(() => phone.relayErrors.includes("device_revoked"), 5000, "device_revoked");
      expect(openLaptopKeys(configDir).keys.paired()).toEqual([]);
      await expect(phone.reconnect()).rejects.toThrow();
    } finally {
      phone.close();
      await laptop.close();
    }
  }, 90_000);
});

describe("relay unreachable: the laptop keeps working and the phone catches up in order", () => {
  it("queues what the phone must see while the relay is down and flushes it in order on reconnect", async () => {
    const relayConfig = tempConfigDir();
    const dataDir = tempConfigDir();
    let relay = await startRelayProcess({ configDir: relayConfig, store: "sqlite", dataDir });
    const laptop = await startLaptop(relay.url, tempConfigDir(), { controlGrant: "auto" });
    const phone = new ScriptedPhone("tablet");
    try {
      const ticket = await laptop.transport.pair();
      await phone.pair(ticket.link);
      await ticket.done;
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");
      // Everything logged so far (session_started…) has reached the phone before the relay dies.
      await phone.waitFor(() => (phone.events.at(-1)?.seq ?? 0) === laptop.host.log.head, 5000, "initial flush");
      const seenBefore = phone.events.length;

      // The relay dies (kill -9). The laptop does not notice any difference in its own work.
      await relay.kill();
      await until(() => !laptop.transport.online, "laptop sees the relay gone");
      await laptop.host.localInput("work while offline");
      await until(() => laptop.seen.some((e) => e.kind === "approval_requested"), "approval asked locally");
      const first = laptop.host.pendingApprovals()[0]!;
      laptop.host.answerApproval(first, "accept", { kind: "local" });
      await until(
        () => laptop.host.pendingApprovals().length === 1 && laptop.host.pendingApprovals()[0] !== first,
        "patch approval",
      );
      laptop.host.answerApproval(laptop.host.pendingApprovals()[0]!, "accept", { kind: "local" });
      await until(() => laptop.seen.some((e) => e.kind === "turn_completed"), "turn completed offline");
      const head = laptop.host.log.head;
      expect(phone.events.length).toBe(seenBefore);

      // The relay comes back on the same port with its store; both ends reconnect by themselves.
      relay = await startRelayProcess({ configDir: relayConfig, store: "sqlite", dataDir, port: relay.port });
      await phone.waitFor(() => phone.events.at(-1)?.seq === head, 15_000, "flush after reconnect");
      const seqs = phone.events.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      const kinds = phone.events.slice(seenBefore).map((e) => e.event.kind);
      expect(kinds).toContain("user_message");
      expect(kinds.indexOf("approval_requested")).toBeLessThan(kinds.indexOf("approval_resolved"));
      expect(kinds.at(-1)).toBe("turn_completed");
    } finally {
      phone.close();
      await laptop.close();
      await relay.stop();
    }
  }, 90_000);
});

describe("a paired phone that was away comes back with a new session (no QR)", () => {
  it("runs the session handshake with stored keys and gets what followed its last ack, in order", async () => {
    const relay = await startRelayProcess({ configDir: tempConfigDir() });
    const laptop = await startLaptop(relay.url, tempConfigDir(), { controlGrant: "auto" });
    const phone = new ScriptedPhone("returning");
    try {
      const ticket = await laptop.transport.pair();
      await phone.pair(ticket.link);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");
      await laptop.host.localInput("first");
      await phone.waitForEvent("approval_requested");
      phone.ack();
      const acked = phone.events.at(-1)!.seq;
      await until(() => laptop.host.pendingApprovals().length === 1, "approval pending");

      // The phone goes away; the laptop finishes the turn on its own and its link drops too (sleep).
      phone.close();
      laptop.host.answerApproval(laptop.host.pendingApprovals()[0]!, "accept", { kind: "local" });
      await until(
        () => laptop.host.pendingApprovals().length === 1 && laptop.seen.some((e) => e.kind === "command_end"),
        "patch approval",
      );
      laptop.host.answerApproval(laptop.host.pendingApprovals()[0]!, "decline", { kind: "local" });
      await until(() => laptop.seen.some((e) => e.kind === "turn_completed"), "turn completed");
      laptop.transport.client.dropConnection();
      const head = laptop.host.log.head;

      // Back: session_init → session_accept → session_finish with the keys stored at pairing.
      await phone.reconnect();
      await phone.waitFor(() => phone.events.at(-1)?.seq === head, 15_000, "caught up");
      const seqs = phone.events.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
      expect(phone.events.filter((e) => e.seq > acked).map((e) => e.event.kind)).toContain("turn_completed");
    } finally {
      phone.close();
      await laptop.close();
      await relay.stop();
    }
  }, 90_000);
});

describe("hostile or broken frames from a paired phone", () => {
  it("drops garbage, tampered and replayed frames with typed errors and keeps serving the phone", async () => {
    const relay = await startRelayProcess({ configDir: tempConfigDir() });
    const laptop = await startLaptop(relay.url, tempConfigDir(), { controlGrant: "auto" });
    const phone = new ScriptedPhone("fuzzy");
    try {
      const ticket = await laptop.transport.pair();
      await phone.pair(ticket.link);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 5000, "session_open");
      phone.sendRaw("control", crypto.getRandomValues(new Uint8Array(200)));
      phone.sendRaw("control", new TextEncoder().encode('{"type":"session_init","v":1}'));
      const sealed = phone.channel!.sealControl({ type: "ack", sessionId: phone.sessionId(), upToSeq: 1 });
      phone.sendRaw("control", sealed);
      phone.sendRaw("control", sealed); // replay
      const tampered = phone.channel!.sealControl({ type: "ack", sessionId: phone.sessionId(), upToSeq: 2 });
      tampered[tampered.length - 1]! ^= 1;
      phone.sendRaw("control", tampered);
      await until(() => Object.keys(laptop.transport.rejected).length >= 3, "rejections counted");
      expect(laptop.transport.rejected).toMatchObject({
        PROTO_ERR_REPLAY: 1,
        PROTO_ERR_AUTH_FAILED: 1,
      });
      // Still serving: a prompt from the laptop reaches the phone.
      await laptop.host.localInput("still alive?");
      const um = await phone.waitForEvent("user_message");
      expect(um.text).toBe("still alive?");
      await laptop.backend.interrupt();
    } finally {
      phone.close();
      await laptop.close();
      await relay.stop();
    }
  }, 90_000);
});

describe("two phones", () => {
  it("both see the session; only the controller's input counts; either may answer an approval", async () => {
    const relay = await startRelayProcess({ configDir: tempConfigDir() });
    const laptop = await startLaptop(relay.url, tempConfigDir(), { controlGrant: "auto" });
    const a = new ScriptedPhone("phone-a");
    const b = new ScriptedPhone("phone-b");
    try {
      await a.pair((await laptop.transport.pair()).link);
      await b.pair((await laptop.transport.pair()).link);
      await a.requestControl();
      await a.waitFor(() => a.controller === a.deviceId, 5000, "a in control");
      a.prompt("from a");
      const requested = await b.waitForEvent("approval_requested");
      expect((await a.waitForEvent("user_message")).text).toBe("from a");
      // b is not in control, yet it may answer the approval; a's later answer loses.
      b.approve(requested.requestId, "accept");
      const resolved = await a.waitForEvent("approval_resolved");
      expect(resolved.by).toBe(b.deviceId);
      a.approve(requested.requestId, "decline");
      // b's prompt is refused (relay drop), a's second approval is answered by a.
      b.prompt("from b");
      await b.waitFor(() => b.dropped.length > 0, 5000, "b's input dropped");
      const patch = await a
        .waitFor(() => a.events.filter((e) => e.event.kind === "approval_requested").length >= 2, 10_000, "patch")
        .then(() => a.events.filter((e) => e.event.kind === "approval_requested")[1]!.event as { requestId: string });
      a.approve(patch.requestId, "decline");
      await b.waitForEvent("turn_completed");
      expect(b.events.some((e) => e.event.kind === "user_message" && e.event.text === "from b")).toBe(false);
      const resolutions = b.events.filter((e) => e.event.kind === "approval_resolved").map((e) => e.event);
      expect(resolutions).toHaveLength(2);
    } finally {
      a.close();
      b.close();
      await laptop.close();
      await relay.stop();
    }
  }, 90_000);
});

describe("a phone away longer than the event log keeps", () => {
  it("is told what was trimmed and gets the rest in order", async () => {
    const relay = await startRelayProcess({ configDir: tempConfigDir() });
    const laptop = await startLaptop(relay.url, tempConfigDir(), { eventLogLimit: 20 });
    const phone = new ScriptedPhone("late");
    try {
      // 60 events happen before the phone ever pairs; the log keeps the last 20.
      for (let i = 0; i < 60; i++) laptop.host.publish({ kind: "text_delta", itemId: "x", delta: `d${i}` });
      await phone.pair((await laptop.transport.pair()).link);
      await phone.waitFor(() => phone.events.at(-1)?.seq === laptop.host.log.head, 10_000, "rest of the log");
      expect(phone.frames.some((f) => f.type === "error" && f.code === "EVENTS_TRIMMED")).toBe(true);
      const seqs = phone.events.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => laptop.host.log.head - 19 + i));
    } finally {
      phone.close();
      await laptop.close();
      await relay.stop();
    }
  }, 90_000);
});
