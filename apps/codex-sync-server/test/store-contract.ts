import { describe, expect, it } from "vitest";
import type { BusEvent, RelayStore, Retention } from "../src/store/types.ts";

const BIG: Retention = { maxFrames: 1_000_000, maxBytes: 2 ** 40, maxAgeMs: 86_400_000 };
const dev = (n: number) => `${"d".repeat(42)}${n}`;
let roomN = 0;

/** The one contract every store passes. `make` returns a fresh store (rooms are unique per test). */
export function storeContract(name: string, make: () => Promise<RelayStore>) {
  describe(`store contract: ${name}`, () => {
    const frame = (room: string, counter: number, size = 8, sender = dev(1), epoch = 7, ts = Date.now()) => ({
      room,
      sender,
      cls: "output" as const,
      epoch,
      counter,
      payload: new Uint8Array(size).fill(counter & 0xff),
      ts,
    });
    const fresh = () => `r${process.pid}-${Date.now()}-${roomN++}`;

    it("assigns increasing sequences in append order and reads them back", async () => {
      const s = await make();
      const room = fresh();
      const results = await Promise.all([1, 2, 3, 4, 5].map((c) => s.append(frame(room, c), BIG)));
      expect(results.map((r) => (r.kind === "stored" ? r.seq : 0))).toEqual([1, 2, 3, 4, 5]);
      const frames = await s.read(room, 2, 2);
      expect(frames.map((f) => f.seq)).toEqual([2, 3]);
      expect(Array.from(frames[0]!.payload)).toEqual(Array(8).fill(2));
      expect(frames[0]!.sender).toBe(dev(1));
      expect(await s.bounds(room)).toEqual({ first: 1, head: 5 });
      expect(await s.bounds(fresh())).toEqual({ first: 1, head: 0 });
      await s.close();
    });

    it("stores a re-sent client message id once", async () => {
      const s = await make();
      const room = fresh();
      await s.append(frame(room, 1), BIG);
      await s.append(frame(room, 2), BIG);
      expect(await s.append(frame(room, 2), BIG)).toEqual({ kind: "duplicate" });
      expect(await s.append(frame(room, 1), BIG)).toEqual({ kind: "duplicate" });
      expect(await s.append(frame(room, 1, 8, dev(2)), BIG)).toMatchObject({ kind: "stored", seq: 3 });
      expect(await s.append(frame(room, 1, 8, dev(1), 8), BIG)).toMatchObject({ kind: "stored", seq: 4 });
      expect((await s.read(room, 1, 100)).length).toBe(4);
      await s.close();
    });

    it("appendWith (when offered) reports in order, once durable, duplicates as seq 0", async () => {
      const s = await make();
      if (!s.appendWith) {
        await s.close();
        return;
      }
      const room = fresh();
      const heard: [number, number][] = [];
      let readable = -1;
      let allHeard!: () => void;
      const done = new Promise<void>((r) => {
        allHeard = r;
      });
      const sink = {
        appended: (i: { counter: number }, seq: number) => {
          heard.push([i.counter, seq]);
          // durable before the sink hears of it: readable by then
          if (heard.length === 4) {
            void s.bounds(room).then((b) => {
              readable = b.head;
              allHeard();
            });
          }
        },
        appendFailed: (_i: unknown, err: unknown) => {
          throw err;
        },
      };
      for (const c of [1, 2, 2, 3]) s.appendWith(frame(room, c), BIG, sink);
      await done;
      expect(heard).toEqual([
        [1, 1],
        [2, 2],
        [2, 0],
        [3, 3],
      ]);
      expect(readable).toBe(3);
      expect((await s.read(room, 1, 10)).map((f) => f.seq)).toEqual([1, 2, 3]);
      await s.close();
    });

    it("trims by frame count, bytes and age", async () => {
      const s = await make();
      const byCount = fresh();
      for (let i = 1; i <= 10; i++) await s.append(frame(byCount, i), { ...BIG, maxFrames: 4 });
      expect(await s.bounds(byCount)).toEqual({ first: 7, head: 10 });
      expect((await s.read(byCount, 1, 100)).map((f) => f.seq)).toEqual([7, 8, 9, 10]);

      const byBytes = fresh();
      for (let i = 1; i <= 10; i++) await s.append(frame(byBytes, i, 100), { ...BIG, maxBytes: 350 });
      expect(await s.bounds(byBytes)).toEqual({ first: 8, head: 10 });

      const byAge = fresh();
      const old = Date.now() - 10_000;
      for (let i = 1; i <= 3; i++) await s.append(frame(byAge, i, 8, dev(1), 7, old), BIG);
      await s.append(frame(byAge, 4), { ...BIG, maxAgeMs: 5000 });
      expect(await s.bounds(byAge)).toEqual({ first: 4, head: 4 });

      const swept = fresh();
      for (let i = 1; i <= 3; i++) await s.append(frame(swept, i, 8, dev(1), 7, old), BIG);
      await s.sweep({ ...BIG, maxAgeMs: 5000 }, Date.now());
      expect(await s.bounds(swept)).toEqual({ first: 4, head: 3 });
      expect(await s.read(swept, 1, 10)).toEqual([]);
      await s.close();
    });

    it("keeps devices, rooms, members, controller and cursors", async () => {
      const s = await make();
      const room = fresh();
      const host = dev(3);
      await s.putDevice({ id: host, kind: "host", accountId: host, name: "l", revoked: false, createdAt: 1 });
      expect((await s.getDevice(host))?.kind).toBe("host");
      expect(await s.createRoom({ room, accountId: host, host, createdAt: 1 })).toBe(true);
      expect(await s.createRoom({ room, accountId: host, host, createdAt: 1 })).toBe(false);
      await s.addMember(room, dev(4));
      const r = await s.getRoom(room);
      expect(r?.host).toBe(host);
      expect(r?.controller).toBe(host);
      expect([...(r?.members ?? [])].sort()).toEqual([host, dev(4)].sort());
      const e = await s.setController(room, dev(4));
      expect(e).toBeGreaterThan(r!.controllerEpoch);
      expect((await s.getRoom(room))?.controller).toBe(dev(4));
      expect(await s.countRoomsOf(host)).toBeGreaterThanOrEqual(1);
      const other = fresh();
      await s.createRoom({ room: other, accountId: host, host, createdAt: 2 });
      await s.addMember(other, dev(4));
      const byRoom = (xs: { room: string; host: string }[]) => [...xs].sort((a, b) => a.room.localeCompare(b.room));
      expect(byRoom((await s.roomsOf(dev(4), 10)).filter((r) => r.room === room || r.room === other))).toEqual(
        byRoom([
          { room, host },
          { room: other, host },
        ]),
      );
      expect((await s.roomsOf(host, 100)).map((r) => r.room)).toEqual(expect.arrayContaining([room, other]));
      expect(await s.roomsOf(dev(4), 1)).toHaveLength(1);
      expect(await s.roomsOf("z".repeat(43), 10)).toEqual([]);
      await s.setCursor(room, dev(4), 42);
      expect(await s.getCursor(room, dev(4))).toBe(42);
      expect(await s.getCursor(room, dev(5))).toBeUndefined();
      await s.revokeDevice(host);
      expect((await s.getDevice(host))?.revoked).toBe(true);
      await s.close();
    });

    it("lets a pairing token be claimed once, before it expires", async () => {
      const s = await make();
      const room = fresh();
      await s.openPairing(room, "hash-a", Date.now() + 60_000);
      expect(await s.claimPairing(room, "hash-b", Date.now())).toBe("pairing_invalid");
      expect(await s.claimPairing(room, "hash-a", Date.now())).toBe("ok");
      expect(await s.claimPairing(room, "hash-a", Date.now())).toBe("pairing_used");
      const r2 = fresh();
      await s.openPairing(r2, "hash-c", Date.now() - 1);
      expect(await s.claimPairing(r2, "hash-c", Date.now())).toBe("pairing_expired");
      await s.close();
    });

    it("keeps push targets and presence", async () => {
      const s = await make();
      const d = dev(6);
      await s.addPushTarget(d, { kind: "apns", token: "ab".repeat(32) });
      await s.addPushTarget(d, { kind: "apns", token: "ab".repeat(32) });
      await s.addPushTarget(d, {
        kind: "webpush",
        subscription: { endpoint: "http://127.0.0.1:1/x", keys: { p256dh: "AAAA", auth: "BBBB" } },
      });
      expect((await s.pushTargets(d)).length).toBe(2);
      await s.removePushTarget(d, `apns:${"ab".repeat(32)}`);
      expect((await s.pushTargets(d)).map((t) => t.kind)).toEqual(["webpush"]);
      const now = Date.now();
      expect(await s.isActive(d, now)).toBe(false);
      await s.setPresence(d, "c1", true);
      await s.setPresence(d, "c2", false);
      expect(await s.isActive(d, now)).toBe(true);
      await s.setPresence(d, "c1", undefined);
      expect(await s.isActive(d, now)).toBe(false);
      await s.close();
    });

    it("counts a device's connections against its limit and frees them on close", async () => {
      const s = await make();
      const d = dev(9);
      const now = Date.now();
      expect(await s.claimPresence(d, "k1", 2, now)).toBe(true);
      expect(await s.claimPresence(d, "k2", 2, now)).toBe(true);
      expect(await s.claimPresence(d, "k3", 2, now)).toBe(false);
      // the same connection claiming again is not a new one
      expect(await s.claimPresence(d, "k2", 2, now)).toBe(true);
      expect(await s.isActive(d, now)).toBe(true);
      await s.setPresence(d, "k1", undefined);
      expect(await s.claimPresence(d, "k3", 2, now)).toBe(true);
      // another device has its own count
      expect(await s.claimPresence(dev(10), "k1", 2, now)).toBe(true);
      await s.touchPresence([{ deviceId: d, connKey: "k2" }], now);
      await s.close();
    });

    it("publishes bus events to subscribers", async () => {
      const s = await make();
      const got: BusEvent[] = [];
      const off = s.subscribe((e) => got.push(e));
      s.publish({ type: "frame", room: "x", seq: 1, sender: dev(1), cls: "input", payload: new Uint8Array([1, 2]) });
      s.publish({ type: "revoked", deviceId: dev(1) });
      const end = Date.now() + 2000;
      while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      off();
      expect(got[0]).toMatchObject({ type: "frame", seq: 1, cls: "input" });
      expect(Array.from((got[0] as { payload: Uint8Array }).payload)).toEqual([1, 2]);
      expect(got[1]).toEqual({ type: "revoked", deviceId: dev(1) });
      await s.close();
    });
  });
}
