import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, tempConfigDir } from "../helpers/cli.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";
import { say } from "../helpers/voice.ts";

const linkIn = (s: string) => /(codex-remote:\/\/pair\?\S+#s=\S+|https?:\/\/\S+#s=\S+)/.exec(s)?.[1];

/** The real `codex-remote` process with its default (offline) voice: a phone talks to the demo agent. */
describe("codex-remote voice, end to end through the CLI", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("control.grant = auto from config.toml; a spoken 'run the tests' reaches the agent and audio comes back", async () => {
    const configDir = tempConfigDir();
    writeFileSync(join(configDir, "config.toml"), '[control]\ngrant = "auto"\n');
    const cwd = mkdtempSync(join(tmpdir(), "cr-voice-cli-"));
    const env = { ...process.env, CODEX_REMOTE_CONFIG_DIR: configDir } as Record<string, string>;
    delete env.CODEX_REMOTE_RELAY;
    const child = spawn(process.execPath, [BIN, "--agent", "demo", "--relay", relay.url, "--cwd", cwd], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    const phone = new ScriptedPhone("cli-voice");
    try {
      const end = Date.now() + 20_000;
      while (!linkIn(stderr + stdout)) {
        if (Date.now() > end) throw new Error(`no pairing link:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await phone.pair(linkIn(stderr + stdout)!);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
      await phone.requestControl();
      await phone.waitFor(() => phone.frames.some((f) => f.type === "control_grant"), 10_000, "control_grant");
      await say(phone, "run the tests", { seq: 0 });
      const prompt = await phone.waitForEvent("user_message");
      expect(prompt).toMatchObject({ text: "run the tests", source: "voice" });
      await phone.waitFor(() => phone.audio.length >= 25, 30_000, "reply audio");
      expect(phone.audio.every((f) => f.codec === "opus")).toBe(true);
      expect(stderr).toContain('voice: heard "run the tests"');
      phone.sendFrame({ type: "stop_stream", sessionId: phone.sessionId(), streamId: 2, reason: "cancelled" });
      phone.slash("interrupt");
      child.stdin.end();
      expect(await exited).toBe(0);
    } finally {
      phone.close();
      child.kill("SIGKILL");
    }
  }, 90_000);
});
