import { classCode, classOf, type RoutingClass } from "@codex-remote/protocol/relay";
import type { PayloadArena } from "./payload-arena.ts";
import type { FrameRecord, LogBounds, Retention } from "./types.ts";

/**
 * One room's retained frames for the memory store, kept column by column: the payload as (arena
 * slab, offset, length) and numbers and shared strings for the rest.
 * No object per frame stays alive, so the young-generation GC has nothing per frame to copy and a
 * major GC nothing per frame to mark; `read` makes the frame objects a catch-up needs.
 */
export class MemoryLog {
  head = 0;
  bytes = 0;
  /** last client message id per sender (duplicates are dropped) */
  readonly senders = new Map<string, { epoch: number; counter: number }>();
  /** index of the oldest retained frame; the sequence of index i is #seq0 + i */
  #start = 0;
  #seq0 = 1;
  readonly #arena: PayloadArena;
  #slabs: number[] = [];
  #offs: number[] = [];
  #lens: number[] = [];
  #ts: number[] = [];
  #from: string[] = [];
  #cls: number[] = [];

  constructor(arena: PayloadArena) {
    this.#arena = arena;
  }

  get size(): number {
    return this.#lens.length - this.#start;
  }

  /** Keeps a frame (its payload copied into the arena); returns its sequence. */
  push(sender: string, cls: RoutingClass, ts: number, payload: Uint8Array): number {
    const seq = ++this.head;
    if (this.#lens.length === 0) this.#seq0 = seq;
    this.#slabs.push(this.#arena.put(payload));
    this.#offs.push(this.#arena.lastOffset);
    this.#lens.push(payload.byteLength);
    this.#ts.push(ts);
    this.#from.push(sender);
    this.#cls.push(classCode(cls));
    this.bytes += payload.byteLength;
    return seq;
  }

  trim(ret: Retention, now: number): void {
    const minTs = now - ret.maxAgeMs;
    while (this.size > 0) {
      const i = this.#start;
      if (this.size > ret.maxFrames || this.bytes > ret.maxBytes || this.#ts[i]! < minTs) {
        this.bytes -= this.#lens[i]!;
        this.#arena.release(this.#slabs[i]!);
        this.#start++;
      } else break;
    }
    if (this.#start > 1024 && this.#start * 2 > this.#lens.length) {
      const s = this.#start;
      this.#slabs = this.#slabs.slice(s);
      this.#offs = this.#offs.slice(s);
      this.#lens = this.#lens.slice(s);
      this.#ts = this.#ts.slice(s);
      this.#from = this.#from.slice(s);
      this.#cls = this.#cls.slice(s);
      this.#seq0 += s;
      this.#start = 0;
    }
  }

  read(fromSeq: number, limit: number): FrameRecord[] {
    const out: FrameRecord[] = [];
    const first = this.#seq0 + this.#start;
    for (let i = this.#start + Math.max(0, fromSeq - first); i < this.#lens.length && out.length < limit; i++) {
      out.push({
        seq: this.#seq0 + i,
        sender: this.#from[i]!,
        cls: classOf(this.#cls[i]!)!,
        ts: this.#ts[i]!,
        payload: this.#arena.copy(this.#slabs[i]!, this.#offs[i]!, this.#lens[i]!),
      });
    }
    return out;
  }

  bounds(): LogBounds {
    return { first: this.size > 0 ? this.#seq0 + this.#start : this.head + 1, head: this.head };
  }
}
