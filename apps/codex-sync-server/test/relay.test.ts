import { generateWebCryptoIdentity, RelayClientError } from "@codex-remote/protocol/relay";
import { afterEach, describe, expect, it } from "vitest";
import type { Relay } from "../src/server.ts";
import { client, indexOf, next, pairedSetup, payload, relay, sendMany, token, until } from "./helpers.ts";

const relays: Relay[] = [];
const start = async (...a: Parameters<typeof relay>) => {
  const r = await relay(...a);
  relays.push(r);
  return r;
};
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

describe("relay: auth, pairing, frames", () => {
  it("pairs a phone to a host's room and forwards sealed frames both ways, in order", async () => {
    const r = await start();
    const { host, phone, room } = await pairedSetup(r.url);
    const got: number[] = [];
    phone.on("frame", (f) => {
      expect(f.cls).toBe("output");
      expect(f.sender).toBe(host.deviceId);
      got.push(indexOf(f.payload));
    });
    await sendMany(host, room, 0, 500);
    await until(() => got.length === 500);
    expect(got).toEqual([...Array(500).keys()]);
    const back = next(host, "frame");
    phone.send(room, "control", payload(99));
    expect(indexOf((await back).payload)).toBe(99);
    await host.flushed();
    expect(host.outboxSize).toBe(0);
    host.close();
    phone.close();
  });

  it("confirms a trickle of frames in few `sent` messages, and the last one confirms every frame", async () => {
    const r = await start();
    const { host, phone, room } = await pairedSetup(r.url);
    const sent: number[] = [];
    host.on("sent", (m) => sent.push(m.upTo));
    let got = 0;
    phone.on("frame", () => got++);
    // one frame per event-loop turn: without a floor on the interval, each relay turn held one frame
    // and answered it with a `sent` of its own
    let last = { counter: 0 };
    const t0 = performance.now();
    for (let i = 0; i < 400; i++) {
      last = host.send(room, "output", payload(i));
      await new Promise((res) => setImmediate(res));
    }
    await host.flushed();
    const elapsedMs = performance.now() - t0;
    await until(() => got === 400);
    expect(host.outboxSize).toBe(0);
    expect(sent.at(-1)).toBe(last.counter);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    // at most one `sent` per 2 ms (1 ms and a bit apart at worst, the relay's clock being in ms); a
    // loaded machine spreads the frames out and then rightly gets more of them
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(elapsedMs) + 2);
    host.close();
    phone.close();
  });

  it("refuses an unknown device, a bad pairing token and a second claim with typed codes", async () => {
    const r = await start();
    const stranger = client(r.url, await generateWebCryptoIdentity(), { reconnect: { enabled: false } });
    await expect(stranger.connect()).rejects.toMatchObject({ code: "unknown_device" });

    const host = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "host", name: "l" } });
    await host.connect();
    await host.openRoom("a-room");
    const t = token();
    await host.openPairing("a-room", t, 60_000);
    const phone = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "phone", name: "p" } });
    await phone.connect();
    await expect(phone.claimPairing("a-room", token(), "p")).rejects.toMatchObject({ code: "pairing_invalid" });
    await expect(phone.join("a-room")).rejects.toMatchObject({ code: "unknown_device" });
    await phone.claimPairing("a-room", t, "p");
    const phone2 = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "phone", name: "p2" } });
    await phone2.connect();
    await expect(phone2.claimPairing("a-room", t, "p2")).rejects.toMatchObject({ code: "pairing_used" });
    await expect(phone2.openRoom("x")).rejects.toBeInstanceOf(RelayClientError);
    await host.openPairing("a-room", t, 1000);
    await new Promise((res) => setTimeout(res, 1100));
    await expect(phone2.claimPairing("a-room", t, "p2")).rejects.toMatchObject({ code: "pairing_expired" });
    for (const c of [host, phone, phone2]) c.close();
  });

  it("a host admits its paired phone to another of its rooms; the phone lists its rooms and follows the new one", async () => {
    const r = await start();
    const { host, phone, room } = await pairedSetup(r.url);
    await host.openRoom("room-2");
    const added = next(phone, "room_added");
    await host.addMember("room-2", phone.deviceId);
    expect(await added).toMatchObject({ room: "room-2", host: host.deviceId, deviceId: phone.deviceId });
    await host.addMember("room-2", phone.deviceId); // again: a no-op
    const rooms = await phone.listRooms();
    expect([...rooms].sort((a, b) => a.room.localeCompare(b.room))).toEqual([
      { room, host: host.deviceId },
      { room: "room-2", host: host.deviceId },
    ]);
    await host.join("room-2");
    await phone.join("room-2");
    const got = next(phone, "frame", (f) => f.room === "room-2");
    host.send("room-2", "output", payload(7));
    expect(indexOf((await got).payload)).toBe(7);

    // only the room's host adds, and only a device of one of its own rooms
    const other = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "host", name: "other" } });
    await other.connect();
    await other.openRoom("other-room");
    await expect(other.addMember("other-room", phone.deviceId)).rejects.toMatchObject({ code: "not_admissible" });
    await expect(other.addMember("room-2", phone.deviceId)).rejects.toMatchObject({ code: "not_room_member" });
    await expect(phone.addMember("room-2", other.deviceId)).rejects.toMatchObject({ code: "not_host" });
    await expect(host.addMember("room-2", other.deviceId)).rejects.toMatchObject({ code: "not_admissible" });
    await expect(host.addMember("room-2", "A".repeat(43))).rejects.toMatchObject({ code: "not_admissible" });
    await expect(other.join("room-2")).rejects.toMatchObject({ code: "not_room_member" });
    // a revoked phone is not admitted again
    await host.openRoom("room-3");
    await host.revokeDevice(phone.deviceId);
    await expect(host.addMember("room-3", phone.deviceId)).rejects.toMatchObject({ code: "not_admissible" });
    for (const c of [host, phone, other]) c.close();
  });

  it("a client shared by several parts of an app: every connect() waiting for the same welcome resolves", async () => {
    const r = await start();
    const host = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "host", name: "l" } });
    await Promise.race([
      Promise.all([host.connect(), host.connect(), host.connect()]),
      new Promise((_, reject) => setTimeout(() => reject(new Error("a connect() never resolved")), 5000)),
    ]);
    await host.connect(); // already open
    host.close();
  });

  it("registration can be closed", async () => {
    const r = await start({ allowRegistration: false });
    const host = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "host", name: "l" } });
    await expect(host.connect()).rejects.toMatchObject({ code: "registration_closed" });
  });

  it("resumes after a reconnect with every frame once, in order", async () => {
    const r = await start();
    const { host, phone, room } = await pairedSetup(r.url);
    const got: number[] = [];
    phone.on("frame", (f) => got.push(indexOf(f.payload)));
    await sendMany(host, room, 0, 200);
    await until(() => got.length === 200);
    phone.dropConnection();
    await sendMany(host, room, 200, 300);
    host.dropConnection();
    await sendMany(host, room, 500, 500);
    await until(() => got.length >= 1000, 20_000, "1000 frames");
    await new Promise((res) => setTimeout(res, 100));
    expect(got).toEqual([...Array(1000).keys()]);
    host.close();
    phone.close();
  });

  it("resumes from a stored position across client restarts (join after) and from the relay's ack cursor", async () => {
    const r = await start();
    const { host, phone, phoneId, room } = await pairedSetup(r.url, "room-c", { ackEvery: 1 });
    const got: number[] = [];
    phone.on("frame", (f) => got.push(f.seq));
    await sendMany(host, room, 0, 10);
    await until(() => got.length === 10);
    await new Promise((res) => setTimeout(res, 100)); // acks reach the relay
    phone.close();
    await sendMany(host, room, 10, 5);
    await host.flushed();
    // a new client instance, no local state: the relay's ack cursor says where to continue
    const again = client(r.url, phoneId);
    const got2: number[] = [];
    again.on("frame", (f) => got2.push(f.seq));
    await again.connect();
    await again.join(room);
    await until(() => got2.length === 5);
    expect(got2).toEqual([11, 12, 13, 14, 15]);
    again.close();
    // explicit position from storage
    const third = client(r.url, phoneId);
    const got3: number[] = [];
    third.on("frame", (f) => got3.push(f.seq));
    await third.connect();
    await third.join(room, { after: 12 });
    await until(() => got3.length === 3);
    expect(got3).toEqual([13, 14, 15]);
    third.close();
    host.close();
  });

  it("reports an explicit gap for trimmed history", async () => {
    const r = await start({ retentionFrames: 50 });
    const { host, phone, phoneId, room } = await pairedSetup(r.url);
    phone.close();
    await sendMany(host, room, 0, 120);
    await host.flushed();
    const late = client(r.url, phoneId);
    const seqs: number[] = [];
    late.on("frame", (f) => seqs.push(f.seq));
    const gap = next(late, "gap");
    await late.connect();
    await late.join(room, { after: 0 });
    expect(await gap).toMatchObject({ room, from: 1, to: 70 });
    await until(() => seqs.length === 50);
    expect(seqs[0]).toBe(71);
    expect(late.lastSeq(room)).toBe(120);
    late.close();
    host.close();
  });

  it("revoking a device cuts its live connection and refuses it afterwards", async () => {
    const r = await start();
    const { host, phone, phoneId } = await pairedSetup(r.url);
    const closed = next(phone, "close");
    const revoked = next(phone, "revoked");
    await host.revokeDevice(phone.deviceId);
    await revoked;
    expect(await closed).toMatchObject({ error: "device_revoked", willReconnect: false });
    const again = client(r.url, phoneId, { reconnect: { enabled: false } });
    await expect(again.connect()).rejects.toMatchObject({ code: "device_revoked" });
    host.close();
  });

  it("serves health, readiness and Prometheus metrics", async () => {
    const r = await start();
    const { host, phone, room } = await pairedSetup(r.url);
    await sendMany(host, room, 0, 10);
    await host.flushed();
    expect((await fetch(`${r.httpUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${r.httpUrl}/readyz`)).json()).toEqual({ ready: true, store: "memory" });
    const text = await (await fetch(`${r.httpUrl}/metrics`)).text();
    expect(text).toMatch(/relay_frames_in_total 10/);
    expect(text).toMatch(/relay_connections 2/);
    host.close();
    phone.close();
  });
});
