/**
 * A server under test, in its own process (forked by relay.bench.ts with IPC):
 *   baseline — a bare `ws` forwarder: every binary message goes to the other sockets of its room;
 *   memory / sqlite — the relay (startRelay) with that store.
 * IPC: {cmd:"mem"} → gc, then {mem: process.memoryUsage()}; {cmd:"exit"} → its files removed, then exit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { type WebSocket, WebSocketServer } from "ws";
import { startRelay } from "../src/server.ts";

const kind = process.argv[2] ?? "baseline";

async function baseline(): Promise<string> {
  const rooms = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: false,
    maxPayload: 2 * 1024 * 1024,
  });
  wss.on("connection", (ws, req) => {
    const room = new URL(req.url ?? "/", "http://x").searchParams.get("room") ?? "default";
    let set = rooms.get(room);
    if (!set) {
      set = new Set();
      rooms.set(room, set);
    }
    set.add(ws);
    const peers = set;
    ws.on("message", (data, isBinary) => {
      for (const p of peers) if (p !== ws) p.send(data, { binary: isBinary });
    });
    ws.on("close", () => peers.delete(ws));
  });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const addr = wss.address();
  return `ws://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
}

async function main() {
  let url: string;
  let dir: string | undefined;
  if (kind === "baseline") url = await baseline();
  else {
    dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), "relay-bench-"));
    const relay = await startRelay({
      store: kind === "sqlite" ? "sqlite" : "memory",
      sqlitePath: join(dir, "bench.sqlite"),
      port: 0,
      logLevel: "warn",
      rateMessagesPerSec: 10_000_000,
      rateBytesPerSec: 2 ** 40,
      maxConnectionsPerDevice: 100_000,
      maxRoomsPerDevice: 100_000,
      maxBufferedBytes: 64 * 1024 * 1024,
    });
    url = relay.url;
  }
  // major (mark-compact) GCs so far: a relay that keeps too much alive shows here first
  let majorGcs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
    }
  }).observe({ entryTypes: ["gc"] });
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "exit") {
      // the relay's files (hundreds of MB after a 16 KiB run) must not outlive it: left behind, their
      // dirty pages are written back during later runs and slow them
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
    if (m.cmd === "cpu") {
      // CPU time; page faults that gave the process memory it had not touched yet (minor ones: no
      // disk read; on this project's VMs each costs microseconds); how often it went to sleep
      // waiting for input (voluntary context switches); major GCs
      const usage = process.resourceUsage();
      process.send?.({
        mem: {
          ...process.cpuUsage(),
          faults: usage.minorPageFault,
          sleeps: usage.voluntaryContextSwitches,
          majorGcs,
        },
      });
      return;
    }
    if (m.cmd === "snapshot") {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ mem: { file: writeHeapSnapshot() } });
      return;
    }
    if (m.cmd === "mem") {
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ mem: { ...process.memoryUsage(), spaces: getHeapSpaceStatistics() } });
    }
  });
  process.send?.({ url, dir });
}

void main();
