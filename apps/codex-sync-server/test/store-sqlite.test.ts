import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../src/store/sqlite.ts";
import { storeContract } from "./store-contract.ts";

const dir = mkdtempSync(join(tmpdir(), "relay-sqlite-"));
const path = join(dir, "contract.sqlite");
storeContract("sqlite", async () => new SqliteStore(path));

describe("sqlite store", () => {
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
});
