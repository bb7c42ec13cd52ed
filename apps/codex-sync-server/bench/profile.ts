// dev helper: node --conditions=@codex-remote/source bench/profile.ts <kind> <size> <n> → CPU profile of the server in /tmp/relay-prof
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const [kind = "memory", size = "256", n = "100000"] = process.argv.slice(2);
const base = ["--conditions=@codex-remote/source", "--expose-gc", "--max-semi-space-size=4"];
const srv = fork(here("./server-process.ts"), [kind], {
  execArgv: [...base, "--cpu-prof", "--cpu-prof-dir=/tmp/relay-prof"],
});
const load = fork(here("./load.ts"), [], { execArgv: base });
const url = await new Promise<string>((r) => srv.on("message", (m: { url?: string }) => m.url && r(m.url)));
await new Promise((r) => load.on("message", (m: { ready?: boolean }) => m.ready && r(null)));
load.send({
  cmd: "throughput",
  kind,
  url,
  size: Number(size),
  n: Number(n),
  windowBytes: Number(process.env.WIN ?? 1 << 20),
});
const res = await new Promise((r) => load.on("message", (m: { result?: unknown }) => m.result && r(m.result)));
console.log(res);
srv.send({ cmd: "exit" });
load.kill();
