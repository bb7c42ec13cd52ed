/**
 * `pnpm --filter @codex-remote/codex-sync-server bench`
 *
 * One run, three servers, each in its own process, driven by a load generator in another process:
 *   baseline — a bare `ws` forwarder (no auth, no log, no ordering guarantees);
 *   memory   — the relay with the memory store;
 *   sqlite   — the relay with the embedded SQLite store (the default).
 * All three (and the load generator) use the same `ws`, with bufferutil (native masking), as the
 * relay ships.
 * Prints throughput (frames/s, MB/s at 256 B and 16 KiB) with ratios to the baseline, both from a
 * nearly empty log and with the log at its retention bound (steady state), for a sender that writes
 * each frame on its own and for one that writes bursts, with each side's CPU per frame and the ratio
 * of what a frame costs the whole machine (server + load generator); added latency
 * p50/p99 at a fixed 1,000 frames/s; and memory per idle connection at 1k and 5k connections.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RelayConfig } from "../src/config.ts";

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const execArgv = ["--conditions=@codex-remote/source", "--expose-gc", "--no-warnings"];
// the servers run with the Node flags the relay is launched with (bin.ts, Dockerfile, systemd unit):
// a 4 MiB young generation instead of V8's default of up to 16 MiB per semi-space, which otherwise
// shows up as ~20 MiB of RSS the first time a busy relay fills it (same throughput either way)
const serverExecArgv = [...execArgv, "--max-semi-space-size=4"];
const quick = process.argv.includes("--quick");
// the SQLite files of the runs; removed at the end
const benchDir = mkdtempSync(join(tmpdir(), "relay-bench-run-"));
process.env.BENCH_DIR = benchDir;
process.on("exit", () => rmSync(benchDir, { recursive: true, force: true }));

type Json = Record<string, unknown>;

function call(proc: ChildProcess, msg: Json): Promise<Json> {
  return new Promise((resolve, reject) => {
    const on = (m: Json) => {
      if ("result" in m || "error" in m || "mem" in m) {
        proc.off("message", on);
        if ("error" in m) reject(new Error(String(m.error)));
        else resolve(m);
      }
    };
    proc.on("message", on);
    proc.send(msg);
  });
}

function first(proc: ChildProcess, key: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    const on = (m: Json) => {
      if (key in m) {
        proc.off("message", on);
        resolve(m);
      }
    };
    proc.on("message", on);
    proc.once("exit", (c) => reject(new Error(`process exited ${c}`)));
  });
}

interface Server {
  proc: ChildProcess;
  url: string;
  /** the relay's SQLite file and segments, removed when it stops */
  dir?: string;
}

