import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireRelayLock, acquireRelaySlot, RELAY_LOCK_FILE, slotLockFile } from "../../src/session/relay-lock.ts";
import { tempConfigDir } from "../helpers/cli.ts";

/** A pid that certainly has no process: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("relay session lock (one session per laptop in the relay room)", () => {
  it("a second session is told who holds it; released, it can be taken", () => {
    const dir = tempConfigDir();
    const first = acquireRelayLock(dir);
    expect(first.kind).toBe("acquired");
    const file = join(dir, RELAY_LOCK_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // another live process (the vitest parent) holding it
    writeFileSync(file, JSON.stringify({ pid: process.ppid, startedAt: 1 }));
    const second = acquireRelayLock(dir);
    expect(second).toEqual({ kind: "held", pid: process.ppid, startedAt: 1 });
    // release only removes our own lock
    if (first.kind === "acquired") first.release();
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: 2 }));
    const again = acquireRelayLock(dir);
    expect(again.kind).toBe("acquired");
    if (again.kind === "acquired") again.release();
    expect(existsSync(file)).toBe(false);
  });

  it("a lock left by a process that is gone, or a garbled one, is taken over", () => {
    const dir = tempConfigDir();
    const file = join(dir, RELAY_LOCK_FILE);
    writeFileSync(file, JSON.stringify({ pid: deadPid(), startedAt: 1 }));
    const a = acquireRelayLock(dir);
    expect(a.kind).toBe("acquired");
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    if (a.kind === "acquired") a.release();
    writeFileSync(file, "{not json");
    const b = acquireRelayLock(dir);
    expect(b.kind).toBe("acquired");
    if (b.kind === "acquired") b.release();
  });

  it("sessions take the lowest free slot; when every slot is held, the next is told who holds them", () => {
    const dir = tempConfigDir();
    const a = acquireRelaySlot(dir, 2);
    expect(a).toMatchObject({ kind: "acquired", slot: 1 });
    expect(existsSync(join(dir, slotLockFile(1)))).toBe(true);
    // slot 1 held by another live process (the vitest parent): the next session gets slot 2
    writeFileSync(join(dir, slotLockFile(1)), JSON.stringify({ pid: process.ppid, startedAt: 1 }));
    const b = acquireRelaySlot(dir, 2);
    expect(b).toMatchObject({ kind: "acquired", slot: 2 });
    expect(existsSync(join(dir, "relay-session-2.lock"))).toBe(true);
    writeFileSync(join(dir, slotLockFile(2)), JSON.stringify({ pid: process.ppid, startedAt: 2 }));
    expect(acquireRelaySlot(dir, 2)).toEqual({ kind: "full", pids: [process.ppid, process.ppid] });
    // a slot whose process is gone is free again
    writeFileSync(join(dir, slotLockFile(2)), JSON.stringify({ pid: deadPid(), startedAt: 3 }));
    expect(acquireRelaySlot(dir, 2)).toMatchObject({ kind: "acquired", slot: 2 });
  });
});
