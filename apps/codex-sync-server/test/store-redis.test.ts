import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Relay } from "../src/server.ts";
import { RedisStore } from "../src/store/redis.ts";
import { indexOf, next, pairedSetup, relay, sendMany, until } from "./helpers.ts";
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
