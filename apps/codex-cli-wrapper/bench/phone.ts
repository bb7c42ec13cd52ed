// The bench's phone, in its own process: pairs from the link in BENCH_LINK, then reports.
//   latency N : (1) N agent events decoded through the session host's path: each text_delta's delta
//               is its send time (performance.timeOrigin + now(), ms); prints {"project":[ms...]};
//               (2) then N raw relay frames (8-byte float64 send time + padding, no session host, no
//               seal) from the same laptop through the same room: the baseline; prints {"baseline":[...]}.
//   terminal  : counts terminal bytes until SIGTERM, prints {"bytes":n,"frames":n}.
import { ScriptedPhone } from "../test/helpers/phone.ts";

const [mode = "latency", countArg = "10000"] = process.argv.slice(2);
const count = Number(countArg);
const now = () => performance.timeOrigin + performance.now();
const print = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const phone = new ScriptedPhone("bench-phone");
await phone.pair(process.env.BENCH_LINK ?? "");
await phone.waitFor(() => phone.frames.some((f) => f.type === "session_open"), 10_000, "session_open");
print({ ready: true });

if (mode === "latency") {
  const project: number[] = [];
  const baseline: number[] = [];
  let seen = 0;
  phone.client!.on("frame", (env) => {
    // The ScriptedPhone's own listener (registered first) has opened and decoded the frame.
    while (seen < phone.events.length) {
      const e = phone.events[seen++]!.event;
      if (e.kind === "text_delta" && /^\d/.test(e.delta)) project.push(now() - Number(e.delta));
    }
    const p = env.payload;
    if (p.length >= 10 && p[0] === 0x42 && p[1] === 0x4e) {
      baseline.push(now() - new DataView(p.buffer, p.byteOffset + 2, 8).getFloat64(0));
    }
    if (project.length === count && baseline.length === 0 && !printedProject) {
      printedProject = true;
      print({ project });
    }
    if (baseline.length === count) {
      print({ baseline });
      phone.close();
      process.exit(0);
    }
  });
  let printedProject = false;
} else {
  process.on("SIGTERM", () => {
    print({ bytes: phone.terminal.reduce((n, b) => n + b.length, 0), frames: phone.terminal.length });
    process.exit(0);
  });
}
