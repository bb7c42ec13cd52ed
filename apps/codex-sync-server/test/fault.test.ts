import { type ChildProcess, spawn } from "node:child_process";

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Relay } from "../src/server.ts";
import { indexOf, pairedSetup, relay, tempDir, until } from "./helpers.ts";
import { freePort } from "./redis-server.ts";

const BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

/** The relay as its own process (the real bin), so it can be killed with SIGKILL. */
async function spawnRelay(args: string[]): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ["--conditions=@codex-remote/source", BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CODEX_RELAY_LOG_LEVEL: "warn" },
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("relay did not start")), 60_000);
    proc.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("relay listening")) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once("exit", (code) => reject(new Error(`relay exited ${code}`)));
  });
  return proc;
}

const relays: Relay[] = [];
const procs: ChildProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill("SIGKILL");
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

describe("fault tests", () => {
  it("kill -9 mid 10k-frame stream with the SQLite store: every frame arrives once, in order (small frames in rows, large ones in segment files)", async () => {
    const dir = tempDir("relay-kill-");
    const port = await freePort();
    const args = ["--store", "sqlite", "--sqlite-path", join(dir, "relay.sqlite"), "--port", String(port)];
    procs.push(await spawnRelay(args));
    const url = `ws://127.0.0.1:${port}/v1/relay`;
    const { host, phone, room } = await pairedSetup(url);
    const got: number[] = [];
    let intact = true;
    phone.on("frame", (f) => {
      const i = indexOf(f.payload);
      if (f.payload.length !== (i % 3 === 0 ? 4096 : 4) || (i % 3 === 0 && f.payload[4095] !== (i & 0xff)))
        intact = false;
      got.push(i);
    });
    let confirmedBeforeKill = 0;
    let killed = false;
    const N = 10_000;
    for (let i = 0; i < N; i++) {
      while (host.outboxSize >= 500) await new Promise((r) => setTimeout(r, 2));
      // every third frame is 4 KiB, which the store keeps in a segment file; its last byte checks it
      const p = new Uint8Array(i % 3 === 0 ? 4096 : 4);
      new DataView(p.buffer).setUint32(0, i);
      if (p.length > 4) p[p.length - 1] = i & 0xff;
      host.send(room, "output", p);
      if (i === 4000 && !killed) {
        killed = true;
        confirmedBeforeKill = i + 1 - host.outboxSize;
        procs[0]!.kill("SIGKILL");
        await new Promise((r) => procs[0]!.once("exit", r));
        procs.push(await spawnRelay(args));
      }
    }
    await host.flushed();
    await until(() => got.length >= N, 60_000, `${N} frames (have ${got.length})`);
    await new Promise((r) => setTimeout(r, 200));
    expect(confirmedBeforeKill).toBeGreaterThan(1000);
    expect(got.length).toBe(N);
    expect(got.every((v, i) => v === i)).toBe(true);
    expect(intact).toBe(true);
    host.close();
    phone.close();
  }, 180_000);

  it("100 cycles of random disconnects of both ends: no loss, no duplicates", async () => {
    const r = await relay({ store: "memory" });
    relays.push(r);
    const { host, phone, room } = await pairedSetup(r.url);
    const got: number[] = [];
    phone.on("frame", (f) => got.push(indexOf(f.payload)));
    let sent = 0;
    let stop = false;
    const producer = (async () => {
      while (!stop) {
        if (host.outboxSize < 300) {
          for (let k = 0; k < 20; k++)
            host.send(room, "output", new Uint8Array(new Uint32Array([sent++]).buffer).reverse());
        }
        await new Promise((res) => setTimeout(res, 1));
      }
    })();
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let cycle = 0; cycle < 100; cycle++) {
      const which = rand();
      if (which < 0.4) host.dropConnection();
      else if (which < 0.8) phone.dropConnection();
      else {
        host.dropConnection();
        phone.dropConnection();
      }
      await new Promise((res) => setTimeout(res, 5 + rand() * 40));
    }
    stop = true;
    await producer;
    await host.flushed();
    await until(() => got.length >= sent, 30_000, `all ${sent} frames (have ${got.length})`);
    await new Promise((res) => setTimeout(res, 200));
    expect(sent).toBeGreaterThan(1000);
    expect(got.length).toBe(sent);
    expect(got.every((v, i) => v === i)).toBe(true);
    // and the relay's log holds each frame once
    const log = await r.store.read(room, 1, sent + 10);
    expect(log.length).toBe(sent);
    expect(log.map((f) => indexOf(f.payload)).every((v, i) => v === i)).toBe(true);
    host.close();
    phone.close();
  }, 120_000);
});
