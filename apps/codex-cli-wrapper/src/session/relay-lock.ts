import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/**
 * One interactive session per laptop holds the laptop's relay room. Phones follow that room and
 * keep one secure channel to the laptop's key, so a second session in the same room would take
 * their frames, answer their handshakes and fight the first over the channel state. The lock is a
 * file in the config dir naming the session's pid; a lock whose process is gone is stale and taken
 * over.
 */
export const RELAY_LOCK_FILE = "relay-session.lock";

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

export function acquireRelayLock(configDir: string, pid = process.pid, now = Date.now()): RelayLockOutcome {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, RELAY_LOCK_FILE);
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
