import { generateWebCryptoIdentity } from "@codex-remote/protocol/relay";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Relay } from "../src/server.ts";
import { RedisStore } from "../src/store/redis.ts";
import { client, indexOf, next, pairedSetup, relay, sendMany, until } from "./helpers.ts";
import { startRedis } from "./redis-server.ts";
import { storeContract } from "./store-contract.ts";

let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let n = 0;
storeContract("redis", () => RedisStore.connect(redis.url, `t${n++}`));

describe("redis store upgrade", () => {
  it("indexes by device the memberships an older relay wrote, once, so the device lists those rooms", async () => {
    const prefix = "upgrade";
    const raw = new Redis(redis.url);
    const host = `${"h".repeat(42)}1`;
    const phone = `${"p".repeat(42)}1`;
    // what a relay without the per-device index left: a room, its members, the host's room set
    await raw.hset(`${prefix}:room:old-room`, { account: host, host, controller: host, cepoch: "1", created: "1" });
    await raw.sadd(`${prefix}:members:old-room`, host, phone);
    await raw.sadd(`${prefix}:hostrooms:${host}`, "old-room");
    const s = await RedisStore.connect(redis.url, prefix);
    try {
      expect(await s.roomsOf(phone, 10)).toEqual([{ room: "old-room", host }]);
      expect(await raw.exists(`${prefix}:devrooms-indexed`)).toBe(1);
    } finally {
      await s.close();
      raw.disconnect();
    }
  });
});

