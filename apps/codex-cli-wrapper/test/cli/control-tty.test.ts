import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as NodePty from "node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, linkIn, plain, runCli, tempConfigDir, untilOutput as until } from "../helpers/cli.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

const pty = createRequire(import.meta.url)("node-pty") as typeof NodePty;

/** The real `codex-remote` CLI deciding a phone's control request, with and without a terminal. */
describe("codex-remote (demo agent) and a phone asking for control", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("in a terminal: the question shows on the laptop and 'y' grants control", async () => {
    const configDir = tempConfigDir();
    const cwd = mkdtempSync(join(tmpdir(), "cr-tty-"));
    const env = { ...process.env, CODEX_REMOTE_CONFIG_DIR: configDir, NO_COLOR: "1" } as Record<string, string>;
    delete env.CODEX_REMOTE_RELAY;
    const term = pty.spawn(process.execPath, [BIN, "--agent", "demo", "--relay", relay.url, "--cwd", cwd], {
      cols: 200,
      rows: 60,
      cwd,
      env,
    });
    let out = "";
    term.onData((d) => {
      out += d;
    });
    const exited = new Promise<number>((r) => term.onExit((e) => r(e.exitCode)));
    const phone = new ScriptedPhone("tty-phone");
    try {
      await until(
        () => linkIn(out) !== undefined,
        "pairing link",
        () => out,
      );
      await phone.pair(linkIn(out)!);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
      await phone.requestControl();
      await until(
        () => plain(out).includes("asks for control: allow? [y/N]"),
        "question on the laptop",
        () => out,
      );
      expect(phone.frames.some((f) => f.type === "control_grant")).toBe(false);
      term.write("y\r");
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "control_grant" && f.deviceId === phone.deviceId),
        10_000,
        "control_grant",
      );
      await until(
        () => plain(out).includes("is in control"),
        "laptop says the phone is in control",
        () => out,
      );
      term.write("\x04"); // Ctrl-D: quit
      expect(await exited).toBe(0);
    } finally {
      phone.close();
      try {
        term.kill();
      } catch {
        // already gone
      }
    }
  }, 60_000);

  it("without a terminal: refused, the phone is told why", async () => {
    const configDir = tempConfigDir();
    const cwd = mkdtempSync(join(tmpdir(), "cr-notty-"));
    const phone = new ScriptedPhone("pipe-phone");
    let link: string | undefined;
    let stderr = "";
    // stdin stays open until the phone has its answer; the session then ends with stdin.
    const { spawn } = await import("node:child_process");
    const env = { ...process.env, CODEX_REMOTE_CONFIG_DIR: configDir } as Record<string, string>;
    delete env.CODEX_REMOTE_RELAY;
    const child = spawn(process.execPath, [BIN, "--agent", "demo", "--relay", relay.url, "--cwd", cwd], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      link ??= linkIn(stderr);
    });
    child.stdout.on("data", (d: Buffer) => {
      link ??= linkIn(d.toString());
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    try {
      await until(
        () => link !== undefined,
        "pairing link",
        () => stderr,
      );
      await phone.pair(link!);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
      await phone.requestControl();
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "CONTROL_REFUSED"),
        10_000,
        "CONTROL_REFUSED",
      );
      const err = phone.frames.find((f) => f.type === "error" && f.code === "CONTROL_REFUSED");
      expect(err?.type === "error" && err.message).toContain("no terminal");
      expect(phone.frames.some((f) => f.type === "control_grant")).toBe(false);
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(stderr).toContain("refused");
    } finally {
      phone.close();
      child.kill("SIGKILL");
    }
  }, 60_000);

  it("--help documents --control and --mirror-bytes-per-second", async () => {
    const r = await runCli(["--help"], { configDir: tempConfigDir() });
    expect(r.stdout).toContain("--control G");
    expect(r.stdout).toContain("--mirror-bytes-per-second");
  });
});
