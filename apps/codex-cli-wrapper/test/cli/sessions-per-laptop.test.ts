import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slotLockFile } from "../../src/session/relay-lock.ts";
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

/** Two interactive sessions on one laptop: each in the room of its own slot, both on the paired phone. */
describe("codex-remote: several sessions per laptop, each in a relay room of its own", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("a second session takes the next slot, the phone follows it, and its slot is free again once it ends", async () => {
    const configDir = tempConfigDir();
    const phone = new ScriptedPhone("one-phone");
    const phones = [phone];
    const a = session(configDir, relay.url);
    let b: Session | undefined;
    let c: Session | undefined;
    try {
      await until(() => linkIn(a.stderr()) !== undefined, "pairing link", a.stderr);
      await phone.pair(linkIn(a.stderr())!);
      await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
      expect(existsSync(join(configDir, slotLockFile(1)))).toBe(true);

      b = session(configDir, relay.url);
      await until(() => b!.stderr().includes("session 2 on this laptop"), "the second session's notice", b.stderr);
      expect(b.stderr()).not.toContain("stays local");
      const lock2 = join(configDir, slotLockFile(2));
      await until(() => existsSync(lock2), "the second slot's lock", b.stderr);
      expect(JSON.parse(readFileSync(lock2, "utf8")).pid).not.toBe(
        JSON.parse(readFileSync(join(configDir, slotLockFile(1)), "utf8")).pid,
      );

      // the phone is admitted to the second session's room and finds it there with its stored keys
      const second = `${phone.room}-2`;
      for (let tries = 0; ; tries++) {
        const listed = (await phone.client!.listRooms()).map((r) => r.room);
        if (listed.includes(second)) break;
        if (tries > 200) throw new Error(`the phone was not admitted to ${second}: ${listed.join(", ")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const inB = await ScriptedPhone.follow(phone, second);
      phones.push(inB);
      await inB.waitFor(() => inB.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
      expect(inB.sessionId()).not.toBe(phone.sessionId());
      // the first session still owns its room: one session_open there, and it still answers the phone
      expect(phone.frames.filter((f) => f.type === "session_open").length).toBe(1);
      await phone.requestControl();
      await phone.waitFor(
        () => phone.frames.some((f) => f.type === "error" && f.code === "CONTROL_REFUSED"),
        10_000,
        "the first session's answer",
      );

      b.child.stdin.end();
      expect(await b.exited).toBe(0);
      expect(existsSync(lock2)).toBe(false);
      expect(existsSync(join(configDir, slotLockFile(1)))).toBe(true);

      // with the second one gone, the next session takes its slot (and room) again
      c = session(configDir, relay.url);
      await until(() => c!.stderr().includes("session 2 on this laptop"), "the next session's notice", c.stderr);
      await inB.reconnect();
      await inB.waitFor(
        () => inB.frames.filter((f) => f.type === "session_open").length >= 2,
        10_000,
        "the next session's session_open",
      );
      c.child.stdin.end();
      expect(await c.exited).toBe(0);
      a.child.stdin.end();
      expect(await a.exited).toBe(0);
      expect(existsSync(join(configDir, slotLockFile(1)))).toBe(false);
    } finally {
      for (const p of phones) p.close();
      for (const s of [a, b, c]) s?.child.kill("SIGKILL");
    }
  }, 90_000);

  it("`codex-remote pair` while a session runs pairs in a free slot's room; the new phone finds the running session", async () => {
    const configDir = tempConfigDir();
    const a = session(configDir, relay.url);
    const phones: ScriptedPhone[] = [];
    let pair: ChildProcessWithoutNullStreams | undefined;
    try {
      await until(() => existsSync(join(configDir, slotLockFile(1))), "the session's slot", a.stderr);
      const env = { ...process.env, CODEX_REMOTE_CONFIG_DIR: configDir } as Record<string, string>;
      pair = spawn(process.execPath, [BIN, "pair", "--relay", relay.url, "--timeout", "30"], { env });
      let out = "";
      pair.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      pair.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const exited = new Promise<number | null>((r) => pair!.on("exit", r));
      await until(
        () => /#s=\S+/.test(out),
        "the pair command's link",
        () => out,
      );
      const phone = new ScriptedPhone("late-phone");
      phones.push(phone);
      await phone.pair(/(\S+#s=\S+)/.exec(out)![1]!);
      expect(await exited).toBe(0);
      expect(phone.room).toMatch(/-2$/); // slot 1 is the running session's
      const first = phone.room.replace(/-2$/, "");
      for (let tries = 0; ; tries++) {
        const listed = (await phone.client!.listRooms()).map((r) => r.room);
        if (listed.includes(first)) break;
        if (tries > 200) throw new Error(`the phone was not admitted to ${first}: ${listed.join(", ")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const inA = await ScriptedPhone.follow(phone, first);
      phones.push(inA);
      await inA.waitFor(() => inA.frames.some((f) => f.type === "session_open"), 10_000, "the running session");
      a.child.stdin.end();
      expect(await a.exited).toBe(0);
    } finally {
      for (const p of phones) p.close();
      pair?.kill();
      a.child.kill("SIGKILL");
    }
  }, 60_000);
});
