/**
 * `pnpm --filter @codex-remote/codex-sync-server bench:cpu`
 *
 * What each server costs per frame below saturation, apart from how two shared cores are split at
 * full speed: each server (its own process) first gets the throughput bench's long warm-up (one
 * room's log filled to the default retention bound), then the load generator sends at a fixed rate
 * for a few seconds, to a new room of a new pair of connections, and the server's own CPU time
 * (user + system, all its threads) is divided by the frames.
 * Median of three rounds per server, interleaved, with the ratio to the baseline.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RelayConfig } from "../src/config.ts";

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const execArgv = ["--conditions=@codex-remote/source", "--expose-gc", "--no-warnings"];
const benchDir = mkdtempSync(join(tmpdir(), "relay-cpu-bench-"));
process.env.BENCH_DIR = benchDir;
process.on("exit", () => rmSync(benchDir, { recursive: true, force: true }));

type Json = Record<string, unknown>;
function call(proc: ChildProcess, msg: Json, key: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    const on = (m: Json) => {
      if ("error" in m) {
        proc.off("message", on);
        reject(new Error(String(m.error)));
      } else if (key in m) {
        proc.off("message", on);
        resolve(m);
      }
    };
    proc.on("message", on);
    proc.send(msg);
  });
}
const waitFor = (proc: ChildProcess, key: string) =>
  new Promise<Json>((resolve) => proc.on("message", (m: Json) => key in m && resolve(m)));

const KINDS = ["baseline", "memory", "sqlite"] as const;
const CASES = [
  { size: 256, rate: 100_000 },
  { size: 16 * 1024, rate: 15_000 },
];
const SECONDS = 2;
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function cpuPerFrame(load: ChildProcess, kind: string, size: number, rate: number): Promise<number> {
  const server = fork(here("./server-process.ts"), [kind], {
    execArgv: [...execArgv, "--max-semi-space-size=4"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const started = await waitFor(server, "url");
  const url = String(started.url);
  const defaults = RelayConfig.parse({});
  const warm = Math.ceil(Math.min(defaults.retentionFrames, defaults.retentionBytes / size) * 1.05);
  await call(
    load,
    { cmd: "throughput", kind, url, size, n: 20_000, windowBytes: 1 << 20, warm, freshRoom: false },
    "result",
  );
  const c0 = (await call(server, { cmd: "cpu" }, "mem")).mem as NodeJS.CpuUsage;
  await call(load, { cmd: "latency", kind, url, rate, seconds: SECONDS, size }, "result");
  const c1 = (await call(server, { cmd: "cpu" }, "mem")).mem as NodeJS.CpuUsage;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGKILL");
  await exited;
  if (typeof started.dir === "string") rmSync(started.dir, { recursive: true, force: true });
  return (c1.user + c1.system - c0.user - c0.system) / (rate * SECONDS);
}

async function main() {
  const load = fork(here("./load.ts"), [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await waitFor(load, "ready");
  console.log(
    `codex-sync-server CPU per frame at a fixed rate (node ${process.version}; median of ${ROUNDS} rounds)\n`,
  );
  console.log("size     rate/s    server     µs/frame   vs baseline");
  for (const { size, rate } of CASES) {
    const runs: Record<string, number[]> = { baseline: [], memory: [], sqlite: [] };
    for (let r = 0; r < ROUNDS; r++)
      for (const kind of KINDS) runs[kind]!.push(await cpuPerFrame(load, kind, size, rate));
    const base = median(runs.baseline!);
    for (const kind of KINDS) {
      const us = median(runs[kind]!);
      const vs = kind === "baseline" ? "—" : `${(us / base).toFixed(2)}x`;
      console.log(
        `${String(size).padEnd(8)} ${String(rate).padStart(7)}   ${kind.padEnd(9)} ${us.toFixed(2).padStart(9)}   ${vs}`,
      );
    }
  }
  load.kill("SIGKILL");
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
