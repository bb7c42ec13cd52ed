import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  unlinkSync,
  writevSync,
} from "node:fs";
import { join } from "node:path";
import { checkMatches, segmentCheck } from "./segment-check.ts";

/**
 * Large payloads of the SQLite store, appended to segment files beside the database instead of
 * going through its WAL (where the kernel copies every byte in, zeroes each new WAL page, and the
 * checkpoint copies it all again into the database file). The log row keeps (segment, offset,
 * length, check); the bytes are written before the COMMIT that makes the row visible, so a row
 * never names bytes that were not handed to the kernel. A power loss can still keep a row whose
 * bytes did not reach the disk (synchronous = NORMAL does not fsync per commit, for the WAL either):
 * the row's check (segment-check.ts) catches that, and the reader gets an explicit gap for that frame.
 *
 * A segment is deleted once no log row names it (counted in memory, rebuilt from the log on open).
 */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const MAX_OPEN_READERS = 32;
/** Segments kept for reuse instead of deleted (see `committed`). */
const MAX_SPARES = 2;

export interface SegmentRef {
  readonly seg: number;
  readonly off: number;
  /** the payload's check (segment-check.ts), kept in the row's `crc` column */
  readonly check: number;
}

const NAME = /^(\d{8})\.seg$/;
const fileName = (seg: number) => `${String(seg).padStart(8, "0")}.seg`;

export class SegmentFiles {
  readonly dir: string;
  readonly #segmentBytes: number;
  /** segment → log rows naming it */
  readonly #refs = new Map<number, number>();
  /** read descriptors, oldest first */
  readonly #readers = new Map<number, number>();
  #active = 0;
  #activeFd = -1;
  #activeSize = 0;
  /** bytes of this transaction, written by `flush` */
  #queued: Uint8Array[] = [];
  #queuedFrom = 0;
  /** segments no row names any more, deleted after the COMMIT that dropped their last rows */
  #unlinkAfterCommit: number[] = [];
  /** releases of this transaction (their rows come back if it rolls back) */
  #releasedInTx: number[] = [];
  /** emptied segments, overwritten by the next ones instead of deleted */
  #spares: number[] = [];
  #keepSpares = true;

