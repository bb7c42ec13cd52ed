import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RELAY_LOCK_FILE } from "../../src/session/relay-lock.ts";
import { BIN, linkIn, tempConfigDir, untilOutput as until } from "../helpers/cli.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

interface Session {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<number | null>;
}

function session(configDir: string, relayUrl: string): Session {
  const env = { ...process.env, CODEX_REMOTE_CONFIG_DIR: configDir } as Record<string, string>;
  delete env.CODEX_REMOTE_RELAY;
  const cwd = mkdtempSync(join(tmpdir(), "cr-one-"));
  const child = spawn(process.execPath, [BIN, "--agent", "demo", "--relay", relayUrl, "--cwd", cwd], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  child.stdout.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return { child, stderr: () => err, exited: new Promise((r) => child.on("exit", (c) => r(c))) };
}

/** Two interactive sessions on one laptop: the second stays local instead of clashing in the room. */
describe("codex-remote: one session per laptop in the relay room", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("a second session says which one holds the room, runs locally, and leaves the first one's phone alone", async () => {
    const configDir = tempConfigDir();
    const phone = new ScriptedPhone("one-phone");
    const a = session(configDir, relay.url);
    let b: Session | undefined;
    let c: Session | undefined;
    try {
      await until(() => linkIn(a.stderr()) !== undefined, "pairing link", a.stderr);
      await phone.pair(linkIn(a.stderr())!);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
      expect(existsSync(join(configDir, RELAY_LOCK_FILE))).toBe(true);

      b = session(configDir, relay.url);
      await until(() => b!.stderr().includes("this one stays local"), "the second session's notice", b.stderr);
      // the pid of the first session's process (the launcher runs the CLI in a child process)
      const holder = Number(/another codex-remote session \(pid (\d+)\)/.exec(b.stderr())?.[1]);
      expect(JSON.parse(readFileSync(join(configDir, RELAY_LOCK_FILE), "utf8")).pid).toBe(holder);
      b.child.stdin.end();
      expect(await b.exited).toBe(0);
      // the lock is still the first session's
      expect(existsSync(join(configDir, RELAY_LOCK_FILE))).toBe(true);

      // the first session still owns its phone: one session_open, and it still answers it
      expect(phone.frames.filter((f) => f.type === "session_open").length).toBe(1);
      await phone.requestControl();
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "CONTROL_REFUSED"),
        10_000,
        "the first session's answer",
      );

      a.child.stdin.end();
      expect(await a.exited).toBe(0);
      expect(existsSync(join(configDir, RELAY_LOCK_FILE))).toBe(false);

      // with the first one gone, the next session takes the room
      c = session(configDir, relay.url);
      await until(() => existsSync(join(configDir, RELAY_LOCK_FILE)), "the next session's lock", c.stderr);
      // the paired phone's session handshake (no QR) reaches the next session: it answers with welcome
      await phone.reconnect();
      expect(c.stderr()).not.toContain("stays local");
      c.child.stdin.end();
      expect(await c.exited).toBe(0);
    } finally {
      phone.close();
      for (const s of [a, b, c]) s?.child.kill("SIGKILL");
    }
  }, 90_000);
});
