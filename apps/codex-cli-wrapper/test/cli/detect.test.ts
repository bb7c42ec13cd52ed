import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pinnedAgent } from "../../src/backends/resolve-binary.ts";
import { pickAgent, versionOf } from "../../src/cli/detect.ts";
import { PKG, runCli, tempConfigDir } from "../helpers/cli.ts";

const settings = { codexBin: "codex", claudeBin: "claude", shell: "/bin/sh" };
const BIN_DIR = join(PKG, "node_modules", ".bin");

describe("agent auto-detection: codex, then claude, then the demo", () => {
  it("picks the real codex when it is on PATH, and reads its version", () => {
    const pick = pickAgent("auto", settings, { PATH: `${BIN_DIR}:/usr/bin:/bin` });
    expect(pick.agent).toBe("codex");
    expect(pick.reason).toContain("codex found at");
    expect(versionOf(pick.binary!)).toMatch(/0\.169\.0/);
  });

  it("picks claude when only claude is on PATH", () => {
    const dir = mkdtempSync(join(tmpdir(), "cr-path-"));
    symlinkSync(pinnedAgent("claude")!.command, join(dir, "claude"));
    const pick = pickAgent("auto", settings, { PATH: dir });
    expect(pick.agent).toBe("claude");
    expect(pick.reason).toContain("no codex on PATH");
  });

  it("falls back to the demo agent, and says so", async () => {
    expect(pickAgent("auto", settings, { PATH: "/nonexistent" }).agent).toBe("demo");
    const r = await runCli([], {
      configDir: tempConfigDir(),
      env: { PATH: "/nonexistent" },
      input: "",
    });
    expect(r.stderr).toContain("neither codex nor claude is on PATH: using the built-in demo agent");
    expect(r.code).toBe(0);
  }, 90_000);
});

describe("codex-remote with an unreachable relay", () => {
  it("keeps working locally: the demo turn runs and the relay problem is reported", async () => {
    const cwd = (await import("node:fs")).mkdtempSync(join(tmpdir(), "cr-offline-"));
    const r = await runCli(["--agent", "demo", "--relay", "ws://127.0.0.1:9/v1/relay", "--pair", "--cwd", cwd], {
      configDir: tempConfigDir(),
      input: "hello offline\nn\nn\n",
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("cannot pair now");
    expect(r.stdout).toContain('You asked: "hello offline"');
    expect(r.stdout).toContain("decline by local");
  }, 90_000);
});
