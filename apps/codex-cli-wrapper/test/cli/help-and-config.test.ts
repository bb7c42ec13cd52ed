import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempConfigDir } from "../helpers/cli.ts";

describe("codex-remote --help", () => {
  it("prints the main help with every command", async () => {
    const r = await runCli(["--help"], { configDir: tempConfigDir() });
    expect(r.code).toBe(0);
    for (const c of ["exec", "pair", "devices", "relay", "doctor", "--agent", "--relay"]) expect(r.stdout).toContain(c);
  });

  it.each(["exec", "pair", "devices", "relay", "doctor"])("%s --help prints its usage and exits 0", async (cmd) => {
    const r = await runCli([cmd, "--help"], { configDir: tempConfigDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`codex-remote ${cmd}`);
  });

  it("rejects an unknown flag with a usage error", async () => {
    const r = await runCli(["--frobnicate"], { configDir: tempConfigDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'.*\[CLI_USAGE\]/);
  });

  it("validates flag values with a message naming the flag", async () => {
    const r = await runCli(["--agent", "gpt"], { configDir: tempConfigDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--agent");
    expect(r.stderr).toContain("[CLI_USAGE]");
  });

  it("validates --control and --mirror-bytes-per-second", async () => {
    const bad = await runCli(["--control", "maybe"], { configDir: tempConfigDir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--control.*\[CLI_USAGE\]/);
    const neg = await runCli(["--mirror-bytes-per-second", "-5"], { configDir: tempConfigDir() });
    expect(neg.code).toBe(2);
    expect(neg.stderr).toMatch(/--mirror-bytes-per-second.*\[CLI_USAGE\]/);
  });
});

describe("config.toml", () => {
  it("names the key of a bad value", async () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, "config.toml"), 'agent = "codex"\n[relay]\nport = "eighty"\n');
    const r = await runCli(["doctor"], { configDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("relay.port");
    expect(r.stderr).toContain("[CONFIG_INVALID]");
  });

  it("names an unknown key", async () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, "config.toml"), "[session]\nqueue = 3\n");
    const r = await runCli(["doctor"], { configDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("session.queue: unknown key");
  });

  it("reports TOML syntax errors", async () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, "config.toml"), "agent = \n");
    const r = await runCli(["doctor"], { configDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[CONFIG_PARSE]");
  });

  it("a bad approve policy names the key", async () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, "config.toml"), 'approve = "sometimes"\n');
    const r = await runCli(["doctor"], { configDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/approve: .*"ask"/);
  });
});
