import { classCode, classOf, type RoutingClass } from "@codex-remote/protocol/relay";
import type { PayloadArena } from "./payload-arena.ts";
import type { FrameRecord, LogBounds, Retention } from "./types.ts";

const INITIAL_CAPACITY = 64;

/**
 * One room's retained frames for the memory store: a ring of typed-array columns (payload as arena
 * slab, offset, length; time; sender as an index into this room's few sender ids; class).
 * Nothing per frame lives on the JS heap, and the columns only reallocate when the ring doubles,
 * so a busy room neither feeds the young-generation GC nor grows the old generation per frame
 * (plain arrays did both: a 100k-frame log started major GCs under a 256 B flood).
 * `read` makes the frame objects a catch-up needs.
 */
export class MemoryLog {
  head = 0;
  bytes = 0;
  /** last client message id per sender (duplicates are dropped) */
  readonly senders = new Map<string, { epoch: number; counter: number }>();
  readonly #arena: PayloadArena;
  /** ring position of the oldest retained frame; its sequence is head - size + 1 */
  #start = 0;
  #size = 0;
  #mask = INITIAL_CAPACITY - 1;
  #slab = new Int32Array(INITIAL_CAPACITY);
  #off = new Int32Array(INITIAL_CAPACITY);
  #len = new Int32Array(INITIAL_CAPACITY);
  #ts = new Float64Array(INITIAL_CAPACITY);
  #from = new Int32Array(INITIAL_CAPACITY);
  #cls = new Uint8Array(INITIAL_CAPACITY);
  readonly #senderIndex = new Map<string, number>();
  readonly #senderNames: string[] = [];
  #lastSender = "";
  #lastSenderIndex = -1;

  constructor(arena: PayloadArena) {
    this.#arena = arena;
  }

  get size(): number {
    return this.#size;
  }

  /** Keeps a frame (its payload copied into the arena); returns its sequence. */
  push(sender: string, cls: RoutingClass, ts: number, payload: Uint8Array): number {
    if (this.#size > this.#mask) this.#grow();
    const at = (this.#start + this.#size) & this.#mask;
    this.#slab[at] = this.#arena.put(payload);
    this.#off[at] = this.#arena.lastOffset;
    this.#len[at] = payload.byteLength;
    this.#ts[at] = ts;
    this.#from[at] = this.#senderOf(sender);
    this.#cls[at] = classCode(cls);
    this.#size++;
    this.bytes += payload.byteLength;
    return ++this.head;
  }

  trim(ret: Retention, now: number): void {
    const minTs = now - ret.maxAgeMs;
    while (this.#size > 0) {
      const i = this.#start;
      if (this.#size > ret.maxFrames || this.bytes > ret.maxBytes || this.#ts[i]! < minTs) {
        this.bytes -= this.#len[i]!;
        this.#arena.release(this.#slab[i]!);
        this.#start = (i + 1) & this.#mask;
        this.#size--;
      } else break;
    }
  }

  read(fromSeq: number, limit: number): FrameRecord[] {
    const out: FrameRecord[] = [];
    const first = this.head - this.#size + 1;
    for (let k = Math.max(0, fromSeq - first); k < this.#size && out.length < limit; k++) {
      const i = (this.#start + k) & this.#mask;
      out.push({
        seq: first + k,
        sender: this.#senderNames[this.#from[i]!]!,
        cls: classOf(this.#cls[i]!)!,
        ts: this.#ts[i]!,
        payload: this.#arena.copy(this.#slab[i]!, this.#off[i]!, this.#len[i]!),
      });
    }
    return out;
  }

  bounds(): LogBounds {
    return { first: this.head - this.#size + 1, head: this.head };
  }

  #senderOf(sender: string): number {
    if (sender === this.#lastSender) return this.#lastSenderIndex;
    let i = this.#senderIndex.get(sender);
    if (i === undefined) {
      i = this.#senderNames.length;
      this.#senderNames.push(sender);
      this.#senderIndex.set(sender, i);
    }
    this.#lastSender = sender;
    this.#lastSenderIndex = i;
    return i;
  }

  /** Doubles the ring, oldest frame first at position 0. */
  #grow(): void {
    const cap = (this.#mask + 1) * 2;
    const order = <T extends Int32Array | Float64Array | Uint8Array>(col: T, next: T): T => {
      const tail = col.subarray(this.#start);
      next.set(tail);
      next.set(col.subarray(0, this.#start), tail.length);
      return next;
    };
    this.#slab = order(this.#slab, new Int32Array(cap));
    this.#off = order(this.#off, new Int32Array(cap));
    this.#len = order(this.#len, new Int32Array(cap));
    this.#ts = order(this.#ts, new Float64Array(cap));
    this.#from = order(this.#from, new Int32Array(cap));
    this.#cls = order(this.#cls, new Uint8Array(cap));
    this.#start = 0;
    this.#mask = cap - 1;
  }
}
