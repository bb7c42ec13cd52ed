import { SlabPrefaulter } from "./slab-prefaulter.ts";

/**
 * Where the memory store keeps retained payloads: copied into 4 MiB slabs shared by all rooms,
 * each slab counting the frames that still live in it. A slab whose frames are all trimmed goes
 * back to a small pool and is written again, so a relay at steady state allocates nothing per frame.
 *
 * The slabs are SharedArrayBuffers on purpose: V8 counts an ordinary ArrayBuffer's bytes as external
 * memory, and a few hundred MB of retained history made it start a major GC every ~50 ms under a
 * 16 KiB flood (20 mark-compacts in 0.8 s, about a quarter of the relay's CPU). Shared backing
 * stores are not counted, so the log's size no longer drives the GC. The flip side is that V8 will
 * not collect a dropped slab any sooner for its size, hence the pool and the explicit accounting.
 *
 * Copies to and from shared memory go through V8's relaxed (atomic) memmove, which moves 8-byte
 * words only when source and destination sit at the same offset modulo 8, and otherwise byte by
 * byte: ~4 µs for a 16 KiB payload instead of ~0.7 µs (`pnpm bench:micro`). A payload's place in
 * the sender's socket read is arbitrary, so each payload is stored at the slab's next offset with
 * the same remainder modulo 8 (at most 7 bytes of padding), and a copy out is made into a buffer at
 * that remainder too.
 *
 * With `prefault`, a new slab (the pool being empty: a log still growing) comes from a
 * SlabPrefaulter, whose worker thread has already taken the slab's page faults.
 */
export const SLAB_BYTES = 4 * 1024 * 1024;
const WORD = 8;
/** Payloads above this get a slab of their own (freed, not pooled, when trimmed). */
const OWN_SLAB_ABOVE = SLAB_BYTES / 4;

interface Slab {
  readonly bytes: Uint8Array;
  /** frames stored here and not yet released */
  live: number;
}

export class PayloadArena {
  /** slab id → slab; ids are never reused while a frame may still name them */
  readonly #slabs = new Map<number, Slab>();
  readonly #pool: Slab[] = [];
  readonly #maxPooled: number;
  #nextId = 1;
  #cur = 0;
  /** the slab with id #cur (undefined before the first put) */
  #curSlab: Slab | undefined;
  #used = SLAB_BYTES;
  /** Offset of the payload the last `put` stored. */
  lastOffset = 0;

  /** where new slabs come from when the pool is empty (see SlabPrefaulter), if anywhere */
  readonly #fresh: SlabPrefaulter | undefined;

  constructor(maxPooledSlabs = 4, opts: { prefault?: boolean } = {}) {
    this.#maxPooled = maxPooledSlabs;
    if (opts.prefault) this.#fresh = new SlabPrefaulter(SLAB_BYTES);
  }

  /** Stops the prefaulting worker, if any. */
  close(): void {
    this.#fresh?.close();
  }

  /** Copies `payload` in; returns the slab id (its offset is `lastOffset`). */
  put(payload: Uint8Array): number {
    const n = payload.byteLength;
    if (n > OWN_SLAB_ABOVE) {
      const id = this.#nextId++;
      const at = alignedLike(0, payload.byteOffset);
      const bytes = new Uint8Array(new SharedArrayBuffer(at + n));
      bytes.set(payload, at);
      this.#slabs.set(id, { bytes, live: 1 });
      this.lastOffset = at;
      return id;
    }
    let at = alignedLike(this.#used, payload.byteOffset);
    if (at + n > SLAB_BYTES) {
      this.#open();
      at = alignedLike(0, payload.byteOffset);
    }
    const slab = this.#curSlab!;
    slab.bytes.set(payload, at);
    slab.live++;
    this.lastOffset = at;
    this.#used = at + n;
    return this.#cur;
  }

  /**
   * A copy of a stored payload. Never a view: the slab is rewritten once its frames are trimmed,
   * and a view handed to a socket write could still be queued by then.
   */
  copy(id: number, offset: number, length: number): Uint8Array {
    const slab = this.#slabs.get(id);
    if (!slab) throw new Error(`payload arena: slab ${id} was already released`);
    const pad = offset % WORD;
    const out = new Uint8Array(Buffer.allocUnsafeSlow(pad + length).buffer, pad, length);
    out.set(slab.bytes.subarray(offset, offset + length));
    return out;
  }

  /** A frame stored in slab `id` is gone. */
  release(id: number): void {
    const slab = this.#slabs.get(id);
    if (!slab) return;
    slab.live--;
    if (slab.live > 0 || id === this.#cur) return;
    this.#slabs.delete(id);
    if (slab.bytes.byteLength === SLAB_BYTES && this.#pool.length < this.#maxPooled) this.#pool.push(slab);
  }

  /** New slabs that came already mapped from the prefaulter, for tests. */
  get prefaulted(): number {
    return this.#fresh?.handedOut ?? 0;
  }

  /** Slabs allocated (in use, current or pooled), for tests and metrics. */
  get slabCount(): number {
    return this.#slabs.size + this.#pool.length;
  }

  #open(): void {
    const prev = this.#curSlab;
    // the slab being left may already be empty (all its frames trimmed while it was current)
    if (prev && prev.live === 0) {
      this.#slabs.delete(this.#cur);
      if (this.#pool.length < this.#maxPooled) this.#pool.push(prev);
    }
    const slab = this.#pool.pop() ?? {
      bytes: this.#fresh?.take() ?? new Uint8Array(new SharedArrayBuffer(SLAB_BYTES)),
      live: 0,
    };
    slab.live = 0;
    this.#cur = this.#nextId++;
    this.#curSlab = slab;
    this.#slabs.set(this.#cur, slab);
    this.#used = 0;
  }
}

/** The first offset at or after `from` with the same remainder modulo 8 as `like`. */
function alignedLike(from: number, like: number): number {
  return from + ((like - from) & (WORD - 1));
}
