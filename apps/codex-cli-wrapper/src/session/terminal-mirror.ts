import type { TerminalSnapshot } from "../backends/types.ts";

/** Where mirrored terminal output goes (the session host: seal + relay). */
export interface MirrorSink {
  /** Whether the phone link can take terminal bytes now (connected, channel open). */
  readonly online: boolean;
  /** Bytes sent but not yet taken by the network / confirmed by the relay. */
  backlogBytes(): number;
  sendOutput(bytes: Uint8Array): void;
  /** A full repaint for a phone that fell behind or joined late. */
  sendSnapshot(snapshot: TerminalSnapshot): void;
}

export interface MirrorOptions {
  /** Above this backlog the mirror stops forwarding and later resyncs with a snapshot. */
  readonly maxBacklogBytes: number;
  /** Output is batched into frames of at most this size (fewer, larger sealed frames). */
  readonly maxFrameBytes?: number;
  /** How often a dropped mirror checks whether the link drained. */
  readonly drainCheckMs?: number;
  /**
   * Bulk output is sent at most this often (bigger frames, less sealing per byte); output after a
   * quiet period (a keystroke's echo) leaves at once. Default 4 ms.
   */
  readonly batchMs?: number;
  /**
   * Byte budget of the mirror (token bucket, bytes per second; burst = one second's worth). Output
   * beyond it is not mirrored byte for byte: the phone gets a snapshot of the screen once the flood
   * is over. A phone cannot show 50 MB/s of `cat` anyway, and sealing it would cost the laptop CPU
   * that the local terminal needs. Default 4 MiB/s.
   */
  readonly maxBytesPerSecond?: number;
}

export interface MirrorStats {
  forwardedBytes: number;
  droppedBytes: number;
  frames: number;
  snapshots: number;
}

/**
 * Mirrors PTY output to the phone without ever slowing the PTY: `push` only copies into a batch and
 * returns. Batches leave on the next macrotask (or when full). When the link's backlog passes the
 * limit, or the link is down, the mirror drops output instead of queueing it and, once the link
 * drained, sends one snapshot of the headless screen (drop-to-snapshot resync). A phone that saw a
 * relay `gap` asks for the same resync with `requestResync`.
 */
export class TerminalMirror {
  readonly stats: MirrorStats = { forwardedBytes: 0, droppedBytes: 0, frames: 0, snapshots: 0 };
  readonly #sink: MirrorSink;
  readonly #snapshot: () => TerminalSnapshot;
  readonly #max: number;
  readonly #frameMax: number;
  readonly #drainMs: number;
  readonly #batchMs: number;
  readonly #rate: number;
  #tokens: number;
  #refilledAt = performance.now();
  #lastFlush = 0;
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  #flushScheduled = false;
  #dropping = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(sink: MirrorSink, snapshot: () => TerminalSnapshot, opts: MirrorOptions) {
    this.#sink = sink;
    this.#snapshot = snapshot;
    this.#max = opts.maxBacklogBytes;
    this.#frameMax = opts.maxFrameBytes ?? 64 * 1024;
    this.#drainMs = opts.drainCheckMs ?? 25;
    this.#batchMs = opts.batchMs ?? 4;
    this.#rate = opts.maxBytesPerSecond ?? 4 * 1024 * 1024;
    this.#tokens = this.#rate;
  }

  get dropping(): boolean {
    return this.#dropping;
  }

  /** From the PTY's output callback. Constant work, never waits on the network. */
  push(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (this.#dropping) {
      this.stats.droppedBytes += bytes.length;
      return;
    }
    this.#batch.push(bytes);
    this.#batchBytes += bytes.length;
    if (this.#batchBytes >= this.#frameMax) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      const wait = this.#lastFlush + this.#batchMs - performance.now();
      if (wait <= 0) setImmediate(() => this.#flush());
      else setTimeout(() => this.#flush(), wait);
    }
  }

  /** The phone lost frames (relay gap, late join): repaint it as soon as the link allows. */
  requestResync(): void {
    if (this.#closed) return;
    this.#drop(0);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#drainTimer);
    this.#batch = [];
  }

  #flush(): void {
    this.#flushScheduled = false;
    this.#lastFlush = performance.now();
    if (this.#batch.length === 0 || this.#closed) return;
    const chunks = this.#batch;
    const size = this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#refill();
    if (!this.#sink.online || this.#sink.backlogBytes() + size > this.#max || size > this.#tokens) {
      this.#drop(size);
      return;
    }
    this.#tokens -= size;
    const data = chunks.length === 1 ? chunks[0]! : concat(chunks, size);
    for (let at = 0; at < data.length; at += this.#frameMax) {
      this.#sink.sendOutput(data.subarray(at, Math.min(data.length, at + this.#frameMax)));
      this.stats.frames++;
    }
    this.stats.forwardedBytes += size;
  }

  #drop(size: number): void {
    this.stats.droppedBytes += size + this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#dropping = true;
    if (this.#drainTimer === undefined) this.#drainTimer = setTimeout(() => this.#checkDrained(), this.#drainMs);
  }

  #refill(): void {
    const t = performance.now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((t - this.#refilledAt) / 1000) * this.#rate);
    this.#refilledAt = t;
  }

  #checkDrained(): void {
    this.#drainTimer = undefined;
    if (this.#closed) return;
    this.#refill();
    if (this.#sink.online && this.#sink.backlogBytes() <= this.#max / 2 && this.#tokens >= this.#rate / 2) {
      this.#dropping = false;
      this.#sink.sendSnapshot(this.#snapshot());
      this.stats.snapshots++;
      return;
    }
    this.#drainTimer = setTimeout(() => this.#checkDrained(), this.#drainMs);
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
