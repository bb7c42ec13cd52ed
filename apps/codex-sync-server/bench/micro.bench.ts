/**
 * `pnpm --filter @codex-remote/codex-sync-server bench:micro`
 *
 * Two per-frame costs of the stores, each beside what it replaced, in one process (a few seconds):
 *   - the memory store's copy of a 16 KiB payload into a shared slab: at the payload's own offset
 *     modulo 8 (`PayloadArena`) against the old way (any offset), and an ordinary ArrayBuffer as the
 *     floor;
 *   - the SQLite store's segment check of a 16 KiB payload (`segmentCheck`) against the CRC-32 of
 *     every byte it replaced.
 * Each figure is the median of 5 rounds of µs per call.
 */
import { crc32 } from "node:zlib";
import { PayloadArena } from "../src/store/payload-arena.ts";
import { segmentCheck } from "../src/store/segment-check.ts";

const SIZE = 16 * 1024;
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(calls: number, fn: (i: number) => void): number {
  const rounds: number[] = [];
  for (let i = 0; i < calls; i++) fn(i); // warm-up: JIT and first touch of every page
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e3 / calls);
  }
  return median(rounds);
}

// a payload as a socket read holds it: at an offset that is not a multiple of 8
const read = Buffer.alloc(64 * 1024);
for (let i = 0; i < read.length; i++) read[i] = (i * 31) & 0xff;
const payload = read.subarray(3, 3 + SIZE);

// 8 MiB of slab space per kind, written round-robin (the relay's slabs are 4 MiB each)
const SPACE = 8 * 1024 * 1024;
const slots = Math.floor(SPACE / (SIZE + 8)) - 1;
const shared = new Uint8Array(new SharedArrayBuffer(SPACE));
const plain = new Uint8Array(new ArrayBuffer(SPACE));
const copies = 20_000;
const sharedAnyOffset = time(copies, (i) => shared.set(payload, (i % slots) * (SIZE + 8)));
const arena = new PayloadArena(4);
const ids: number[] = [];
const sharedAligned = time(copies, () => {
  ids.push(arena.put(payload));
  // keep about 8 MiB retained, like a room at its byte bound
  if (ids.length > slots) arena.release(ids.shift()!);
});
const plainAnyOffset = time(copies, (i) => plain.set(payload, (i % slots) * (SIZE + 8)));

let sink = 0;
const checks = 50_000;
const sampled = time(checks, (i) => {
  sink ^= segmentCheck(payload, i * SIZE);
});
const whole = time(checks, () => {
  sink ^= crc32(payload);
});

const f = (n: number) => n.toFixed(2).padStart(8);
console.log(`codex-sync-server micro bench (node ${process.version}; µs per call, median of ${ROUNDS} rounds)\n`);
console.log("16 KiB payload                                          µs/call   vs old way");
console.log(
  `copy into a shared slab, at the payload's offset mod 8 ${f(sharedAligned)}   ${(sharedAnyOffset / sharedAligned).toFixed(1)}x faster`,
);
console.log(`copy into a shared slab, at any offset (old)           ${f(sharedAnyOffset)}   —`);
console.log(`copy into an ordinary ArrayBuffer (floor)              ${f(plainAnyOffset)}   —`);
console.log(
  `segment check, sampled sectors                         ${f(sampled)}   ${(whole / sampled).toFixed(1)}x faster`,
);
console.log(`CRC-32 of every byte (old)                             ${f(whole)}   —`);
if (sink === 0.5) console.log(""); // keeps the checks from being optimised away
