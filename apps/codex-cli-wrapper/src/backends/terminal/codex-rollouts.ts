import { readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

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

/**
 * The thread a codex TUI started at `since` is writing: the newest rollout file
 * (`sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`) modified since then. Codex creates it
 * with the thread's first turn, so a TUI that has not been used yet has none.
 */
export function latestCodexThread(home: string, since: number): string | undefined {
  let best: { id: string; mtime: number } | undefined;
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
      if (mtime + 1000 >= since && (!best || mtime > best.mtime)) best = { id: m[1]!, mtime };
    }
  }
  return best?.id;
}
