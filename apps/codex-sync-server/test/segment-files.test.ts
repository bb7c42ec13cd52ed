import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SegmentFiles } from "../src/store/segment-files.ts";

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
const file = (dir: string, seg: number) => join(dir, `${String(seg).padStart(8, "0")}.seg`);

describe("SegmentFiles transactions", () => {
  it("a rolled-back trim names its segments again; a committed one deletes them", () => {
    const dir = mkdtempSync(join(tmpdir(), "relay-segfiles-"));
    const s = new SegmentFiles(dir, 1024);
    s.open([]);
    const a1 = s.add(bytes(400, 1));
    const a2 = s.add(bytes(400, 2));
    s.flush();
    s.committed();
    const b = s.add(bytes(600, 3)); // does not fit: a new segment
    s.flush();
    s.committed();
    expect([a1.seg, a2.seg, b.seg]).toEqual([a1.seg, a1.seg, a1.seg + 1]);
    // a transaction trims a1's row, then fails to COMMIT: both rows of the first segment are back
    s.release(a1.seg);
    s.rollback([]);
    // trimming a1 for real leaves a2 naming the segment: it stays
    s.release(a1.seg);
    s.committed();
    expect(existsSync(file(dir, a1.seg))).toBe(true);
    expect(Buffer.from(s.read(a2, 400)!)).toEqual(Buffer.from(bytes(400, 2)));
    // and goes with its last row
    s.release(a2.seg);
    s.committed();
    expect(existsSync(file(dir, a1.seg))).toBe(false);
    expect(Buffer.from(s.read(b, 600)!)).toEqual(Buffer.from(bytes(600, 3)));
    s.close();
  });

  it("a rolled-back append leaves no bytes behind it and the next append takes its place", () => {
    const dir = mkdtempSync(join(tmpdir(), "relay-segfiles-"));
    const s = new SegmentFiles(dir, 1 << 20);
    s.open([]);
    const lost = s.add(bytes(100, 7));
    s.rollback([lost]);
    const kept = s.add(bytes(100, 8));
    expect(kept.off).toBe(lost.off);
    s.flush();
    s.committed();
    expect(Buffer.from(s.read(kept, 100)!)).toEqual(Buffer.from(bytes(100, 8)));
    s.close();
  });
});
