import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SegmentFiles } from "../src/store/segment-files.ts";
import { tempDir } from "./helpers.ts";

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
const file = (dir: string, seg: number) => join(dir, `${String(seg).padStart(8, "0")}.seg`);

describe("SegmentFiles transactions", () => {
  it("a rolled-back trim names its segments again; a committed one frees them", () => {
    const dir = tempDir("relay-segfiles-");
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
    // and is freed with its last row: kept as a spare for a next segment, deleted at close
    s.release(a2.seg);
    s.committed();
    expect(Buffer.from(s.read(b, 600)!)).toEqual(Buffer.from(bytes(600, 3)));
    s.close();
    expect(existsSync(file(dir, a1.seg))).toBe(false);
  });

  it("a rolled-back append leaves no bytes behind it and the next append takes its place", () => {
    const dir = tempDir("relay-segfiles-");
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

  it("an emptied segment is overwritten by the next one instead of deleted; its old bytes are never read", () => {
    const dir = tempDir("relay-segfiles-");
    const s = new SegmentFiles(dir, 1000);
    s.open([]);
    const old = s.add(bytes(900, 1));
    s.flush();
    s.committed();
    const oldInode = statSync(file(dir, old.seg)).ino;
    const next = s.add(bytes(900, 2)); // a new segment
    s.flush();
    s.committed();
    s.release(old.seg);
    s.committed();
    // no row names the first segment: kept as a spare, under its old name until reused
    expect(existsSync(file(dir, old.seg))).toBe(true);
    const reused = s.add(bytes(200, 3)); // does not fit in `next`'s segment: takes the spare
    s.flush();
    s.committed();
    expect(reused.seg).toBe(next.seg + 1);
    expect(reused.off).toBe(0);
    expect(statSync(file(dir, reused.seg)).ino).toBe(oldInode);
    expect(existsSync(file(dir, old.seg))).toBe(false);
    expect(Buffer.from(s.read(reused, 200)!)).toEqual(Buffer.from(bytes(200, 3)));
    // appends go on from the end of what this segment wrote, not the file's old size
    const after = s.add(bytes(100, 4));
    s.flush();
    expect(after.off).toBe(200);
    expect(Buffer.from(s.read(after, 100)!)).toEqual(Buffer.from(bytes(100, 4)));
    s.close();
  });

  it("keeps at most two spares, deletes them on close, and a spare a crash left is deleted on open", () => {
    const dir = tempDir("relay-segfiles-");
    const s = new SegmentFiles(dir, 1000);
    s.open([]);
    const refs = [1, 2, 3, 4, 5].map((v) => {
      const r = s.add(bytes(900, v));
      s.flush();
      s.committed();
      return r;
    });
    for (const r of refs.slice(0, 4)) s.release(r.seg);
    s.committed();
    // four segments emptied: two kept, two deleted; the active one stays
    expect(readdirSync(dir).length).toBe(3);
    s.close();
    expect(readdirSync(dir)).toEqual([`${String(refs[4]!.seg).padStart(8, "0")}.seg`]);

    // a crash while a spare existed: on open it is older than the newest named segment, so it goes
    writeFileSync(file(dir, 1), "a spare");
    const t = new SegmentFiles(dir, 1000);
    t.open([[refs[4]!.seg, 1]]);
    expect(existsSync(file(dir, 1))).toBe(false);
    t.close();
  });
});
