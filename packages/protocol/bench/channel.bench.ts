/**
 * seal+open throughput, one run, side by side:
 *   (a) the project's SecureChannel (platform backend: node:crypto on Node)
 *   (b) raw @noble/ciphers xchacha20poly1305 (what a browser gets)
 *   (c) raw node:crypto chacha20-poly1305 with a KeyObject (the ceiling)
 * Run: pnpm --filter @codex-remote/protocol bench   (BENCH_SLICES, BENCH_SLICE_MS, BENCH_CLOCK=cpu)
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { createSecureChannel, deriveSessionSecrets } from "../src/index.ts";

const SIZES = [64, 1024, 16 * 1024, 256 * 1024];

type RoundTrip = (plaintext: Uint8Array) => Uint8Array;

function project(): RoundTrip {
  const secrets = deriveSessionSecrets(randomBytes(32), randomBytes(32), randomBytes(16));
  const wrapper = createSecureChannel(secrets, "wrapper");
  const phone = createSecureChannel(secrets, "phone", { replayWindow: 1024 });
  return (pt) => phone.open(wrapper.seal("binary", pt)).plaintext;
}

function noble(): RoundTrip {
  const key = randomBytes(32);
  const nonce = new Uint8Array(24);
  const ad = randomBytes(34);
  let counter = 0;
  return (pt) => {
    new DataView(nonce.buffer).setUint32(20, counter++);
    const sealed = xchacha20poly1305(key, nonce, ad).encrypt(pt);
    return xchacha20poly1305(key, nonce, ad).decrypt(sealed);
  };
}

function nodeRaw(): RoundTrip {
  const key = createSecretKey(randomBytes(32));
  const nonce = Buffer.alloc(12);
  const ad = randomBytes(34);
  let counter = 0;
  return (pt) => {
    nonce.writeUInt32BE(counter++, 8);
    const cipher = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
    cipher.setAAD(ad, { plaintextLength: pt.length });
    const ct = cipher.update(pt);
    cipher.final();
    const tag = cipher.getAuthTag();
    const decipher = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
    decipher.setAuthTag(tag);
    decipher.setAAD(ad, { plaintextLength: ct.length });
    const out = decipher.update(ct);
    decipher.final();
    return out;
  };
}

const SLICES = Number(process.env.BENCH_SLICES ?? 40);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 25);

/**
 * Throughput of one slice, in MB/s (1e6 bytes of plaintext sealed and opened per second), by wall
 * clock; BENCH_CLOCK=cpu uses this process's CPU time instead (user + system, all threads), which
 * leaves out the moments other processes had the CPU on a shared machine (coarser: kernel ticks).
 */
const WALL = process.env.BENCH_CLOCK !== "cpu";
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function slice(fn: RoundTrip, pt: Uint8Array): number {
  // Start every slice from a collected heap so that no implementation pays for another's garbage.
  (globalThis as { gc?: () => void }).gc?.();
  let bytes = 0;
  const startWall = performance.now();
  const startCpu = cpuMs();
  while (performance.now() - startWall < SLICE_MS) {
    for (let i = 0; i < 4; i++) {
      if (fn(pt).length !== pt.length) throw new Error("round trip lost bytes");
      bytes += pt.length;
    }
  }
  const elapsed = WALL ? performance.now() - startWall : Math.max(cpuMs() - startCpu, 0.001);
  return bytes / (elapsed / 1000) / 1e6;
}

if (typeof (globalThis as { gc?: unknown }).gc !== "function") console.warn("run with --expose-gc for fair slices");
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

interface Row {
  size: number;
  a: number;
  b: number;
  c: number;
  ac: number;
  ab: number;
}
const rows: Row[] = [];
const loadStart = loadavg()[0]?.toFixed(2);
// The machine is shared: slices of the three implementations alternate (a b c a b c ...), so a
// burst of load from other processes hits neighbours alike. Throughputs are medians of the slices;
// ratios are medians of the per-round ratios (a_k / c_k, a_k / b_k) of adjacent slices.
for (const size of SIZES) {
  const pt = randomBytes(size);
  const a = project();
  const b = noble();
  const c = nodeRaw();
  for (let i = 0; i < 300; i++) {
    a(pt);
    b(pt);
    c(pt);
  }
  const sa: number[] = [];
  const sb: number[] = [];
  const sc: number[] = [];
  const rac: number[] = [];
  const rab: number[] = [];
  for (let k = 0; k < SLICES; k++) {
    // Rotate the order every round so no implementation always follows the same one.
    const order = [0, 1, 2].map((i) => (i + k) % 3);
    const got = [0, 0, 0];
    for (const i of order) got[i] = slice([a, b, c][i] as RoundTrip, pt);
    const [ga = 0, gb = 0, gc = 0] = got;
    sa.push(ga);
    sb.push(gb);
    sc.push(gc);
    rac.push(ga / gc);
    rab.push(ga / gb);
  }
  rows.push({ size, a: median(sa), b: median(sb), c: median(sc), ac: median(rac), ab: median(rab) });
}

const fmt = (n: number, w: number): string => n.toFixed(1).padStart(w);
let ok = true;
console.log(
  `seal+open MB/s of plaintext per ${WALL ? "wall" : "CPU"} second; median of ${SLICES} alternating ${SLICE_MS} ms slices; Node ${process.version}, ${cpus().length} CPUs, load average ${loadStart} at start, ${loadavg()[0]?.toFixed(2)} at end`,
);
console.log(
  "(a) SecureChannel seal+open (node:crypto backend)  (b) raw noble xchacha20poly1305  (c) raw node:crypto chacha20-poly1305 (ceiling)",
);
console.log(
  `${"size".padEnd(8)}${"(a)".padStart(10)}${"(b)".padStart(10)}${"(c)".padStart(10)}${"a/c".padStart(7)}${"a/b".padStart(7)}  target at >=16 KiB: a/c>=0.80 and a/b>=3`,
);
for (const row of rows) {
  const label = row.size >= 1024 ? `${row.size / 1024} KiB` : `${row.size} B`;
  let verdict = "-";
  if (row.size >= 16 * 1024) {
    const met = row.ac >= 0.8 && row.ab >= 3;
    verdict = met ? "met" : "MISSED";
    if (!met) ok = false;
  }
  console.log(
    `${label.padEnd(8)}${fmt(row.a, 10)}${fmt(row.b, 10)}${fmt(row.c, 10)}${row.ac.toFixed(2).padStart(7)}${row.ab.toFixed(2).padStart(7)}  ${verdict}`,
  );
}
console.log(`targets at >= 16 KiB: ${ok ? "met" : "missed"}`);
