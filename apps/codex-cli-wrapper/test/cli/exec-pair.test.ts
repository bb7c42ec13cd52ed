import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentEvent } from "@codex-remote/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, tempConfigDir } from "../helpers/cli.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

describe("codex-remote exec", () => {
  it("prints the demo agent's turn as normalized AgentEvent JSONL and exits 0", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cr-exec-"));
    const r = await runCli(["exec", "--agent", "demo", "--json", "--approve", "always", "--cwd", cwd, "write a note"], {
      configDir: tempConfigDir(),
    });
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => AgentEvent.parse(JSON.parse(l)));
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe("session_started");
    expect(kinds).toContain("text_delta");
    expect(kinds).toContain("approval_requested");
    expect(events.filter((e) => e.kind === "approval_resolved").every((e) => e.by === "policy")).toBe(true);
    expect(kinds.at(-1)).toBe("turn_completed");
    expect(readFileSync(join(cwd, "codex-remote-demo.txt"), "utf8")).toContain("write a note");
  });

  it("declines by default without a terminal and says nothing was auto-approved", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cr-exec-"));
    const r = await runCli(["exec", "--agent", "demo", "--json", "--cwd", cwd, "try"], { configDir: tempConfigDir() });
    const resolved = r.stdout
      .trim()
      .split("\n")
      .map((l) => AgentEvent.parse(JSON.parse(l)))
      .filter((e) => e.kind === "approval_resolved");
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((e) => e.decision === "decline")).toBe(true);
  });

  it("needs a prompt", async () => {
    const r = await runCli(["exec", "--agent", "demo", "--json"], { configDir: tempConfigDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[CLI_USAGE]");
  }, 90_000);
});

describe("codex-remote pair / devices revoke against a real relay process", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("prints a QR code and link, pairs a phone, lists it, and revokes it at the relay", async () => {
    const configDir = tempConfigDir();
    const child = spawn(process.execPath, [BIN, "pair", "--relay", relay.url, "--timeout", "30"], {
      env: { ...process.env, CODEX_REMOTE_CONFIG_DIR: configDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    const phone = new ScriptedPhone("cli-phone");
    try {
      const end = Date.now() + 15_000;
      while (!/#s=\S+/.test(out)) {
        if (Date.now() > end) throw new Error(`no link: ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(out).toContain("▄"); // the QR code, drawn with block characters
      const link = /(\S+#s=\S+)/.exec(out)![1]!;
      await phone.pair(link);
      expect(await exited).toBe(0);
      expect(out).toContain(`Both screens should show: ${phone.sas}`);

      const list = await runCli(["devices", "--json"], { configDir });
      expect((JSON.parse(list.stdout) as { id: string; name: string }[]).map((d) => [d.id, d.name])).toEqual([
        [phone.deviceId, "cli-phone"],
      ]);
      const revoke = await runCli(["devices", "revoke", "--relay", relay.url, "--", phone.deviceId.slice(0, 10)], {
        configDir,
      });
      expect(revoke.code).toBe(0);
      expect(revoke.stdout + revoke.stderr, revoke.stdout + revoke.stderr).toContain("the relay cut its connections");
      await phone.waitFor(() => phone.relayErrors.includes("device_revoked"), 5000, "device_revoked");
    } finally {
      phone.close();
      if (child.exitCode === null) child.kill();
    }
  }, 90_000);

  it("doctor reports the relay reachable and the key file 600", async () => {
    const configDir = tempConfigDir();
    const { openLaptopKeys } = await import("../../src/keys/identity.ts");
    openLaptopKeys(configDir);
    const r = await runCli(["doctor", "--json", "--relay", relay.url], { configDir, env: { PATH: "/usr/bin:/bin" } });
    const checks = JSON.parse(r.stdout) as { name: string; level: string; detail: string }[];
    expect(checks.find((c) => c.name === "relay")?.level).toBe("ok");
    expect(checks.find((c) => c.name === "keys")?.detail).toContain("mode 600");
    expect(checks.find((c) => c.name === "clock")?.level).toBe("ok");
    expect(checks.find((c) => c.name === "codex")?.level).toBe("warn");
    expect(checks.find((c) => c.name === "websocket")).toMatchObject({ level: "ok" });
    expect(checks.find((c) => c.name === "websocket")?.detail).toContain("relay challenge");
    expect(r.code).toBe(0);
  }, 90_000);

  it("doctor tells a proxy that answers HTTP but drops the WebSocket upgrade", async () => {
    // what a reverse proxy without the Upgrade/Connection headers looks like from outside
    const { createServer } = await import("node:http");
    const proxy = createServer((req, res) => {
      if (req.url?.endsWith("/healthz")) res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      else res.writeHead(404).end();
    });
    proxy.on("upgrade", (_req, socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const url = `ws://127.0.0.1:${(proxy.address() as { port: number }).port}/v1/relay`;
      const r = await runCli(["doctor", "--json", "--relay", url], {
        configDir: tempConfigDir(),
        env: { PATH: "/usr/bin:/bin" },
      });
      const checks = JSON.parse(r.stdout) as { name: string; level: string; detail: string }[];
      expect(checks.find((c) => c.name === "relay")?.level).toBe("ok");
      expect(checks.find((c) => c.name === "websocket")).toMatchObject({ level: "fail" });
      expect(checks.find((c) => c.name === "websocket")?.detail).toContain("Upgrade and Connection headers");
      expect(r.code).not.toBe(0);
    } finally {
      proxy.close();
    }
  }, 60_000);
});
