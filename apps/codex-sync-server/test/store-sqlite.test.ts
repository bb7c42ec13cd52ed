import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../src/store/sqlite.ts";
import { tempDir } from "./helpers.ts";
import { storeContract } from "./store-contract.ts";

const dir = tempDir("relay-sqlite-");
const path = join(dir, "contract.sqlite");
storeContract("sqlite", async () => new SqliteStore(path));

describe("sqlite store", () => {
  it("commits a long turn's frames as they add up, so delivery starts before the turn ends", async () => {
    const s = new SqliteStore(join(dir, "long-turn.sqlite"));
    const ret = { maxFrames: 100_000, maxBytes: 1 << 30, maxAgeMs: 60_000 };
    const heard: number[] = [];
    const sink = {
      appended: (_i: unknown, seq: number) => {
        heard.push(seq);
      },
      appendFailed: (_i: unknown, err: unknown) => {
        throw err;
      },
    };
    // 64 frames of 16 KiB (1 MiB) in one synchronous run, as one turn that read a burst
    for (let c = 1; c <= 64; c++) {
      s.appendWith!(
        { room: "r", sender: "s", cls: "output", epoch: 1, counter: c, payload: new Uint8Array(16384).fill(c), ts: 1 },
        ret,
        sink,
      );
    }
    const heardInTurn = heard.length;
    expect(heardInTurn).toBeGreaterThanOrEqual(48);
    // what the sink heard of is committed: a second connection reads it
    const other = new DatabaseSync(join(dir, "long-turn.sqlite"), { readOnly: true });
    expect(Number((other.prepare("SELECT count(*) AS n FROM entries").get() as { n: number }).n)).toBe(heardInTurn);
    other.close();
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(Array.from({ length: 64 }, (_, k) => k + 1));
    const back = await s.read("r", 1, 100);
    expect(back.map((f) => f.payload[0])).toEqual(heard);
    expect(back.every((f) => f.payload.length === 16384)).toBe(true);
    await s.close();
  });

  it("survives a restart: log, bounds, dedup state and devices", async () => {
    const file = join(dir, "restart.sqlite");
    const ret = { maxFrames: 100, maxBytes: 1 << 20, maxAgeMs: 60_000 };
    const a = new SqliteStore(file);
    for (let i = 1; i <= 5; i++) {
      await a.append(
        { room: "r", sender: "s", cls: "output", epoch: 1, counter: i, payload: new Uint8Array([i]), ts: Date.now() },
        ret,
      );
    }
    await a.close();
    const b = new SqliteStore(file);
    expect(await b.bounds("r")).toEqual({ first: 1, head: 5 });
    expect((await b.read("r", 1, 10)).map((f) => f.payload[0])).toEqual([1, 2, 3, 4, 5]);
    const dup = await b.append(
      { room: "r", sender: "s", cls: "output", epoch: 1, counter: 5, payload: new Uint8Array([5]), ts: Date.now() },
      ret,
    );
    expect(dup).toEqual({ kind: "duplicate" });
    expect(
      await b.append(
        { room: "r", sender: "s", cls: "output", epoch: 1, counter: 6, payload: new Uint8Array([6]), ts: Date.now() },
        ret,
      ),
    ).toEqual({ kind: "stored", seq: 6 });
    await b.close();
  });

  it("without close (as after kill -9): bounds, byte count and dedup come back from log_meta plus the log after it", async () => {
    const file = join(dir, "crash.sqlite");
    const ret = { maxFrames: 100_000, maxBytes: 1 << 30, maxAgeMs: 60_000 };
    const frame = (sender: string, counter: number) => ({
      room: "r",
      sender,
      cls: "output" as const,
      epoch: 3,
      counter,
      payload: new Uint8Array(10).fill(counter & 0xff),
      ts: Date.now(),
    });
    const a = new SqliteStore(file);
    // more than one log_meta write interval, two senders; a is never closed
    for (let i = 1; i <= 5000; i++) await a.append(frame(i % 2 ? "s1" : "s2", i), ret);
    const b = new SqliteStore(file);
    expect(await b.bounds("r")).toEqual({ first: 1, head: 5000 });
    expect(await b.append(frame("s1", 4999), ret)).toEqual({ kind: "duplicate" });
    expect(await b.append(frame("s2", 5000), ret)).toEqual({ kind: "duplicate" });
    expect(await b.append(frame("s2", 5002), ret)).toEqual({ kind: "stored", seq: 5001 });
    // byte count recovered: a byte bound just under the total trims exactly the oldest frames
    await b.append(frame("s1", 5003), { ...ret, maxBytes: 50_000 });
    const bounds = await b.bounds("r");
    expect(bounds.head).toBe(5002);
    expect(bounds.first).toBeGreaterThan(2);
    expect((bounds.head - bounds.first + 1) * 10).toBeLessThanOrEqual(50_000);
    await b.close();
  });

  it("moves frames of a file from before the log table into it", async () => {
    const file = join(dir, "old.sqlite");
    const db = new DatabaseSync(file);
    db.exec(
      "CREATE TABLE frames (room TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL, cls INTEGER NOT NULL, ts INTEGER NOT NULL, payload BLOB NOT NULL, UNIQUE (room, seq));" +
        "CREATE TABLE log_meta (room TEXT PRIMARY KEY, head INTEGER NOT NULL, first INTEGER NOT NULL, bytes INTEGER NOT NULL, count INTEGER NOT NULL);" +
        "CREATE TABLE senders (room TEXT NOT NULL, device TEXT NOT NULL, epoch INTEGER NOT NULL, counter INTEGER NOT NULL, PRIMARY KEY (room, device)) WITHOUT ROWID;",
    );
    const ins = db.prepare("INSERT INTO frames VALUES ('r', ?, 's', 0, ?, ?)");
    for (let i = 1; i <= 3; i++) ins.run(i, Date.now(), new Uint8Array([i]));
    db.exec("INSERT INTO log_meta VALUES ('r', 3, 1, 3, 3); INSERT INTO senders VALUES ('r', 's', 1, 3);");
    db.close();
    const s = new SqliteStore(file);
    expect(await s.bounds("r")).toEqual({ first: 1, head: 3 });
    expect((await s.read("r", 1, 10)).map((f) => f.payload[0])).toEqual([1, 2, 3]);
    const f = {
      room: "r",
      sender: "s",
      cls: "output" as const,
      epoch: 1,
      payload: new Uint8Array([4]),
      ts: Date.now(),
    };
    expect(await s.append({ ...f, counter: 3 }, { maxFrames: 100, maxBytes: 1 << 20, maxAgeMs: 60_000 })).toEqual({
      kind: "duplicate",
    });
    expect(await s.append({ ...f, counter: 4 }, { maxFrames: 100, maxBytes: 1 << 20, maxAgeMs: 60_000 })).toEqual({
      kind: "stored",
      seq: 4,
    });
    await s.close();
  });

  it("moves frames of a file with the room-and-sequence log table into entries, log_meta tail and dedup included", async () => {
    const file = join(dir, "log-table.sqlite");
    const db = new DatabaseSync(file);
    db.exec(
      "CREATE TABLE log (room TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL, cls INTEGER NOT NULL, epoch INTEGER NOT NULL, counter INTEGER NOT NULL, ts INTEGER NOT NULL, payload BLOB NOT NULL, seg INTEGER, off INTEGER, len INTEGER, crc INTEGER, UNIQUE (room, seq));" +
        "CREATE TABLE log_meta (room TEXT PRIMARY KEY, head INTEGER NOT NULL, first INTEGER NOT NULL, bytes INTEGER NOT NULL, count INTEGER NOT NULL);",
    );
    const ins = db.prepare("INSERT INTO log VALUES (?, ?, 'dev', 0, 7, ?, ?, ?, NULL, NULL, NULL, NULL)");
    const now = Date.now();
    // room a: frames 3..6 (1 and 2 trimmed), log_meta written at head 5, frame 6 after it
    for (let seq = 3; seq <= 6; seq++) ins.run("a", seq, seq, now, new Uint8Array([10 + seq]));
    for (let seq = 1; seq <= 2; seq++) ins.run("b", seq, seq, now, new Uint8Array([20 + seq]));
    db.exec("INSERT INTO log_meta VALUES ('a', 5, 3, 3, 3), ('b', 2, 1, 2, 2);");
    db.close();
    const s = new SqliteStore(file);
    expect(await s.bounds("a")).toEqual({ first: 3, head: 6 });
    expect((await s.read("a", 1, 10)).map((f) => [f.seq, f.payload[0]])).toEqual([
      [3, 13],
      [4, 14],
      [5, 15],
      [6, 16],
    ]);
    expect((await s.read("b", 2, 10)).map((f) => [f.seq, f.payload[0]])).toEqual([[2, 22]]);
    const ret = { maxFrames: 100, maxBytes: 1 << 20, maxAgeMs: 60_000 };
    const f = { room: "a", sender: "dev", cls: "output" as const, epoch: 7, payload: new Uint8Array([17]), ts: now };
    // the dedup state comes from the moved frame 6, which log_meta does not cover
    expect(await s.append({ ...f, counter: 6 }, ret)).toEqual({ kind: "duplicate" });
    expect(await s.append({ ...f, counter: 7 }, ret)).toEqual({ kind: "stored", seq: 7 });
    await s.close();
    const check = new DatabaseSync(file);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'log'").get()).toBeUndefined();
    check.close();
  });

  it("keys rooms past the exact-number range with BigInts: append, trim, read, reopen", async () => {
    const file = join(dir, "many-rooms.sqlite");
    await new SqliteStore(file).close();
    // as if 9,000 rooms had had a log before: the next room's keys are beyond 2^53
    const db = new DatabaseSync(file);
    db.exec("INSERT INTO log_rooms (id, room) VALUES (9000, 'earlier')");
    db.close();
    const ret = { maxFrames: 50, maxBytes: 1 << 30, maxAgeMs: 60_000 };
    const s = new SqliteStore(file);
    const base = { sender: "dev", cls: "output" as const, epoch: 1, ts: Date.now() };
    for (let i = 1; i <= 120; i++) {
      const big = i % 10 === 0 ? 4096 : 3; // every tenth in a segment file
      const payload = new Uint8Array(big).fill(i);
      await s.append({ ...base, room: "late", counter: i, payload }, ret);
    }
    await s.append({ ...base, room: "small", counter: 1, payload: new Uint8Array([1]) }, ret);
    const check = async (store: SqliteStore) => {
      const { first, head } = await store.bounds("late");
      expect(head).toBe(120);
      expect(first).toBeGreaterThan(60);
      const frames = await store.read("late", 1, 200);
      expect(frames.map((x) => x.seq)).toEqual(Array.from({ length: head - first + 1 }, (_, k) => first + k));
      for (const x of frames) expect(x.payload[0]).toBe(x.seq);
      expect((await store.read("small", 1, 10)).map((x) => x.seq)).toEqual([1]);
    };
    await check(s);
    await s.close();
    const again = new SqliteStore(file);
    await check(again);
    expect(await again.append({ ...base, room: "late", counter: 120, payload: new Uint8Array([0]) }, ret)).toEqual({
      kind: "duplicate",
    });
    await again.close();
  });
});
