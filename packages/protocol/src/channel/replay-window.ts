/**
 * Sliding replay window over a 53-bit sequence space (the RFC 6479 idea): remembers the highest
 * sequence accepted and a bitmap of the `size` sequences below it. `check` has no side effect, so a
 * frame that later fails authentication leaves the window untouched.
 */
import { ProtocolError } from "../errors.ts";

export class ReplayWindow {
  readonly size: number;
  #highest = -1;
  readonly #bits: Uint32Array;

  constructor(size = 1024) {
    if (!Number.isInteger(size) || size < 32 || size % 32 !== 0 || size > 1 << 20) {
      throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "replay window size must be a multiple of 32 in 32..2^20");
    }
    this.size = size;
    this.#bits = new Uint32Array(size / 32);
  }

  get highest(): number {
    return this.#highest;
  }

  /** Throws PROTO_ERR_REPLAY for a sequence already accepted, PROTO_ERR_TOO_OLD behind the window. */
  check(sequence: number): void {
    if (sequence > this.#highest) return;
    if (sequence + this.size <= this.#highest) {
      throw new ProtocolError(
        "PROTO_ERR_TOO_OLD",
        `sequence ${sequence}, window starts after ${this.#highest - this.size}`,
      );
    }
    const slot = sequence % this.size;
    if (((this.#bits[slot >>> 5] as number) >>> (slot & 31)) & 1) {
      throw new ProtocolError("PROTO_ERR_REPLAY", `sequence ${sequence}`);
    }
  }

  /** Records an authenticated sequence (call after `check` and a successful open). */
  accept(sequence: number): void {
    if (sequence > this.#highest) {
      const gap = sequence - this.#highest;
      if (gap >= this.size) this.#bits.fill(0);
      else for (let s = this.#highest + 1; s < sequence; s++) this.#clear(s % this.size);
      this.#highest = sequence;
    }
    const slot = sequence % this.size;
    this.#bits[slot >>> 5] = (this.#bits[slot >>> 5] as number) | (1 << (slot & 31));
  }

  #clear(slot: number): void {
    this.#bits[slot >>> 5] = (this.#bits[slot >>> 5] as number) & ~(1 << (slot & 31));
  }
}