async function server(kind: string): Promise<Server> {
  const proc = fork(here("./server-process.ts"), [kind], {
    execArgv: serverExecArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const m = await first(proc, "url");
  return typeof m.dir === "string" ? { proc, url: String(m.url), dir: m.dir } : { proc, url: String(m.url) };
}

// Each run's files go as soon as it ends: left in place, the next run's writes land on memory pages
// the VM has never touched, which costs several times a write into reused page cache (213 MB of 16 KiB
// writes: ~0.45 GB/s vs ~3.5 GB/s after removing the previous file, measured with dd).
async function stop(s: Server) {
  if (s.proc.exitCode === null) {
    const exited = new Promise((r) => s.proc.once("exit", r));
    s.proc.kill("SIGKILL");
    await exited;
  }
  if (s.dir) rmSync(s.dir, { recursive: true, force: true });
}

/** The kernel's TCP congestion control for new connections (Linux), or "unknown". */
function congestionControl(): string {
  try {
    return readFileSync("/proc/sys/net/ipv4/tcp_congestion_control", "utf8").trim();
  } catch {
    return "unknown";
  }
}

/** Page cache waiting to be written back (Linux; NaN elsewhere), in MiB. */
function dirtyMiB(): number {
  try {
    const kb = /^Dirty:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** TCP segments this machine has sent (Linux; NaN elsewhere): loopback traffic counts each once. */
function tcpSegmentsOut(): number {
  try {
    const [names, values] = readFileSync("/proc/net/snmp", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("Tcp:"))
      .map((l) => l.split(/\s+/));
    return Number(values?.[names?.indexOf("OutSegs") ?? -1]);
  } catch {
    return Number.NaN;
  }
}

const KINDS = ["baseline", "memory", "sqlite"] as const;
/** Issue 4's targets: throughput as a share of the baseline's, added p99 latency, RSS per idle connection. */
const TARGET = { memory: 0.85, sqlite: 0.7, addedP99Ms: 2, idleKiB: 30 } as const;
const mark = (ok: boolean) => (ok ? "✓" : "✗");
const pct = (r: number) => `${Math.round(r * 100)}%`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianBy = <T>(xs: T[], key: (x: T) => number): T =>
  [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;
const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  /** Cells that miss a target, for the summary at the end. */
  const missed: string[] = [];
  const load = fork(here("./load.ts"), [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await first(load, "ready");
  console.log(`codex-sync-server bench (node ${process.version}, ${quick ? "quick" : "full"} run)`);
  // how the load generator's small writes merge into TCP segments depends on it (see segs/frame)
  console.log(`TCP congestion control: ${congestionControl()} (sysctl net.ipv4.tcp_congestion_control)`);
  // Other files' dirty pages would be written back while the runs go on, taking CPU and disk from
  // them: flushed first, so every run starts from a quiet page cache.
  const dirtyBefore = dirtyMiB();
  try {
    execFileSync("sync");
  } catch {
    // no sync(1) here: the line below shows what is left
  }
  console.log(
    `Dirty page cache: ${fmt(dirtyBefore)} MiB, ${fmt(dirtyMiB())} MiB after sync (written back before the runs)\n`,
  );

  // ---- throughput ----
  const throughputReps = quick ? 1 : 5;
  console.log(
    `Throughput, one sender → one receiver in one room (1 MiB in flight; ${throughputReps} interleaved rounds)`,
  );
  console.log("Frames/s and MB/s: the median round. vs baseline: the median of each round's ratio to the");
  console.log("baseline run right before it, with the lowest and highest round in brackets; ✓ or ✗: that median,");
  console.log(
    `unrounded, against the target (${pct(TARGET.memory)} of the baseline for the memory store, ${pct(TARGET.sqlite)} for SQLite).`,
  );
  console.log("Every server first gets the same untimed warm-up: enough frames to fill the relay's default");
  console.log("retention (100,000 frames or 256 MiB, whichever comes first). Then the timed frames go");
  console.log("  new room: to a second room, whose log starts empty: every timed frame is kept in memory");
  console.log("    (or page cache) the relay has never written before, as on a relay's first busy minutes;");
  console.log("  at bound: to the warmed room, whose log is full: every timed frame also trims one and");
  console.log("    reuses memory, as on a relay that has been running for a while (its steady state).");
  console.log("Two senders, each over both sizes and both logs:");
  console.log("  each frame: the load generator writes every frame on its own, as RelayClient.send does;");
  console.log("  bursts: each refill of the window leaves in one write (pipelining, as redis-benchmark -P).");
  console.log("CPU µs/frame: the server's (all its threads) and the load generator's (sender and receiver), over");
  console.log("the timed frames; a side whose CPU per frame times frames/s nears 1 second is what limits the run.");
  console.log("With one write per frame that is often the load generator; bursts leave the servers as the limit,");
  console.log("so those ratios compare the servers.");
  console.log("(kernel): the part of the server's CPU spent in the kernel (system time): its sockets and, for");
  console.log("SQLite, copying segment bytes into the page cache. Pages the VM has not used yet can cost the");
  console.log("kernel several times more to fill (perf: copy_folio_from_iter_atomic), from round to round.");
  console.log("CPU ratio: the baseline's CPU per frame (server + load generator) over this server's. On two cores");
  console.log("kept busy, throughput follows the CPU a frame costs the whole machine, so a ratio near this one");
  console.log("is what that cost allows; well below it, cores sat idle (scheduling), not the relay's work.");
  console.log("faults/frame: the server's minor page faults per timed frame, each a 4 KiB page of memory it had");
  console.log("not touched before (the memory store keeping 16 KiB frames in a new room takes 4 per frame).");
  console.log("Page-cache pages that SQLite's file writes take are not faults of the process: not counted.");
  console.log("sleeps/frame: how often the server ran out of input and slept (voluntary context switches).");
  console.log("segs/frame: TCP segments per timed frame on the machine (both directions, ACKs included; from");
  console.log("/proc/net/snmp). On loopback a segment's receive path runs in its sender's system call, so the");
  console.log("load generator's CPU per frame follows them. Its small writes merge into one segment only while");
  console.log("earlier ones still wait to be sent, which the congestion control's pacing and window decide.");
  console.log("major GCs/1k frames: the server's mark-compacts per 1,000 timed frames, in the round that had the");
  console.log("most (a storm in one slow round would not be the median's); a relay that keeps frames or their");
  console.log("buffers alive longer than a young-generation cycle pays for it here.");
  const defaults = RelayConfig.parse({});
  // Timed frames: a new room's must stay within the retention bound (100,000 frames; 16,384 of
  // 16 KiB fill 256 MiB). The room at its bound runs about a second per server; at 0.2–0.4 s, as
  // before, one hiccup of the machine moved a round's ratio by 20 points.
  const sizes = [
    { size: 256, nNew: quick ? 20_000 : 100_000, nBound: quick ? 20_000 : 300_000 },
    { size: 16 * 1024, nNew: quick ? 3_000 : 12_000, nBound: quick ? 3_000 : 48_000 },
  ];
  console.log("Timed frames (a new room's log must stay within the bound):");
  for (const { size, nNew, nBound } of sizes) {
    console.log(`  ${fmt(size)} B: ${fmt(nNew)} in a new room, ${fmt(nBound)} at the bound`);
  }
  type Throughput = {
    framesPerSec: number;
    mbPerSec: number;
    loadCpuUs: number;
    serverCpuUs: number;
    serverSysUs: number;
    serverFaults: number;
    serverSleeps: number;
    serverMajorGcs: number;
    segments: number;
  };
  type ServerCpu = NodeJS.CpuUsage & { faults: number; sleeps: number; majorGcs: number };
  const senders = [
    { sender: "each frame", burst: false },
    { sender: "bursts", burst: true },
  ];
  for (const { sender, burst } of senders) {
    console.log(`\nsender: ${sender}`);
    console.log(
      "size     log        server     frames/s      MB/s   vs baseline (range)   CPU ratio   CPU µs/frame: server (kernel)  load gen   faults/frame  sleeps/frame  segs/frame  major GCs/1k frames",
    );
    for (const { size, nNew, nBound } of sizes) {
      const toBound = Math.min(defaults.retentionFrames, Math.ceil(defaults.retentionBytes / size));
      // the same warm-up for both: in a room of its own for "new room", in the timed room for "at bound"
      const warm = quick ? 2000 : Math.ceil(toBound * 1.05);
      const states = [
        { state: "new room", freshRoom: true, n: nNew },
        { state: "at bound", freshRoom: false, n: nBound },
      ];
      for (const { state, freshRoom, n } of states) {
        // each round runs baseline, memory, sqlite back to back, so a change in the machine's speed
        // (this is a shared 2-core VM) hits a relay run and its baseline alike; ratios are per round
        const runs: Record<string, Throughput[]> = { baseline: [], memory: [], sqlite: [] };
        const ratios: Record<string, number[]> = { memory: [], sqlite: [] };
        for (let rep = 0; rep < throughputReps; rep++) {
          for (const kind of KINDS) {
            const s = await server(kind);
            // the server's CPU time over the timed frames only (the load generator says when they start)
            let cpuAtStart: Promise<Json> | undefined;
            let segmentsAtStart = 0;
            const onTimed = (m: Json) => {
              if (m.timed !== true) return;
              segmentsAtStart = tcpSegmentsOut();
              cpuAtStart = call(s.proc, { cmd: "cpu" });
            };
            load.on("message", onTimed);
            const r = (
              await call(load, {
                cmd: "throughput",
                kind,
                url: s.url,
                size,
                n,
                windowBytes: 1 << 20,
                warm,
                freshRoom,
                burst,
              })
            ).result as Throughput;
            load.off("message", onTimed);
            r.segments = (tcpSegmentsOut() - segmentsAtStart) / n;
            const c1 = (await call(s.proc, { cmd: "cpu" })).mem as ServerCpu;
            const c0 = (await cpuAtStart!).mem as ServerCpu;
            r.serverCpuUs = (c1.user + c1.system - c0.user - c0.system) / n;
            r.serverSysUs = (c1.system - c0.system) / n;
            r.serverFaults = (c1.faults - c0.faults) / n;
            r.serverSleeps = (c1.sleeps - c0.sleeps) / n;
            r.serverMajorGcs = ((c1.majorGcs - c0.majorGcs) * 1000) / n;
            await stop(s);
            runs[kind]!.push(r);
            if (kind !== "baseline") ratios[kind]!.push(r.framesPerSec / runs.baseline![rep]!.framesPerSec);
          }
        }
        // CPU per frame of the whole machine (server + load generator), median over the rounds
        const machineCpu = (kind: string) => median(runs[kind]!.map((r) => r.serverCpuUs + r.loadCpuUs));
        const mostMajorGcs = (kind: string) => Math.max(...runs[kind]!.map((r) => r.serverMajorGcs));
        for (const kind of KINDS) {
          const mid = medianBy(runs[kind]!, (r) => r.framesPerSec);
          const rs = ratios[kind];
          let vs = "—";
          if (rs && kind !== "baseline") {
            const ratio = median(rs);
            const ok = ratio >= TARGET[kind];
            if (!ok) missed.push(`${kind}, ${fmt(size)} B, ${state}, ${sender}: ${pct(ratio)} of the baseline`);
            vs = `${pct(ratio)} ${mark(ok)} (${pct(Math.min(...rs))}–${pct(Math.max(...rs))})`;
          }
          const cpuRatio = rs ? pct(machineCpu("baseline") / machineCpu(kind)) : "—";
          console.log(
            `${String(size).padEnd(8)} ${state.padEnd(10)} ${kind.padEnd(9)} ${fmt(mid.framesPerSec).padStart(10)} ${fmt(mid.mbPerSec, 1).padStart(9)}   ${vs.padEnd(20)}   ${cpuRatio.padStart(9)}   ${`${fmt(mid.serverCpuUs, 1)} (${fmt(mid.serverSysUs, 1)})`.padStart(27)} ${fmt(mid.loadCpuUs, 1).padStart(9)} ${fmt(mid.serverFaults, 2).padStart(14)} ${fmt(mid.serverSleeps, 3).padStart(13)} ${Number.isNaN(mid.segments) ? "—".padStart(11) : fmt(mid.segments, 2).padStart(11)} ${fmt(mostMajorGcs(kind), 2).padStart(20)}`,
          );
        }
      }
    }
  }

  // ---- latency ----
  const reps = quick ? 1 : 3;
  console.log("\nLatency at a fixed 1,000 frames/s (256 B, one-way, after 10% warm-up; median of rounds)");
  console.log("server     p50 ms   p99 ms   added p50   added p99");
  // interleaved rounds; the median round's p50 and p99 per server
  const rounds: Record<string, { p50: number; p99: number }[]> = { baseline: [], memory: [], sqlite: [] };
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of KINDS) {
      const s = await server(kind);
      const r = (await call(load, { cmd: "latency", kind, url: s.url, rate: 1000, seconds: quick ? 2 : 4, size: 256 }))
        .result as { p50: number; p99: number };
      await stop(s);
      rounds[kind]!.push(r);
    }
  }
  const lat: Record<string, { p50: number; p99: number }> = {};
  for (const kind of KINDS) {
    const r = { p50: median(rounds[kind]!.map((x) => x.p50)), p99: median(rounds[kind]!.map((x) => x.p99)) };
    lat[kind] = r;
    const b = lat.baseline!;
    const added = r.p99 - b.p99;
    const ok = added < TARGET.addedP99Ms;
    if (kind !== "baseline" && !ok) missed.push(`${kind}: added p99 ${fmt(added, 3)} ms`);
    console.log(
      `${kind.padEnd(9)} ${fmt(r.p50, 3).padStart(7)} ${fmt(r.p99, 3).padStart(8)}   ${kind === "baseline" ? "        —" : fmt(r.p50 - b.p50, 3).padStart(9)}   ${kind === "baseline" ? "        —" : `${fmt(added, 3).padStart(9)} ${mark(ok)}`}`,
    );
  }

  // ---- memory per idle connection ----
  // Marginal memory: (after N idle connections - before) / N, each after GC. "cold" measures from a
  // fresh server, so one-time costs (the first Ed25519 verify starting libuv's thread pool, JIT code,
  // heap pages) are spread over N; "warm" first opens and closes 200 connections so that `before`
  // already holds those one-time costs and only what each connection keeps is counted. Each line is
  // the median of a few fresh servers: the cold figure moved by a third between single runs.
  const memReps = quick ? 1 : 3;
  console.log(
    `\nMemory per idle connection (server RSS and JS heap growth after GC, authenticated for the relay; median of ${memReps} fresh server${memReps > 1 ? "s" : ""}, range in brackets)`,
  );
  console.log("server     conns  start   RSS KiB/conn (range)        heap KiB/conn");
  const memRuns = quick
    ? [
        { count: 1000, warm: 0 },
        { count: 1000, warm: 200 },
      ]
    : [
        { count: 1000, warm: 0 },
        { count: 1000, warm: 200 },
        { count: 5000, warm: 200 },
      ];
  for (const kind of ["baseline", "sqlite"] as const) {
    for (const { count, warm } of memRuns) {
      const rss: number[] = [];
      const heap: number[] = [];
      for (let rep = 0; rep < memReps; rep++) {
        const s = await server(kind);
        if (warm > 0) {
          await call(load, { cmd: "idle", kind, url: s.url, count: warm });
          await call(load, { cmd: "closeIdle" });
          await new Promise((r) => setTimeout(r, 500));
        }
        const before = (await call(s.proc, { cmd: "mem" })).mem as NodeJS.MemoryUsage;
        await call(load, { cmd: "idle", kind, url: s.url, count });
        await new Promise((r) => setTimeout(r, 1000));
        const after = (await call(s.proc, { cmd: "mem" })).mem as NodeJS.MemoryUsage;
        await call(load, { cmd: "closeIdle" });
        await stop(s);
        rss.push((after.rss - before.rss) / count / 1024);
        heap.push((after.heapUsed + after.external - before.heapUsed - before.external) / count / 1024);
      }
      const range = `(${fmt(Math.min(...rss), 1)}–${fmt(Math.max(...rss), 1)})`;
      const ok = median(rss) < TARGET.idleKiB;
      const start = warm > 0 ? "warm" : "cold";
      if (kind !== "baseline" && !ok)
        missed.push(`${kind}: ${fmt(median(rss), 1)} KiB per idle connection (${count}, ${start})`);
      console.log(
        `${kind.padEnd(9)} ${String(count).padStart(6)}  ${start.padEnd(5)} ${`${fmt(median(rss), 1)}${kind === "baseline" ? "  " : ` ${mark(ok)}`}`.padStart(12)} ${range.padEnd(14)} ${fmt(median(heap), 1).padStart(13)}`,
      );
    }
  }
  await stop({ proc: load, url: "" });
  console.log(
    `\nTargets (${pct(TARGET.memory)} / ${pct(TARGET.sqlite)} of the baseline's throughput, added p99 < ${TARGET.addedP99Ms} ms, < ${TARGET.idleKiB} KiB per idle connection): ${missed.length === 0 ? "all met" : `${missed.length} missed`}`,
  );
  for (const m of missed) console.log(`  ✗ ${m}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
