import { describe, expect, it } from "vitest";
import { MemoryLog } from "../src/store/memory-log.ts";
import { PayloadArena, SLAB_BYTES } from "../src/store/payload-arena.ts";

const filled = (n: number, v: number) => new Uint8Array(n).fill(v);

describe("PayloadArena", () => {
  it("gives back exactly what was put, as a copy that outlives the slab", () => {
    const arena = new PayloadArena();
    const a = filled(300, 1);
    const b = filled(16 * 1024, 2);
    const ia = arena.put(a);
    const oa = arena.lastOffset;
    const ib = arena.put(b);
    const ob = arena.lastOffset;
    expect(ia).toBe(ib);
    const copy = arena.copy(ib, ob, b.length);
    expect(copy).toEqual(b);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    arena.release(ia);
    arena.release(ib);
    expect(arena.copy(ia, oa, a.length)).toEqual(a); // the current slab stays while it is written
    expect(copy).toEqual(b);
  });

  it("stores each payload at its source's offset modulo 8, and copies it out the same way", () => {
    // the shared slab is copied into word by word only when both sides agree modulo 8
    const arena = new PayloadArena();
    const source = new Uint8Array(64 * 1024);
    for (let i = 0; i < source.length; i++) source[i] = (i * 7) & 0xff;
    const stored: { id: number; off: number; p: Uint8Array }[] = [];
    for (let k = 0; k < 2000; k++) {
      const p = source.subarray(k % 8, (k % 8) + 3000 + (k % 13)); // also crosses into new slabs
      const id = arena.put(p);
      expect(arena.lastOffset % 8).toBe(p.byteOffset % 8);
      stored.push({ id, off: arena.lastOffset, p });
    }
    expect(arena.slabCount).toBeGreaterThan(1);
    for (const { id, off, p } of stored) {
      const copy = arena.copy(id, off, p.length);
      expect(copy.byteOffset % 8).toBe(off % 8);
      expect(Buffer.from(copy).equals(Buffer.from(p))).toBe(true);
    }
  });

  it("rewrites slabs whose frames are all released instead of allocating new ones", () => {
    const arena = new PayloadArena(2);
    const size = 64 * 1024;
    const live: number[] = [];
    for (let i = 0; i < 2000; i++) {
      live.push(arena.put(filled(size, i & 0xff)));
      // keep about one slab's worth retained, like a room at its byte limit
      while (live.length * size > SLAB_BYTES) arena.release(live.shift()!);
    }
    expect(arena.slabCount).toBeLessThanOrEqual(4);
  });

  it("gives payloads above a quarter slab a slab of their own, dropped when released", () => {
    const arena = new PayloadArena();
    const big = filled(SLAB_BYTES / 2, 7);
    const id = arena.put(big);
    expect(arena.lastOffset).toBe(0);
    expect(arena.copy(id, 0, big.length)).toEqual(big);
    // at its source's offset modulo 8 too
    const inner = new Uint8Array(SLAB_BYTES / 2 + 8).fill(9).subarray(3, 3 + SLAB_BYTES / 2);
    const idInner = arena.put(inner);
    expect(arena.lastOffset).toBe(3);
    expect(arena.copy(idInner, 3, inner.length)).toEqual(inner);
    const before = arena.slabCount;
    arena.release(id);
    expect(arena.slabCount).toBe(before - 1);
    expect(() => arena.copy(id, 0, 1)).toThrow(/already released/);
  });
});

describe("MemoryLog on the arena", () => {
  it("keeps the newest frames intact through trims that recycle slabs", () => {
    const arena = new PayloadArena();
    const log = new MemoryLog(arena);
    const ret = { maxFrames: 1_000_000, maxBytes: 8 * 1024 * 1024, maxAgeMs: 60_000 };
    const size = 16 * 1024 + 13;
    for (let i = 0; i < 5000; i++) {
      const p = filled(size, i & 0xff);
      p[0] = i >> 8;
      log.push("dev", "output", 1000, p);
      log.trim(ret, 1000);
    }
    expect(log.bytes).toBeLessThanOrEqual(ret.maxBytes);
    expect(arena.slabCount).toBeLessThanOrEqual(3 + 4);
    const { first, head } = log.bounds();
    expect(head).toBe(5000);
    const frames = log.read(first, 10_000);
    expect(frames.length).toBe(head - first + 1);
    for (const f of frames) {
      const i = f.seq - 1;
      expect(f.payload.length).toBe(size);
      expect(f.payload[0]).toBe(i >> 8);
      expect(f.payload[size - 1]).toBe(i & 0xff);
    }
  });
});

describe("MemoryLog ring", () => {
  it("keeps order, senders and classes while it wraps around and grows", () => {
    const log = new MemoryLog(new PayloadArena());
    const ret = { maxFrames: 1_000_000, maxBytes: 2 ** 40, maxAgeMs: 100 };
    const senders = ["laptop", "phone-a", "phone-b"];
    // time advances one ms per frame, so the age bound keeps about 100 frames: the ring wraps many
    // times at a small capacity, then grows once the bound is lifted
    for (let i = 0; i < 1000; i++) {
      log.push(senders[i % 3]!, i % 2 ? "input" : "output", i, filled(3 + (i % 7), i & 0xff));
      log.trim(ret, i);
    }
    expect(log.size).toBe(101);
    for (let i = 1000; i < 1500; i++) log.push(senders[i % 3]!, "control", i, filled(5, i & 0xff));
    expect(log.size).toBe(601);
    const { first, head } = log.bounds();
    expect([first, head]).toEqual([900, 1500]);
    const frames = log.read(first, 10_000);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 601 }, (_, k) => 900 + k));
    for (const f of frames) {
      const i = f.seq - 1;
      expect(f.sender).toBe(senders[i % 3]);
      expect(f.cls).toBe(i >= 1000 ? "control" : i % 2 ? "input" : "output");
      expect(f.ts).toBe(i);
      expect(f.payload.length).toBe(i >= 1000 ? 5 : 3 + (i % 7));
      expect(f.payload[0]).toBe(i & 0xff);
    }
    expect(log.read(1400, 3).map((f) => f.seq)).toEqual([1400, 1401, 1402]);
    log.trim({ ...ret, maxAgeMs: 0 }, 10_000);
    expect(log.bounds()).toEqual({ first: 1501, head: 1500 });
    expect(log.bytes).toBe(0);
  });
});
