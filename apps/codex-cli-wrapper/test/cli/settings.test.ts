import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { configDir } from "../../src/config/paths.ts";
import { tempConfigDir } from "../helpers/cli.ts";

describe("settings: defaults < config file < flags", () => {
  it("uses the XDG config dir", () => {
    expect(configDir({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/u" })).toBe("/x/cfg/codex-remote");
    expect(configDir({ HOME: "/home/u" })).toBe("/home/u/.config/codex-remote");
    expect(configDir({ XDG_CONFIG_HOME: "relative", HOME: "/home/u" })).toBe("/home/u/.config/codex-remote");
  });

  it("flags override the file, the file overrides defaults", () => {
    const dir = tempConfigDir();
    writeFileSync(
      join(dir, "config.toml"),
      'agent = "claude"\napprove = "never"\n[relay]\nurl = "ws://127.0.0.1:9999"\nport = 9000\n',
    );
    const env = { CODEX_REMOTE_CONFIG_DIR: dir };
    const fromFile = loadSettings({}, env);
    expect(fromFile).toMatchObject({
      agent: "claude",
      approve: "never",
      relayUrl: "ws://127.0.0.1:9999",
      relayPort: 9000,
    });
    const flagged = loadSettings({ agent: "demo", relayUrl: "ws://127.0.0.1:1" }, env);
    expect(flagged).toMatchObject({ agent: "demo", approve: "never", relayUrl: "ws://127.0.0.1:1" });
    const none = loadSettings({}, { CODEX_REMOTE_CONFIG_DIR: tempConfigDir() });
    expect(none).toMatchObject({ agent: "auto", approve: "ask", relayUrl: undefined });
  });

  it("control.grant and the mirror budget: default ask / 4 MiB/s, from the file, flags win, bad values named", () => {
    const none = loadSettings({}, { CODEX_REMOTE_CONFIG_DIR: tempConfigDir() });
    expect(none).toMatchObject({ controlGrant: "ask", mirrorBytesPerSecond: 4 * 1024 * 1024 });
    const dir = tempConfigDir();
    writeFileSync(join(dir, "config.toml"), '[control]\ngrant = "never"\n[session]\nmirror_bytes_per_second = 0\n');
    const env = { CODEX_REMOTE_CONFIG_DIR: dir };
    expect(loadSettings({}, env)).toMatchObject({ controlGrant: "never", mirrorBytesPerSecond: 0 });
    expect(loadSettings({ controlGrant: "auto", mirrorBytesPerSecond: 65536 }, env)).toMatchObject({
      controlGrant: "auto",
      mirrorBytesPerSecond: 65536,
    });
    writeFileSync(join(dir, "config.toml"), '[control]\ngrant = "sometimes"\n');
    expect(() => loadSettings({}, env)).toThrow(/control\.grant/);
  });

  it("validates the relay URL from the environment", () => {
    expect(() => loadSettings({}, { CODEX_REMOTE_CONFIG_DIR: tempConfigDir(), CODEX_REMOTE_RELAY: "ftp://x" })).toThrow(
      /CODEX_REMOTE_RELAY/,
    );
  });
});
