import { encodeSend, generateWebCryptoIdentity } from "@codex-remote/protocol/relay";
import { afterEach, describe, expect, it } from "vitest";
import type { Relay } from "../src/server.ts";
import { client, indexOf, next, pairedSetup, payload, relay, sendMany, until } from "./helpers.ts";
import { RawClient } from "./raw.ts";

const relays: Relay[] = [];
const start = async (...a: Parameters<typeof relay>) => {
  const r = await relay(...a);
  relays.push(r);
  return r;
};
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

const metric = async (r: Relay, name: string) => (await r.metrics.registry.getSingleMetricAsString(name)).toString();

describe("relay limits (each configurable, each refused with a typed code)", () => {
  it("maximum frame size: a larger frame is dropped with frame_too_large, the connection lives on", async () => {
    const r = await start({ maxFrameBytes: 1024 });
    const { host, phone, room } = await pairedSetup(r.url);
    const dropped = next(host, "dropped");
    host.send(room, "output", new Uint8Array(2000));
    expect((await dropped).code).toBe("frame_too_large");
    const got = next(phone, "frame");
    host.send(room, "output", payload(7, 1024));
    expect(indexOf((await got).payload)).toBe(7);
    // beyond twice the limit the WebSocket layer refuses the message itself (1009 Message Too Big)
    const raw = new RawClient(r.url);
    await raw.opened();
    raw.send(new Uint8Array(10_000));
    expect((await raw.closed).code).toBe(1009);
    host.close();
    phone.close();
  });

  it("per-device message rate and byte rate", async () => {
    const r = await start({ rateMessagesPerSec: 50 });
    const { host, room } = await pairedSetup(r.url);
    const codes: string[] = [];
    host.on("dropped", (d) => codes.push(d.code));
    for (let i = 0; i < 200; i++) host.send(room, "output", payload(i));
    await host.flushed();
    expect(codes.length).toBeGreaterThanOrEqual(100);
    expect(new Set(codes)).toEqual(new Set(["rate_limited"]));
    host.close();

    const r2 = await start({ rateBytesPerSec: 10_000 });
    const s2 = await pairedSetup(r2.url);
    const codes2: string[] = [];
    s2.host.on("dropped", (d) => codes2.push(d.code));
    for (let i = 0; i < 10; i++) s2.host.send(s2.room, "output", payload(i, 4000));
    await s2.host.flushed();
    expect(codes2.length).toBeGreaterThanOrEqual(5);
    expect(await metric(r2, "relay_drops_total")).toMatch(/reason="rate_limited"} (\d+)/);
    s2.host.close();
    s2.phone.close();
  });

  it("rooms per device and connections per device", async () => {
    const r = await start({ maxRoomsPerDevice: 2, maxConnectionsPerDevice: 2 });
    const id = await generateWebCryptoIdentity();
    const a = client(r.url, id, { register: { kind: "host", name: "l" } });
    await a.connect();
    await a.openRoom("one");
    await a.openRoom("two");
    await expect(a.openRoom("three")).rejects.toMatchObject({ code: "room_limit" });
    const b = client(r.url, id);
    await b.connect();
    const c = client(r.url, id, { reconnect: { enabled: false } });
    await expect(c.connect()).rejects.toMatchObject({ code: "connection_limit" });
    a.close();
    b.close();
  });

  it("idle timeout: a peer that never answers pings is closed with idle_timeout", async () => {
    const r = await start({ pingIntervalMs: 200 });
    const id = await generateWebCryptoIdentity();
    const raw = new RawClient(r.url, { autoPong: false });
    expect((await raw.auth(id, { kind: "host", name: "l" })).t).toBe("welcome");
    expect((await raw.closed).code).toBe(4021);
    // a normal client (answers pings) stays
    const ok = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "host", name: "l" } });
    await ok.connect();
    await new Promise((res) => setTimeout(res, 1000));
    expect(ok.status).toBe("open");
    ok.close();
  });

  it("slow consumer: a reader that stops reading is disconnected and resumes from the log", async () => {
    const r = await start({ maxBufferedBytes: 64 * 1024 });
    const { host, phone, phoneId, room } = await pairedSetup(r.url);
    phone.close();
    const raw = new RawClient(r.url);
    expect((await raw.auth(phoneId)).t).toBe("welcome");
    raw.send({ t: "join", room, after: 0 });
    await raw.message((m) => m.t === "joined");
    // stop reading: the relay's socket buffer fills up
    const sock = (raw.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    sock.pause();
    await sendMany(host, room, 0, 600, 16 * 1024, 100);
    await host.flushed();
    for (let i = 0; i < 400 && !/slow_consumer/.test(await metric(r, "relay_drops_total")); i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(await metric(r, "relay_drops_total")).toMatch(/reason="slow_consumer"/);
    sock.resume();
    expect((await raw.closed).code).toBe(4020);
    // the same device reconnects and gets everything, once, in order
    const again = client(r.url, phoneId);
    const got: number[] = [];
    again.on("frame", (f) => got.push(indexOf(f.payload)));
    await again.connect();
    await again.join(room, { after: 0 });
    await until(() => got.length >= 600, 20_000, "600 frames");
    expect(got).toEqual([...Array(600).keys()]);
    again.close();
    host.close();
  }, 90_000);
});

