/**
 * The load generator, in its own process. Speaks the relay wire directly over `ws` (the same client
 * library as for the baseline) so the figures measure the servers, not a client library.
 * IPC in: {cmd:"throughput"|"latency"|"idle"|"closeIdle", ...}; out: {result}.
 */
import {
  authTranscript,
  encodeSend,
  fromBase64Url,
  generateWebCryptoIdentity,
  peekDeliver,
  type RelayIdentity,
  toBase64Url,
} from "@codex-remote/protocol/relay";
import { WebSocket } from "ws";

type Json = Record<string, unknown>;

class Peer {
  readonly ws: WebSocket;
  #waiters: { pred: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  onBinary: (b: Buffer) => void = () => {};
  #rid = 0;
  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) {
        this.onBinary(data as Buffer);
        return;
      }
      const m = JSON.parse(String(data)) as Json;
      const i = this.#waiters.findIndex((w) => w.pred(m));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
    });
  }
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }
  wait(pred: (m: Json) => boolean): Promise<Json> {
    return new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }
  async request(m: Json): Promise<Json> {
    const rid = ++this.#rid;
    const p = this.wait((x) => x.rid === rid);
    this.ws.send(JSON.stringify({ ...m, rid }));
    const r = await p;
    if (r.t === "error") throw new Error(String(r.code));
    return r;
  }
  static async relay(url: string, id: RelayIdentity, register?: Json): Promise<Peer> {
    const p = new Peer(url);
    const ch = p.wait((m) => m.t === "challenge");
    await p.open();
    const nonce = String((await ch).nonce);
    const sig = await id.sign(authTranscript(fromBase64Url(nonce), id.publicKey));
    const welcome = p.wait((m) => m.t === "welcome" || m.t === "error");
    p.ws.send(
      JSON.stringify({
        t: "auth",
        v: 1,
        nonce,
        publicKey: toBase64Url(id.publicKey),
        signature: toBase64Url(sig),
        ...(register ? { register } : {}),
      }),
    );
    const w = await welcome;
    if (w.t !== "welcome") throw new Error(`auth refused: ${String(w.code)}`);
    return p;
  }
}

interface Pair {
  /** sends one frame (the relay pair numbers them itself: client message ids never repeat) */
  send(payload: Buffer): void;
  /** holds the sender's writes until `uncork`, which hands them to the kernel in one writev */
  cork(): void;
  uncork(): void;
  onReceive(cb: (payload: Uint8Array) => void): void;
  close(): void;
}