  constructor(dir: string, segmentBytes = DEFAULT_SEGMENT_BYTES) {
    this.dir = dir;
    this.#segmentBytes = segmentBytes;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Starts from the rows the database names (segment → row count). A file no row names, older than
   * the newest one a row names, is a left-over of a crash between COMMIT and unlink: deleted. Newer
   * unnamed files are left alone (the last segment of a relay that died before its first COMMIT in
   * it, or one another process on the same file has just started); a later open deletes them.
   */
  open(rowsPerSegment: Iterable<[number, number]>): void {
    let newestNamed = 0;
    for (const [seg, n] of rowsPerSegment) {
      this.#refs.set(seg, n);
      newestNamed = Math.max(newestNamed, seg);
    }
    let last = newestNamed;
    for (const f of readdirSync(this.dir)) {
      const m = NAME.exec(f);
      if (!m) continue;
      const seg = Number(m[1]);
      last = Math.max(last, seg);
      if (!this.#refs.has(seg) && seg < newestNamed) unlinkSync(join(this.dir, f));
    }
    // never append to a segment a crash may have left a torn tail in: start a new one
    this.#startSegment(last + 1);
  }

  /** Queues a payload for this transaction; returns where it will be. */
  add(payload: Uint8Array): SegmentRef {
    if (this.#activeSize > 0 && this.#activeSize + payload.byteLength > this.#segmentBytes) {
      this.flush();
      this.#startSegment(this.#active + 1);
    }
    const ref = { seg: this.#active, off: this.#activeSize, check: segmentCheck(payload, this.#activeSize) };
    this.#queued.push(payload);
    this.#activeSize += payload.byteLength;
    this.#refs.set(this.#active, (this.#refs.get(this.#active) ?? 0) + 1);
    return ref;
  }

  /** Hands this transaction's payloads to the kernel; call before COMMIT. */
  flush(): void {
    if (this.#queued.length === 0) return;
    let pos = this.#queuedFrom;
    let bufs = this.#queued;
    this.#queued = [];
    // writev takes at most IOV_MAX (1024) buffers and may write less than asked
    while (bufs.length > 0) {
      const batch = bufs.slice(0, 1024);
      let want = 0;
      for (const b of batch) want += b.byteLength;
      const n = writevSync(this.#activeFd, batch, pos);
      if (n === 0) throw new Error(`segment ${this.#active}: write made no progress`);
      pos += n;
      if (n === want) {
        bufs = bufs.slice(1024);
        continue;
      }
      // partial write: continue from the first byte not written
      let skip = n;
      let k = 0;
      while (skip >= batch[k]!.byteLength) skip -= batch[k++]!.byteLength;
      bufs = [batch[k]!.subarray(skip), ...batch.slice(k + 1), ...bufs.slice(1024)];
    }
    this.#queuedFrom = pos;
  }

  /**
   * The transaction rolled back: the rows it added do not exist (their queued bytes are dropped) and
   * the rows it deleted are back (their segments are named again).
   */
  rollback(added: readonly SegmentRef[]): void {
    this.#queued = [];
    this.#activeSize = this.#queuedFrom;
    for (const seg of this.#releasedInTx) this.#refs.set(seg, (this.#refs.get(seg) ?? 0) + 1);
    this.#releasedInTx = [];
    for (const r of added) this.#drop(r.seg);
    this.#unlinkAfterCommit = [];
  }

  /** A row naming `seg` was deleted in the open transaction. */
  release(seg: number): void {
    this.#releasedInTx.push(seg);
    this.#drop(seg);
  }

  #drop(seg: number): void {
    const n = (this.#refs.get(seg) ?? 0) - 1;
    if (n > 0) {
      this.#refs.set(seg, n);
      return;
    }
    this.#refs.delete(seg);
    if (seg !== this.#active) this.#unlinkAfterCommit.push(seg);
  }

  /**
   * After COMMIT: segments whose last rows that COMMIT removed are deleted, or kept as spares for
   * the next segments to overwrite. Overwriting a file's cached pages is cheaper than writing a new
   * file, which first has to get fresh pages (on this kind of VM, ones the host may have taken
   * back) and new disk blocks: the segment write of a 16 KiB frame costs about half as much.
   */
  committed(): void {
    this.#releasedInTx = [];
    for (const seg of this.#unlinkAfterCommit) {
      if (this.#refs.has(seg)) continue;
      this.#closeReader(seg);
      if (this.#keepSpares && this.#spares.length < MAX_SPARES) this.#spares.push(seg);
      else this.#unlink(seg);
    }
    this.#unlinkAfterCommit = [];
  }

  #unlink(seg: number): void {
    try {
      unlinkSync(join(this.dir, fileName(seg)));
    } catch {}
  }

  /** The payload, or undefined when its bytes are missing or do not match the row's check. */
  read(ref: SegmentRef, length: number): Uint8Array | undefined {
    const fd = this.#reader(ref.seg);
    if (fd === undefined) return undefined;
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    try {
      while (got < length) {
        const n = readSync(fd, out, got, length - got, ref.off + got);
        if (n === 0) return undefined;
        got += n;
      }
    } catch {
      return undefined;
    }
    return checkMatches(out, ref.off, ref.check) ? out : undefined;
  }

  close(): void {
    this.flush();
    for (const seg of this.#spares.splice(0)) this.#unlink(seg);
    for (const fd of this.#readers.values()) closeSync(fd);
    this.#readers.clear();
    if (this.#activeFd >= 0) closeSync(this.#activeFd);
    this.#activeFd = -1;
    // an empty active segment is not worth keeping
    if (this.#activeSize === 0) {
      try {
        unlinkSync(join(this.dir, fileName(this.#active)));
      } catch {}
    }
  }

  #startSegment(seg: number): void {
    if (this.#activeFd >= 0) {
      closeSync(this.#activeFd);
      if (!this.#refs.has(this.#active)) this.#unlink(this.#active);
    }
    // never truncate or overwrite a file that exists (another process's, on a misconfigured shared
    // path): skip it
    let reused = false;
    for (; ; seg++) {
      const spare = this.#spares.shift();
      if (spare !== undefined) {
        // the spare takes the new name (a link fails where that name exists), then loses its old one
        let linked = false;
        try {
          linkSync(join(this.dir, fileName(spare)), join(this.dir, fileName(seg)));
          linked = true;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "EEXIST") {
            this.#spares.unshift(spare);
            continue;
          }
          // a file system without hard links: segments are deleted and created, as before
          this.#keepSpares = false;
          for (const s of [spare, ...this.#spares.splice(0)]) this.#unlink(s);
        }
        if (linked) {
          this.#unlink(spare);
          this.#activeFd = openSync(join(this.dir, fileName(seg)), "r+");
          reused = true;
          break;
        }
      }
      try {
        this.#activeFd = openSync(join(this.dir, fileName(seg)), "wx+", 0o600);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
    this.#active = seg;
    // a reused file still holds its old bytes past what this one has written: no row names them
    this.#activeSize = reused ? 0 : fstatSync(this.#activeFd).size;
    this.#queuedFrom = this.#activeSize;
  }

  #reader(seg: number): number | undefined {
    if (seg === this.#active) return this.#activeFd;
    const fd = this.#readers.get(seg);
    if (fd !== undefined) return fd;
    try {
      const opened = openSync(join(this.dir, fileName(seg)), "r");
      if (this.#readers.size >= MAX_OPEN_READERS) {
        const [oldest] = this.#readers.keys();
        this.#closeReader(oldest!);
      }
      this.#readers.set(seg, opened);
      return opened;
    } catch {
      return undefined;
    }
  }

  #closeReader(seg: number): void {
    const fd = this.#readers.get(seg);
    if (fd === undefined) return;
    this.#readers.delete(seg);
    closeSync(fd);
  }
}
