// `pnpm --filter @codex-remote/codex-cli-wrapper bench`: one run, the project and its baseline side by
// side, as ratios. All on 127.0.0.1: a real relay process, the session host in this process, the
// phone in another process.
//  1. Latency: an AgentEvent leaving the backend → session host → seal → relay → phone opens and
//     decodes it; p50/p99 over N events (default 10,000) at a steady rate. Baseline: the same number
//     of raw relay frames of the same size from the same laptop client (no host, no seal, no codec).
//  2. PTY mirror: `cat` of a large file in the shell agent, time until the local terminal got all of
//     it: without a mirror (baseline), with a phone attached, and with a stalled phone (SIGSTOPped).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent } from "@codex-remote/protocol";
import { EventHub } from "../src/backends/event-stream.ts";
import { createTerminalBackend } from "../src/backends/factory.ts";
import type { CodexBackend, TerminalBackend } from "../src/backends/types.ts";
import { openLaptopKeys } from "../src/keys/identity.ts";
import { SessionHost } from "../src/session/host.ts";
import { RelayTransport } from "../src/session/relay-transport.ts";
import { startRelayProcess } from "../test/helpers/relay-process.ts";

const N = Number(process.env.BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000); // events per second
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 32);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const now = () => performance.timeOrigin + performance.now();
const tmp = () => mkdtempSync(join(tmpdir(), "cr-bench-"));
const log = (s: string) => process.stdout.write(`${s}\n`);

/** A backend that only emits what the bench tells it to: the event leaves "the backend" here. */
class BenchBackend implements CodexBackend {
  readonly kind = "demo" as const;
  readonly events = new EventHub<AgentEvent>();
  readonly threadId = "bench";
  readonly turnActive = false;
  async start() {}
  async sendMessage() {}
  async respondApproval() {
    return false;
  }
  async interrupt() {}
  async resume() {}
  async close() {
    this.events.end();
  }
}