const socketOf = (ws: WebSocket) => (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;

let roomN = 0;
async function makePair(kind: string, url: string): Promise<Pair> {
  const room = `bench-${process.pid}-${roomN++}`;
  if (kind === "baseline") {
    const a = new Peer(`${url}?room=${room}`);
    const b = new Peer(`${url}?room=${room}`);
    await Promise.all([a.open(), b.open()]);
    return {
      send: (payload) => a.ws.send(payload),
      cork: () => socketOf(a.ws).cork(),
      uncork: () => socketOf(a.ws).uncork(),
      onReceive: (cb) => {
        b.onBinary = (buf) => cb(buf);
      },
      close: () => {
        a.ws.close();
        b.ws.close();
      },
    };
  }
  const hostId = await generateWebCryptoIdentity();
  const phoneId = await generateWebCryptoIdentity();
  const host = await Peer.relay(url, hostId, { kind: "host", name: "bench-host" });
  await host.request({ t: "open_room", room });
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
  await host.request({ t: "open_pairing", room, token, ttlMs: 60_000 });
  const phone = await Peer.relay(url, phoneId, { kind: "phone", name: "bench-phone" });
  await phone.request({ t: "claim_pairing", room, token, name: "bench-phone" });
  await host.request({ t: "join", room });
  await phone.request({ t: "join", room });
  const epoch = 1;
  let unacked = 0;
  // one envelope per payload size, its counter rewritten in place (the baseline sends its buffer as is)
  let template: Buffer | undefined;
  let counterAt = 0;
  let last: Buffer | undefined;
  let counter = 0;
  return {
    cork: () => socketOf(host.ws).cork(),
    uncork: () => socketOf(host.ws).uncork(),
    send: (payload) => {
      if (template?.length !== payload.length + counterAt + 4) {
        template = Buffer.from(encodeSend({ room, cls: "output", epoch, counter: 0, payload }));
        counterAt = template.length - payload.length - 4;
      } else if (payload !== last) template.set(payload, counterAt + 4);
      last = payload;
      template.writeUInt32BE(++counter >>> 0, counterAt);
      host.ws.send(template);
    },
    onReceive: (cb) => {
      phone.onBinary = (buf) => {
        const d = peekDeliver(buf);
        if (!d) return;
        cb(d.payload);
        if (++unacked >= 256) {
          unacked = 0;
          phone.ws.send(JSON.stringify({ t: "ack", room, seq: d.seq }));
        }
      };
    },
    close: () => {
      host.ws.close();
      phone.ws.close();
    },
  };
}

/**
 * Sends `count` frames of `payload` through `pair`, at most `window` in flight; resolves when all
 * arrived. `burst`: each refill of the window is written in one writev instead of one write per frame.
 */
async function pump(pair: Pair, count: number, payload: Buffer, window: number, burst: boolean): Promise<void> {
  let received = 0;
  let sent = 0;
  let wake: (() => void) | undefined;
  pair.onReceive(() => {
    received++;
    if (wake && sent - received < window / 2) {
      const w = wake;
      wake = undefined;
      w();
    }
  });
  while (sent < count) {
    if (burst) pair.cork();
    while (sent < count && sent - received < window) {
      pair.send(payload);
      sent++;
    }
    if (burst) pair.uncork();
    await new Promise<void>((r) => {
      wake = r;
    });
  }
  while (received < count) await new Promise((r) => setTimeout(r, 1));
}

/**
 * `warm` untimed frames, then N timed frames of `size` bytes; returns frames/s and MB/s of the timed
 * part. `freshRoom`: the warm-up goes to a room of its own, so the timed frames start a new log.
 */
async function throughput(
  kind: string,
  url: string,
  opts: { size: number; n: number; windowBytes: number; warm: number; freshRoom: boolean; burst: boolean },
) {
  const { size, n, warm } = opts;
  const window = Math.max(16, Math.floor(opts.windowBytes / size));
  const payload = Buffer.alloc(size, 7);
  let pair = await makePair(kind, url);
  await pump(pair, warm, payload, window, opts.burst);
  if (opts.freshRoom) {
    pair.close();
    pair = await makePair(kind, url);
  }
  // the bench reads the server's CPU time when this arrives and again when the result does
  process.send?.({ timed: true });
  const cpu0 = process.cpuUsage();
  const tStart = performance.now();
  await pump(pair, n, payload, window, opts.burst);
  const secs = (performance.now() - tStart) / 1000;
  const cpu = process.cpuUsage(cpu0);
  pair.close();
  // the load generator's own CPU per timed frame (sender + receiver), to tell which side limits a run
  const loadCpuUs = (cpu.user + cpu.system) / n;
  return { framesPerSec: n / secs, mbPerSec: (n * size) / secs / 1e6, loadCpuUs };
}

/** Fixed rate, one-way latency (sender and receiver share this process's clock). */
async function latency(kind: string, url: string, rate: number, seconds: number, size: number) {
  const pair = await makePair(kind, url);
  const lat: number[] = [];
  pair.onReceive((p) => {
    const sentAt = new DataView(p.buffer, p.byteOffset, p.byteLength).getFloat64(0);
    lat.push(performance.now() - sentAt);
  });
  const n = rate * seconds;
  const start = performance.now();
  let i = 0;
  // pace by timers (never spin: the receiver shares this event loop); send whatever is due
  while (i < n) {
    const now = performance.now();
    while (i < n && start + (i * 1000) / rate <= now) {
      const b = Buffer.alloc(size);
      b.writeDoubleBE(performance.now(), 0);
      pair.send(b);
      i++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  while (lat.length < n) await new Promise((r) => setTimeout(r, 5));
  pair.close();
  const sorted = lat.slice(Math.floor(n / 10)).sort((a, b) => a - b); // drop the first 10% (warm-up)
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: q(0.5), p99: q(0.99), n: sorted.length };
}

const idle: WebSocket[] = [];
async function openIdle(kind: string, url: string, count: number) {
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, async () => {
        if (kind === "baseline") {
          const p = new Peer(`${url}?room=idle-${i}`);
          await p.open();
          idle.push(p.ws);
        } else {
          const p = await Peer.relay(url, await generateWebCryptoIdentity(), { kind: "host", name: "idle" });
          idle.push(p.ws);
        }
      }),
    );
  }
  return { open: idle.length };
}

process.on("message", async (m: Json) => {
  if (m.cmd === "exit") process.exit(0);
  try {
    let result: unknown;
    if (m.cmd === "throughput")
      result = await throughput(String(m.kind), String(m.url), {
        size: Number(m.size),
        n: Number(m.n),
        windowBytes: Number(m.windowBytes),
        warm: Number(m.warm),
        freshRoom: m.freshRoom === true,
        burst: m.burst === true,
      });
    else if (m.cmd === "latency")
      result = await latency(String(m.kind), String(m.url), Number(m.rate), Number(m.seconds), Number(m.size));
    else if (m.cmd === "idle") result = await openIdle(String(m.kind), String(m.url), Number(m.count));
    else if (m.cmd === "closeIdle") {
      for (const ws of idle.splice(0)) ws.terminate();
      result = { closed: true };
    }
    process.send?.({ result });
  } catch (err) {
    process.send?.({ error: String(err) });
  }
});
process.send?.({ ready: true });
