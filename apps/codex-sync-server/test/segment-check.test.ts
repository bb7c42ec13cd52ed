import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { checkMatches, segmentCheck } from "../src/store/segment-check.ts";

/** Ciphertext-like bytes, the same on every run (xorshift32 from `seed`; distinct odd seeds give distinct bytes). */
function randomBytes(n: number, seed = n): Uint8Array {
  let x = seed | 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** `payload` as a disk would hold it after a power loss that kept sector `s` (of the file) stale. */
function withStaleSector(payload: Uint8Array, fileOffset: number, sector: number, stale: Uint8Array): Uint8Array {
  const out = Uint8Array.from(payload);
  const from = Math.max(0, sector * 512 - fileOffset);
  const to = Math.min(payload.length, (sector + 1) * 512 - fileOffset);
  for (let i = from; i < to; i++) out[i] = stale[i]!;
  return out;
}

const sectorsOf = (off: number, n: number) => {
  const s: number[] = [];
  for (let k = Math.floor(off / 512); k * 512 < off + n; k++) s.push(k);
  return s;
};

describe("segment check", () => {
  it("matches the same bytes at the same place", () => {
    const p = randomBytes(16 * 1024);
    expect(checkMatches(p, 4096, segmentCheck(p, 4096))).toBe(true);
    expect(checkMatches(Buffer.from(p), 4096, segmentCheck(p, 4096))).toBe(true);
  });

  it("catches every sector a power loss could leave stale: zeros or an older frame's ciphertext", () => {
    // offsets on, just after and just before a sector boundary; sizes with 1-byte slivers at either end
    const cases = [
      { off: 0, n: 16 * 1024 },
      { off: 511, n: 1026 },
      { off: 1000, n: 4096 + 23 },
      { off: 7 * 512 + 1, n: 2048 },
    ];
    let compared = 0;
    let sectors = 0;
    for (const { off, n } of cases) {
      sectors += sectorsOf(off, n).length;
      const p = randomBytes(n, 4 * off + 1);
      const check = segmentCheck(p, off);
      const older = randomBytes(n, 4 * off + 3);
      for (const s of sectorsOf(off, n)) {
        for (const [what, stale] of [
          ["zeros", new Uint8Array(n)],
          ["older bytes", older],
        ] as const) {
          const onDisk = withStaleSector(p, off, s, stale);
          // a sliver of one byte may hold the same byte either way: then nothing is wrong to catch
          if (Buffer.from(onDisk).equals(Buffer.from(p))) continue;
          expect(checkMatches(onDisk, off, check), `${what}, sector ${s}`).toBe(false);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(2 * sectors - 4);
  });

  it("depends on where the payload lies in its file (its sector boundaries)", () => {
    const p = randomBytes(4096);
    expect(segmentCheck(p, 0)).not.toBe(segmentCheck(p, 100));
  });

  it("still verifies rows written before it, which keep a CRC-32 of the whole payload", () => {
    const p = randomBytes(8192);
    expect(checkMatches(p, 0, crc32(p))).toBe(true);
    const flipped = Buffer.from(p);
    flipped[5000]! ^= 1;
    expect(checkMatches(flipped, 0, crc32(p))).toBe(false);
  });
});