describe("refused connection attempts while others keep being served", () => {
  it("malformed, unauthenticated, bad-signature, replayed and oversized attempts get the right code", async () => {
    const r = await start({ maxFrameBytes: 4096 });
    const { host, phone, room } = await pairedSetup(r.url);
    const got: number[] = [];
    phone.on("frame", (f) => got.push(indexOf(f.payload)));
    const stream = sendMany(host, room, 0, 3000, 64, 200);

    const malformed = new RawClient(r.url);
    await malformed.message((m) => m.t === "challenge");
    malformed.send("{not json");
    expect((await malformed.closed).code).toBe(4000);

    const wrongShape = new RawClient(r.url);
    await wrongShape.message((m) => m.t === "challenge");
    wrongShape.send({ t: "auth", v: 1, publicKey: "x" });
    expect((await wrongShape.closed).code).toBe(4000);

    const unauth = new RawClient(r.url);
    await unauth.message((m) => m.t === "challenge");
    unauth.send({ t: "join", room });
    expect((await unauth.closed).code).toBe(4001);

    const unauthBinary = new RawClient(r.url);
    await unauthBinary.message((m) => m.t === "challenge");
    unauthBinary.send(encodeSend({ room, cls: "input", epoch: 1, counter: 1, payload: new Uint8Array(4) }));
    expect((await unauthBinary.closed).code).toBe(4001);

    const id = await generateWebCryptoIdentity();
    const forged = new RawClient(r.url);
    const msg = await forged.authMessage(id, { kind: "host", name: "x" });
    forged.send({ ...msg, signature: `${msg.signature.slice(0, -4)}AAAA` });
    expect((await forged.closed).code).toBe(4002);

    const first = new RawClient(r.url);
    const captured = await first.authMessage(id, { kind: "host", name: "x" });
    first.ws.close();
    const replay = new RawClient(r.url);
    await replay.message((m) => m.t === "challenge");
    replay.send(captured);
    expect((await replay.closed).code).toBe(4023);
    const errors = replay.messages.filter((m) => (m as { t: string }).t === "error");
    expect(errors).toEqual([expect.objectContaining({ code: "replayed" })]);

    const oversized = new RawClient(r.url);
    await oversized.message((m) => m.t === "challenge");
    oversized.send("x".repeat(64 * 1024));
    expect((await oversized.closed).code).toBe(1009);

    const silent = await start({ authTimeoutMs: 200 });
    const late = new RawClient(silent.url);
    expect((await late.closed).code).toBe(4003);

    await stream;
    await until(() => got.length >= 3000, 20_000, "stream");
    expect(got).toEqual([...Array(3000).keys()]);
    host.close();
    phone.close();
  });
});
