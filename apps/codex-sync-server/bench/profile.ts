// dev helper: node --conditions=@codex-remote/source bench/profile.ts <kind> <size> <n> [warm] → CPU profile of the
// server in /tmp/relay-prof. warm: untimed frames first, to the same room (the bench's "at bound" with 100000);
// BURST=1: the bursts sender; FRESH=1: the warm-up goes to a room of its own (the bench's "new room").
// PERF=1: instead of a V8 profile, `perf record` (cpu-clock, call graphs) of the server over the timed frames, kernel
// included, into /tmp/relay-prof/perf.data (`perf report -i /tmp/relay-prof/perf.data --no-children`; the server's
// /tmp/perf-<pid>.map, which names its JIT code there, is left for that).
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const [kind = "memory", size = "256", n = "100000", warm = "0"] = process.argv.slice(2);
const base = ["--conditions=@codex-remote/source", "--expose-gc", "--max-semi-space-size=4"];
const perf = process.env.PERF === "1";
mkdirSync("/tmp/relay-prof", { recursive: true });
const srv = fork(here("./server-process.ts"), [kind], {
  execArgv: [...base, ...(perf ? ["--perf-basic-prof"] : ["--cpu-prof", "--cpu-prof-dir=/tmp/relay-prof"])],
});
// PROF_LOAD=1: profile the load generator instead (its own file in /tmp/relay-prof, named by its pid)
const load = fork(here("./load.ts"), [], {
  execArgv: process.env.PROF_LOAD === "1" ? [...base, "--cpu-prof", "--cpu-prof-dir=/tmp/relay-prof"] : base,
});
const url = await new Promise<string>((r) => srv.on("message", (m: { url?: string }) => m.url && r(m.url)));
await new Promise((r) => load.on("message", (m: { ready?: boolean }) => m.ready && r(null)));
let recorder: ChildProcess | undefined;
if (perf) {
  load.on("message", (m: { timed?: boolean }) => {
    if (m.timed !== true || recorder) return;
    const args = [
      "record",
      "-e",
      "cpu-clock",
      "-F",
      "2999",
      "-g",
      "-p",
      String(srv.pid),
      "-o",
      "/tmp/relay-prof/perf.data",
    ];
    const started = spawn("perf", args, { stdio: "ignore" });
    started.once("error", (err) => {
      console.error(`perf record did not start (${err.message}): is perf installed?`);
      recorder = undefined;
    });
    recorder = started;
  });
}
load.send({
  cmd: "throughput",
  kind,
  url,
  size: Number(size),
  n: Number(n),
  windowBytes: Number(process.env.WIN ?? 1 << 20),
  warm: Number(warm),
  freshRoom: process.env.FRESH === "1",
  burst: process.env.BURST === "1",
});
const res = await new Promise((r) => load.on("message", (m: { result?: unknown }) => m.result && r(m.result)));
console.log(res);
// perf may have stopped by itself already (no permission to record, say): then there is nothing to wait for
if (recorder && recorder.exitCode === null && recorder.signalCode === null) {
  const stopped = new Promise((r) => recorder!.once("exit", r));
  recorder.kill("SIGINT");
  await stopped;
}
srv.send({ cmd: "exit" });
load.send({ cmd: "exit" });
