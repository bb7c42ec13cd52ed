import { readdirSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../src/store/sqlite.ts";
import type { AppendInput, Retention } from "../src/store/types.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir("relay-segments-");
const KEEP_ALL: Retention = { maxFrames: 1_000_000, maxBytes: 2 ** 40, maxAgeMs: 3_600_000 };

/** A 16 KiB payload that names its counter at both ends. */
function frame(counter: number, size = 16 * 1024): AppendInput {
  const payload = new Uint8Array(size).fill(counter & 0xff);
  payload[0] = counter >> 8;
  return { room: "r", sender: "s", cls: "output", epoch: 1, counter, payload, ts: Date.now() };
}
const counterOf = (p: Uint8Array) => (p[0]! << 8) | p[p.length - 1]!;
const segFiles = (file: string) => readdirSync(`${file}.segments`).filter((f) => f.endsWith(".seg"));

describe("sqlite store: large payloads in segment files", () => {
  it("keeps them out of the database, byte for byte, across close and reopen", async () => {
    const file = join(dir, "roundtrip.sqlite");
    const a = new SqliteStore(file);
    for (let i = 1; i <= 50; i++) await a.append(frame(i), KEEP_ALL);
    await a.append({ ...frame(51, 100) }, KEEP_ALL); // a small one stays in its row
    await a.close();
    expect(statSync(file).size).toBeLessThan(200 * 1024);
    expect(segFiles(file).length).toBe(1);
    expect(statSync(join(`${file}.segments`, segFiles(file)[0]!)).mode & 0o777).toBe(0o600);
    const b = new SqliteStore(file);
    const frames = await b.read("r", 1, 100);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 51 }, (_, k) => k + 1));
    for (const f of frames) expect(counterOf(f.payload)).toBe(f.seq);
    expect(frames[50]!.payload.length).toBe(100);
    await b.close();
  });

  it("reads them back when the relay died without closing (as after kill -9)", async () => {
    const file = join(dir, "crash.sqlite");
    const a = new SqliteStore(file, { segmentBytes: 256 * 1024 });
    for (let i = 1; i <= 40; i++) await a.append(frame(i), KEEP_ALL); // a is never closed
    const before = new Set(segFiles(file));
    const b = new SqliteStore(file, { segmentBytes: 256 * 1024 });
    const frames = await b.read("r", 1, 100);
    expect(frames.length).toBe(40);
    for (const f of frames) expect(counterOf(f.payload)).toBe(f.seq);
    // appends after the restart go to a new segment, never after a possibly torn tail
    await b.append(frame(41), KEEP_ALL);
    expect(segFiles(file).filter((f) => !before.has(f)).length).toBe(1);
    expect(counterOf((await b.read("r", 41, 1))[0]!.payload)).toBe(41);
    await b.close();
  });

  it("deletes a segment once retention has trimmed every frame in it, and left-over files on open", async () => {
    const file = join(dir, "trim.sqlite");
    const ret: Retention = { maxFrames: 1_000_000, maxBytes: 200 * 1024, maxAgeMs: 3_600_000 };
    const a = new SqliteStore(file, { segmentBytes: 64 * 1024 });
    for (let i = 1; i <= 300; i++) await a.append(frame(i), ret);
    // 200 KiB retained in 64 KiB segments: a handful of files, not 75
    expect(segFiles(file).length).toBeLessThanOrEqual(6);
    const { first, head } = await a.bounds("r");
    expect(head).toBe(300);
    const frames = await a.read("r", first, 1000);
    expect(frames.length).toBe(head - first + 1);
    for (const f of frames) expect(counterOf(f.payload)).toBe(f.seq);
    await a.close();
    // segment 1 was trimmed away long ago; a copy of it is what a crash between COMMIT and unlink leaves
    expect(segFiles(file)).not.toContain("00000001.seg");
    writeFileSync(join(`${file}.segments`, "00000001.seg"), "left over");
    const b = new SqliteStore(file, { segmentBytes: 64 * 1024 });
    expect(segFiles(file)).not.toContain("00000001.seg");
    expect((await b.read("r", first, 1000)).length).toBe(head - first + 1);
    await b.close();
  });

  it("turns a sector that never reached the disk into a gap, never into a wrong payload", async () => {
    const file = join(dir, "corrupt.sqlite");
    const a = new SqliteStore(file);
    for (let i = 1; i <= 10; i++) await a.append(frame(i), KEEP_ALL);
    await a.close();
    // what a power loss after COMMIT can leave (frames are laid out in order, 16 KiB each): one
    // sector of frame 4 as zeros (a new file's hole), one of frame 8 with frame 2's bytes (a reused file)
    const fh = await open(join(`${file}.segments`, segFiles(file)[0]!), "r+");
    await fh.write(new Uint8Array(512), 0, 512, 3 * 16 * 1024 + 5 * 512);
    await fh.write(new Uint8Array(512).fill(2), 0, 512, 7 * 16 * 1024 + 512);
    await fh.close();
    const b = new SqliteStore(file);
    // a batch stops before a damaged frame, and a batch from it starts after it
    expect((await b.read("r", 1, 100)).map((f) => f.seq)).toEqual([1, 2, 3]);
    expect((await b.read("r", 4, 100)).map((f) => f.seq)).toEqual([5, 6, 7]);
    expect((await b.read("r", 8, 100)).map((f) => f.seq)).toEqual([9, 10]);
    expect(await b.bounds("r")).toEqual({ first: 1, head: 10 });
    await b.close();
  });

  it("reads rows written with a CRC-32 of the whole payload (before the sampled check)", async () => {
    const file = join(dir, "crc.sqlite");
    const a = new SqliteStore(file);
    for (let i = 1; i <= 3; i++) await a.append(frame(i), KEEP_ALL);
    await a.close();
    const db = new DatabaseSync(file);
    // the CRC-32 an older relay kept: right for frames 1 and 3, wrong for frame 2
    for (let i = 1; i <= 3; i++) {
      const crc = (crc32(frame(i).payload) ^ (i === 2 ? 1 : 0)) >>> 0;
      db.prepare("UPDATE entries SET crc = ? WHERE k & 1099511627775 = ?").run(crc, i);
    }
    db.close();
    const b = new SqliteStore(file);
    const frames = await b.read("r", 1, 100);
    expect(frames.map((f) => f.seq)).toEqual([1]);
    expect((await b.read("r", 2, 100)).map((f) => f.seq)).toEqual([3]);
    for (const f of frames) expect(counterOf(f.payload)).toBe(f.seq);
    await b.close();
  });
});