function startPhone(
  mode: string,
  link: string,
): { child: ChildProcess; lines: AsyncGenerator<Record<string, unknown>> } {
  const child = spawn(
    process.execPath,
    ["--conditions=@codex-remote/source", join(import.meta.dirname, "phone.ts"), mode, String(N)],
    {
      env: { ...process.env, BENCH_LINK: link },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  async function* lines() {
    let buf = "";
    for await (const chunk of child.stdout!) {
      buf += chunk.toString();
      let i = buf.indexOf("\n");
      while (i >= 0) {
        yield JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    }
  }
  return { child, lines: lines() };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function laptop(url: string, extra: { terminal?: TerminalBackend; budget?: number } = {}) {
  const { keys, identity } = openLaptopKeys(tmp());
  const transport = new RelayTransport({ url, identity, keys, name: "bench-laptop" });
  const backend = new BenchBackend();
  let localBytes = 0;
  let localListener: ((n: number) => void) | undefined;
  const host = new SessionHost({
    sessionId: "bench",
    agent: "bench",
    backend: extra.terminal ? undefined : backend,
    terminal: extra.terminal,
    ...(extra.budget ? { terminalBytesPerSecond: extra.budget } : {}),
    transport,
    keys,
    view: {
      event: () => {},
      notice: () => {},
      terminalOutput: (b) => {
        localBytes += b.length;
        localListener?.(b.length);
      },
    },
  });
  host.attach();
  transport.start();
  await transport.ready();
  const ticket = await transport.pair();
  return {
    host,
    backend,
    transport,
    ticket,
    localBytes: () => localBytes,
    onLocal: (fn: (n: number) => void) => {
      localListener = fn;
    },
  };
}

async function latency(url: string) {
  const lap = await laptop(url);
  const phone = startPhone("latency", lap.ticket.link);
  await lap.ticket.done;
  await phone.lines.next(); // ready
  const pace = async (send: (i: number) => void) => {
    const t0 = now();
    let i = 0;
    while (i < N) {
      const due = Math.min(N, Math.floor(((now() - t0) / 1000) * RATE) + 1);
      while (i < due) send(i++);
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  await pace(() => lap.backend.events.emit({ kind: "text_delta", itemId: "b", delta: String(now()) }));
  const project = (await phone.lines.next()).value.project as number[];
  // Baseline: the same number of raw frames, sized like a sealed agent_event frame.
  const size = 2 + 8 + 190;
  await pace(() => {
    const p = new Uint8Array(size);
    p[0] = 0x42;
    p[1] = 0x4e;
    new DataView(p.buffer).setFloat64(2, now());
    lap.transport.client.send(lap.transport.room, "output", p);
  });
  const baseline = (await phone.lines.next()).value.baseline as number[];
  phone.child.kill();
  await lap.host.close();
  await lap.transport.close();
  return { project, baseline };
}

async function catOnce(
  url: string | undefined,
  file: string,
  phoneMode: "none" | "attached" | "stalled",
  budget?: number,
) {
  const terminal = await createTerminalBackend("shell", {
    command: "/bin/bash",
    args: ["--norc", "--noprofile"],
    env: { PS1: "$ " },
  });
  let phone: ReturnType<typeof startPhone> | undefined;
  let lap: Awaited<ReturnType<typeof laptop>> | undefined;
  let localBytes = () => 0;
  let onLocal: (fn: (n: number) => void) => void;
  if (phoneMode === "none") {
    let n = 0;
    let fn: ((k: number) => void) | undefined;
    terminal.onOutput((b) => {
      n += b.length;
      fn?.(b.length);
    });
    localBytes = () => n;
    onLocal = (f) => {
      fn = f;
    };
  } else {
    lap = await laptop(url!, { terminal, ...(budget ? { budget } : {}) });
    phone = startPhone("terminal", lap.ticket.link);
    await lap.ticket.done;
    await phone.lines.next();
    if (phoneMode === "stalled") phone.child.kill("SIGSTOP");
    localBytes = lap.localBytes;
    onLocal = lap.onLocal;
  }
  await terminal.start({ cwd: tmpdir(), cols: 120, rows: 40 });
  await new Promise((r) => setTimeout(r, 300));
  const expected = FILE_MB * 1024 * 1024;
  const startBytes = localBytes();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const done = new Promise<number>((resolve) => {
    onLocal(() => {
      // cat's output (LF → CRLF in the PTY) has arrived once the local terminal got >= the file size.
      if (localBytes() - startBytes >= expected) resolve(now() - t0);
    });
  });
  terminal.write(`cat ${file}\r`);
  const ms = await done;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  let phoneBytes: number | undefined;
  if (phone) {
    if (phoneMode === "stalled") phone.child.kill("SIGCONT");
    await new Promise((r) => setTimeout(r, 500));
    phone.child.kill("SIGTERM");
    for await (const line of phone.lines) if (typeof line.bytes === "number") phoneBytes = line.bytes;
  }
  const stats = lap?.host.mirror?.stats;
  await lap?.host.close();
  await lap?.transport.close();
  await terminal.close();
  return { ms, cpuMs, phoneBytes, stats };
}

const relay = await startRelayProcess({ configDir: tmp() });
try {
  log(`codex-cli-wrapper bench (relay ${relay.url}, node ${process.version})`);
  log(`\n1. AgentEvent → phone decoded, through the relay on loopback: ${N} events at ${RATE}/s`);
  const { project, baseline } = await latency(relay.url);
  const row = (name: string, xs: number[]) =>
    log(`   ${name.padEnd(44)} p50 ${pct(xs, 50).toFixed(3)} ms   p99 ${pct(xs, 99).toFixed(3)} ms   (n=${xs.length})`);
  row("session host + seal + relay + open + decode", project);
  row("baseline: raw relay frame, same size", baseline);
  log(
    `   ratio project/baseline: p50 ${(pct(project, 50) / pct(baseline, 50)).toFixed(2)}x   p99 ${(pct(project, 99) / pct(baseline, 99)).toFixed(2)}x`,
  );

  const file = join(tmp(), "big.txt");
  const line = `${"0123456789abcdefghijklmnopqrstuvwxyz".repeat(3)}\n`;
  writeFileSync(file, line.repeat(Math.ceil((FILE_MB * 1024 * 1024) / line.length)));
  log(`\n2. PTY mirror: \`cat\` of a ${FILE_MB} MiB file in the shell agent, time until the local terminal has it all`);
  // Interleaved repetitions, median of each case: the machine is shared, so one run is noisy.
  const runs: Record<"base" | "attached" | "stalled" | "everyByte", Awaited<ReturnType<typeof catOnce>>[]> = {
    base: [],
    attached: [],
    stalled: [],
    everyByte: [],
  };
  for (let r = 0; r < REPS; r++) {
    runs.base.push(await catOnce(undefined, file, "none"));
    runs.attached.push(await catOnce(relay.url, file, "attached"));
    runs.stalled.push(await catOnce(relay.url, file, "stalled"));
    runs.everyByte.push(await catOnce(relay.url, file, "attached", Number.POSITIVE_INFINITY));
  }
  const median = (xs: Awaited<ReturnType<typeof catOnce>>[]) =>
    [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]!;
  const base = median(runs.base);
  const attached = median(runs.attached);
  const stalled = median(runs.stalled);
  const everyByte = median(runs.everyByte);
  log(`   (median of ${REPS} interleaved runs each)`);
  const mbps = (ms: number) => ((FILE_MB / ms) * 1000).toFixed(1);
  log(
    `   baseline: no mirror                       ${base.ms.toFixed(0)} ms, laptop CPU ${base.cpuMs.toFixed(0)} ms  (${mbps(base.ms)} MiB/s)`,
  );
  log(
    `   phone attached (mirrored)                 ${attached.ms.toFixed(0)} ms, laptop CPU ${attached.cpuMs.toFixed(0)} ms  (${mbps(attached.ms)} MiB/s)  ratio ${(attached.ms / base.ms).toFixed(2)}x; phone got ${((attached.phoneBytes ?? 0) / 1048576).toFixed(1)} MiB, mirror ${JSON.stringify(attached.stats)}`,
  );
  log(
    `   phone stalled (SIGSTOP)                   ${stalled.ms.toFixed(0)} ms, laptop CPU ${stalled.cpuMs.toFixed(0)} ms  (${mbps(stalled.ms)} MiB/s)  ratio ${(stalled.ms / base.ms).toFixed(2)}x; mirror ${JSON.stringify(stalled.stats)}`,
  );
  log(
    `   phone attached, no byte budget            ${everyByte.ms.toFixed(0)} ms, laptop CPU ${everyByte.cpuMs.toFixed(0)} ms  (${mbps(everyByte.ms)} MiB/s)  ratio ${(everyByte.ms / base.ms).toFixed(2)}x; phone got ${((everyByte.phoneBytes ?? 0) / 1048576).toFixed(1)} MiB, mirror ${JSON.stringify(everyByte.stats)}`,
  );
  log(`   slow phone vs phone keeping up (local terminal time): ${(stalled.ms / attached.ms).toFixed(2)}x`);
  log(
    `   laptop process CPU vs no mirror: attached ${(attached.cpuMs / base.cpuMs).toFixed(2)}x, stalled ${(stalled.cpuMs / base.cpuMs).toFixed(2)}x, every byte ${(everyByte.cpuMs / base.cpuMs).toFixed(2)}x`,
  );
} finally {
  await relay.stop();
}
process.exit(0);