describe("two relay instances on one Redis", () => {
  it("a laptop on instance A and a phone on instance B exchange 10k frames in order", async () => {
    const prefix = "two";
    const a: Relay = await relay({ store: "redis" }, await RedisStore.connect(redis.url, prefix));
    const b: Relay = await relay({ store: "redis" }, await RedisStore.connect(redis.url, prefix));
    try {
      // pair through A, then move the phone to B
      const { host, phone, phoneId, room } = await pairedSetup(a.url);
      phone.close();
      const { client } = await import("./helpers.ts");
      const onB = client(b.url, phoneId);
      const got: number[] = [];
      onB.on("frame", (f) => got.push(indexOf(f.payload)));
      await onB.connect();
      await onB.join(room, { after: 0 });
      await sendMany(host, room, 0, 10_000, 64);
      await until(() => got.length >= 10_000, 60_000, "10k frames on B");
      expect(got.length).toBe(10_000);
      expect(got.every((v, i) => v === i)).toBe(true);
      // and back: B -> A, with the controller granted across instances
      const back: number[] = [];
      host.on("frame", (f) => back.push(indexOf(f.payload)));
      await host.grantControl(room, onB.deviceId);
      await until(() => true);
      await sendMany(onB, room, 0, 100);
      await until(() => back.length >= 100, 20_000, "100 frames on A");
      expect(back).toEqual([...Array(100).keys()]);
      // revoking on A cuts the phone's connection on B
      const cut = next(onB, "close");
      await host.revokeDevice(onB.deviceId);
      expect(await cut).toMatchObject({ error: "device_revoked", willReconnect: false });
      host.close();
      onB.close();
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

describe("presence shared by instances", () => {
  it("entries an instance stopped refreshing stop counting after the staleness window", async () => {
    const s = await RedisStore.connect(redis.url, "stale", { presenceStaleMs: 1000 });
    const d = "dev-stale";
    const t = Date.now();
    expect(await s.claimPresence(d, "k1", 2, t)).toBe(true);
    expect(await s.claimPresence(d, "k2", 2, t)).toBe(true);
    expect(await s.claimPresence(d, "k3", 2, t + 500)).toBe(false);
    // k1 is refreshed by its (live) instance, k2's instance died
    await s.touchPresence([{ deviceId: d, connKey: "k1" }], t + 900);
    expect(await s.claimPresence(d, "k3", 2, t + 1500)).toBe(true);
    expect(await s.claimPresence(d, "k4", 2, t + 1500)).toBe(false);
    // a dead instance's active entry no longer suppresses pushes
    const e = "dev-stale-2";
    expect(await s.claimPresence(e, "k1", 2, t)).toBe(true);
    expect(await s.isActive(e, t + 500)).toBe(true);
    expect(await s.isActive(e, t + 5000)).toBe(false);
    await s.close();
  });

  it("the connection limit of a device holds across two instances", async () => {
    const prefix = "limit";
    const cfg = { store: "redis" as const, maxConnectionsPerDevice: 2 };
    const a: Relay = await relay(cfg, await RedisStore.connect(redis.url, prefix));
    const b: Relay = await relay(cfg, await RedisStore.connect(redis.url, prefix));
    try {
      const id = await generateWebCryptoIdentity();
      const first = client(a.url, id, { register: { kind: "host", name: "l" } });
      await first.connect();
      const second = client(b.url, id);
      await second.connect();
      const third = client(a.url, id, { reconnect: { enabled: false } });
      await expect(third.connect()).rejects.toMatchObject({ code: "connection_limit" });
      const fourth = client(b.url, id, { reconnect: { enabled: false } });
      await expect(fourth.connect()).rejects.toMatchObject({ code: "connection_limit" });
      // one leaves instance A: instance B admits another
      first.close();
      await until(() => a.hub.conns.size === 0, 5000, "A's connection gone");
      // its presence entry goes right after the socket (one HDEL): retry briefly rather than sleep
      let fifth = client(b.url, id, { reconnect: { enabled: false } });
      for (let tries = 0; ; tries++) {
        try {
          await fifth.connect();
          break;
        } catch (err) {
          if (tries >= 20) throw err;
          await new Promise((r) => setTimeout(r, 50));
          fifth = client(b.url, id, { reconnect: { enabled: false } });
        }
      }
      second.close();
      fifth.close();
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);
});

describe("rates shared by instances", () => {
  it("a device sending through two instances is held to one rate, not two", async () => {
    const prefix = "rate";
    const cfg = { store: "redis" as const, rateMessagesPerSec: 100, maxConnectionsPerDevice: 4 };
    const a: Relay = await relay(cfg, await RedisStore.connect(redis.url, prefix));
    const b: Relay = await relay(cfg, await RedisStore.connect(redis.url, prefix));
    try {
      const id = await generateWebCryptoIdentity();
      const onA = client(a.url, id, { register: { kind: "host", name: "l" } });
      await onA.connect();
      await onA.openRoom("rate-room");
      await onA.join("rate-room");
      const onB = client(b.url, id);
      await onB.connect();
      await onB.join("rate-room");
      const dropped: string[] = [];
      onA.on("dropped", (m) => dropped.push(m.code));
      let counter = 0;
      // the burst, the reports and the next frames must share one one-second window: a run that
      // crosses into the next second (a slow machine) is repeated
      for (let attempt = 0; ; attempt++) {
        while (Date.now() % 1000 > 50) await new Promise((r) => setTimeout(r, 5));
        const second = Math.floor(Date.now() / 1000);
        dropped.length = 0;
        // 75 + 75 in one burst: each instance's own bucket (100/s) lets all of them through...
        await sendMany(onA, "rate-room", counter, 75);
        await sendMany(onB, "rate-room", counter, 75);
        counter += 75;
        await onA.flushed();
        await onB.flushed();
        expect(dropped).toEqual([]);
        // ...but the shared window now holds 150 of 100: after the next report, A refuses the rest
        await new Promise((r) => setTimeout(r, 250));
        await sendMany(onA, "rate-room", counter, 10);
        counter += 10;
        await onA.flushed();
        if (Math.floor(Date.now() / 1000) !== second && attempt < 3) {
          await new Promise((r) => setTimeout(r, 1100)); // let the buckets refill
          continue;
        }
        break;
      }
      expect(dropped.length).toBe(10);
      expect(new Set(dropped)).toEqual(new Set(["rate_limited"]));
      onA.close();
      onB.close();
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);
});
