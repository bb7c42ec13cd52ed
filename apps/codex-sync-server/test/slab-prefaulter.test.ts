import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { PayloadArena } from "../src/store/payload-arena.ts";
import { SlabPrefaulter } from "../src/store/slab-prefaulter.ts";

const SLAB = 256 * 1024;

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("SlabPrefaulter", () => {
  it("hands out zeroed slabs its worker has touched, and keeps `ahead` of them coming", async () => {
    const p = new SlabPrefaulter(SLAB, 2);
    try {
      expect(p.take()).toBeUndefined(); // nothing ready yet: the caller allocates its own
      expect(p.held).toBe(2);
      let slab: Uint8Array | undefined;
      await until(() => {
        slab = p.take();
        return slab !== undefined;
      }, "a ready slab");
      expect(slab!.byteLength).toBe(SLAB);
      expect(slab!.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(slab!.every((b) => b === 0)).toBe(true);
      expect(p.handedOut).toBe(1);
      expect(p.held).toBe(2);
    } finally {
      p.close();
    }
  });

  it("never writes into a slab once it is handed out", async () => {
    const p = new SlabPrefaulter(SLAB, 2);
    try {
      p.take();
      const mine: Uint8Array[] = [];
      while (mine.length < 6) {
        const s = p.take();
        if (s) {
          s.fill(0xab); // as the arena does with payloads, while the worker prepares the next ones
          mine.push(s);
        } else await sleep(1);
      }
      await sleep(50);
      for (const s of mine) expect(s.every((b) => b === 0xab)).toBe(true);
      expect(new Set(mine.map((s) => s.buffer)).size).toBe(6);
    } finally {
      p.close();
    }
  });

  it("gives nothing once its worker fails or it is closed, so the arena allocates its own", async () => {
    const broken = new SlabPrefaulter(SLAB, 2, 'throw new Error("no worker today")');
    broken.take();
    await until(() => broken.held === 0, "the failed worker to be dropped");
    expect(broken.take()).toBeUndefined();
    expect(broken.held).toBe(0);

    const closed = new SlabPrefaulter(SLAB, 2);
    closed.take();
    closed.close();
    await sleep(50);
    expect(closed.take()).toBeUndefined();
    expect(closed.held).toBe(0);
  });
});

describe("PayloadArena with prefaulting", () => {
  it("stores payloads intact in slabs that came from the prefaulter", async () => {
    const arena = new PayloadArena(0, { prefault: true });
    try {
      const size = 64 * 1024 + 5;
      const stored: { id: number; off: number; k: number }[] = [];
      for (let k = 0; k < 600; k++) {
        const p = new Uint8Array(size).fill(k & 0xff);
        p[0] = k >> 8;
        stored.push({ id: arena.put(p), off: arena.lastOffset, k });
        // the worker's replies arrive between socket reads in the relay; here, between batches
        if (k % 32 === 0) await sleep(5);
      }
      expect(arena.prefaulted).toBeGreaterThan(0);
      for (const { id, off, k } of stored) {
        const copy = arena.copy(id, off, size);
        expect(copy[0]).toBe(k >> 8);
        expect(copy[1]).toBe(k & 0xff);
        expect(copy[size - 1]).toBe(k & 0xff);
      }
    } finally {
      arena.close();
    }
  });
});
