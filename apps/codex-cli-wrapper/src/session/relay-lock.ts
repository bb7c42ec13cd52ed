import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/**
 * One interactive session per relay room. Phones keep one secure channel per room to the laptop's
 * key, so two sessions in one room would take each other's frames, answer each other's handshakes
 * and fight over the channel state. Each session therefore takes a slot: slot 1 is the laptop's
 * own room, slot n > 1 a room of its own (see hostRoomId), which phones are admitted to. A slot's
 * lock is a file in the config dir naming the session's pid; a lock whose process is gone is stale
 * and taken over.
 */
export const RELAY_LOCK_FILE = "relay-session.lock";
/** Sessions of one laptop that reach the phones at once; a session beyond them stays local. */
export const MAX_RELAY_SLOTS = 8;

export const slotLockFile = (slot: number): string => (slot === 1 ? RELAY_LOCK_FILE : `relay-session-${slot}.lock`);

const LockFile = z.object({ pid: z.number().int().positive(), startedAt: z.number() });

export type RelayLockOutcome =
  | { readonly kind: "acquired"; release(): void }
  | { readonly kind: "held"; readonly pid: number; readonly startedAt: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(file: string): z.infer<typeof LockFile> | undefined {
  try {
    const parsed = LockFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function acquireRelayLock(
  configDir: string,
  pid = process.pid,
  now = Date.now(),
  name = RELAY_LOCK_FILE,
): RelayLockOutcome {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, name);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readHolder(file);
      if (holder && holder.pid !== pid && alive(holder.pid)) {
        return { kind: "held", pid: holder.pid, startedAt: holder.startedAt };
      }
      // stale (its process is gone), unreadable (a crash mid-write) or our own: replace it
      try {
        unlinkSync(file);
      } catch {}
      continue;
    }
    writeSync(fd, JSON.stringify({ pid, startedAt: now }));
    closeSync(fd);
    let released = false;
    return {
      kind: "acquired",
      release: () => {
        if (released) return;
        released = true;
        if (readHolder(file)?.pid === pid) {
          try {
            unlinkSync(file);
          } catch {}
        }
      },
    };
  }
  // three races lost in a row: someone else is starting right now
  const holder = readHolder(file);
  return { kind: "held", pid: holder?.pid ?? 0, startedAt: holder?.startedAt ?? now };
}

export type RelaySlotOutcome =
  | { readonly kind: "acquired"; readonly slot: number; release(): void }
  | { readonly kind: "full"; readonly pids: readonly number[] };

/** The lowest free slot (1 = the laptop's own room), or `full` with the pids holding them all. */
export function acquireRelaySlot(
  configDir: string,
  maxSlots = MAX_RELAY_SLOTS,
  pid = process.pid,
  now = Date.now(),
): RelaySlotOutcome {
  const pids: number[] = [];
  for (let slot = 1; slot <= maxSlots; slot++) {
    const lock = acquireRelayLock(configDir, pid, now, slotLockFile(slot));
    if (lock.kind === "acquired") return { kind: "acquired", slot, release: lock.release };
    pids.push(lock.pid);
  }
  return { kind: "full", pids };
}
