/**
 * seal+open throughput, one run, side by side:
 *   (a) the project's SecureChannel (platform backend: node:crypto on Node)
 *   (b) raw @noble/ciphers xchacha20poly1305 (what a browser gets)
 *   (c) raw node:crypto chacha20-poly1305 with a KeyObject (the ceiling)
 * Run: pnpm --filter @codex-remote/protocol bench   (BENCH_MS=<ms per cell> to change the duration)
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { createSecureChannel, deriveSessionSecrets } from "../src/index.ts";

const SIZES = [64, 1024, 16 * 1024, 256 * 1024];
const CELL_MS = Number(process.env.BENCH_MS ?? 700);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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

function measure(fn: RoundTrip, size: number): number {
  const pt = randomBytes(size);
  for (let i = 0; i < 50; i++) fn(pt);
  let bytes = 0;
  const start = performance.now();
  let now = start;
  while (now - start < CELL_MS) {
    for (let i = 0; i < 8; i++) {
      if (fn(pt).length !== size) throw new Error("round trip lost bytes");
      bytes += size;
    }
    now = performance.now();
  }
  return bytes / ((now - start) / 1000) / 1e6;
}

const impls: [string, () => RoundTrip][] = [
  ["(a) channel", project],
  ["(b) noble", noble],
  ["(c) node", nodeRaw],
];
const best = new Map<string, number>();
// Interleave rounds so that load from other processes hits every implementation alike; keep the best.
for (let round = 0; round < ROUNDS; round++) {
  for (const size of SIZES) {
    for (const [name, make] of impls) {
      const key = `${name}@${size}`;
      best.set(key, Math.max(best.get(key) ?? 0, measure(make(), size)));
    }
  }
}

const fmt = (n: number, w = 10): string => n.toFixed(1).padStart(w);
console.log(`seal+open MB/s (best of ${ROUNDS} interleaved rounds, ${CELL_MS} ms each; Node ${process.version})`);
console.log(
  `${"size".padEnd(8)}${"(a) channel".padStart(12)}${"(b) noble".padStart(12)}${"(c) node".padStart(12)}${"a/c".padStart(8)}${"a/b".padStart(8)}  target`,
);
let ok = true;
for (const size of SIZES) {
  const a = best.get(`(a) channel@${size}`) ?? 0;
  const b = best.get(`(b) noble@${size}`) ?? 0;
  const c = best.get(`(c) node@${size}`) ?? 0;
  const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
  const target =
    size >= 16 * 1024 ? (a >= 0.8 * c && a >= 3 * b ? "met (a≥0.8c, a≥3b)" : "MISSED (a≥0.8c, a≥3b)") : "-";
  if (size >= 16 * 1024 && target.startsWith("MISSED")) ok = false;
  console.log(
    `${label.padEnd(8)}${fmt(a, 12)}${fmt(b, 12)}${fmt(c, 12)}${(a / c).toFixed(2).padStart(8)}${(a / b).toFixed(2).padStart(8)}  ${target}`,
  );
}
console.log(ok ? "targets at >= 16 KiB: met" : "targets at >= 16 KiB: missed");
