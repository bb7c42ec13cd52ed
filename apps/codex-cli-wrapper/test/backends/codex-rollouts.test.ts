import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { latestCodexThread } from "../../src/backends/terminal/codex-rollouts.ts";

function rollout(home: string, id: string, cwd: string, ageMs: number): void {
  const now = new Date();
  const dir = join(
    home,
    "sessions",
    String(now.getFullYear()),
    String(now.getMonth() + 1).padStart(2, "0"),
    String(now.getDate()).padStart(2, "0"),
  );
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rollout-2026-11-24T04-00-00-${id}.jsonl`);
  const meta = { type: "session_meta", payload: { id, cwd, base_instructions: { text: "x".repeat(100_000) } } };
  writeFileSync(file, `${JSON.stringify(meta)}\n`);
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(file, t, t);
}

describe("latestCodexThread", () => {
  it("finds the newest rollout written since the TUI started, in its cwd", () => {
    const home = mkdtempSync(join(tmpdir(), "cr-rollouts-"));
    const since = Date.now() - 10_000;
    rollout(home, "01a20bda-0000-7000-8000-000000000001", "/work/a", 60_000); // before the TUI started
    rollout(home, "01a20bda-0000-7000-8000-000000000002", "/work/a", 5_000);
    rollout(home, "01a20bda-0000-7000-8000-000000000003", "/work/b", 1_000); // another codex elsewhere
    expect(latestCodexThread(home, since, "/work/a")).toBe("01a20bda-0000-7000-8000-000000000002");
    expect(latestCodexThread(home, since)).toBe("01a20bda-0000-7000-8000-000000000003");
    expect(latestCodexThread(home, since, "/work/c")).toBeUndefined();
    expect(latestCodexThread(join(home, "missing"), since)).toBeUndefined();
  });
});
