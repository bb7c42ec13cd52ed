import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/** Where codex keeps its state: $CODEX_HOME (from the agent's env overrides first), else ~/.codex. */
export function codexHome(env: Readonly<Record<string, string | undefined>> = {}): string {
  return env.CODEX_HOME ?? process.env.CODEX_HOME ?? join(homedir(), ".codex");
}

const ROLLOUT = /^rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;

function dayDirs(home: string, times: number[]): string[] {
  const dirs = new Set<string>();
  for (const t of times) {
    for (const d of [new Date(t - 86_400_000), new Date(t), new Date(t + 86_400_000)]) {
      const parts = [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n, i) =>
        String(n).padStart(i === 0 ? 4 : 2, "0"),
      );
      dirs.add(join(home, "sessions", ...parts));
    }
  }
  return [...dirs];
}

const SessionMeta = z.object({
  type: z.literal("session_meta"),
  payload: z.object({ id: z.string(), cwd: z.string() }),
});

/** The cwd recorded in a rollout's first line (`session_meta`), if it parses. */
function rolloutCwd(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const first = text.slice(0, text.indexOf("\n") >= 0 ? text.indexOf("\n") : undefined);
    // the first line can be longer than the buffer (it carries the base instructions): read the cwd field
    const cwd = /"cwd":"((?:[^"\\]|\\.)*)"/.exec(first)?.[1];
    if (cwd !== undefined) return JSON.parse(`"${cwd}"`) as string;
    const meta = SessionMeta.safeParse(JSON.parse(first));
    return meta.success ? meta.data.payload.cwd : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The thread a codex TUI started at `since` (in `cwd`, when given) is writing: the newest rollout file
 * (`sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`) modified since then. Codex creates it
 * with the thread's first turn, so a TUI that has not been used yet has none.
 */
export function latestCodexThread(home: string, since: number, cwd?: string): string | undefined {
  let best: { id: string; mtime: number } | undefined;
  const cwds = cwd === undefined ? undefined : new Set([cwd, safeRealpath(cwd)]);
  for (const dir of dayDirs(home, [since, Date.now()])) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = ROLLOUT.exec(name);
      if (!m) continue;
      const mtime = statSync(join(dir, name)).mtimeMs;
      if (mtime + 1000 < since || (best && mtime <= best.mtime)) continue;
      // another codex running elsewhere with the same CODEX_HOME writes its own rollouts
      if (cwds && !cwds.has(rolloutCwd(join(dir, name)) ?? "")) continue;
      best = { id: m[1]!, mtime };
    }
  }
  return best?.id;
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
