import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
});
