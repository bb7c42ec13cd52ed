import { Worker } from "node:worker_threads";

/**
 * Fresh slabs for the payload arena, with their memory already mapped. The first write to each
 * 4 KiB page of new memory is a page fault; on a VM whose host reclaims freed memory, each costs a
 * few µs, and a 16 KiB frame kept in a new slab takes four of them on the thread that parses,
 * stores and forwards every frame. A worker thread writes one byte per page of the next slabs
 * ahead of need instead, so the faults land on another core while the relay's thread goes on.
 *
 * A slab is handed over only after the worker has posted it back (its writes are then done), so
 * the worker never writes into memory that holds a frame. When no slab is ready the arena
 * allocates one itself, as before; if the worker dies, it keeps doing so.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (sab) => {
  const bytes = new Uint8Array(sab);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
  parentPort.postMessage(sab);
});
`;

export class SlabPrefaulter {
  readonly #slabBytes: number;
  readonly #ahead: number;
  #worker: Worker | undefined;
  #ready: Uint8Array[] = [];
  #pending = 0;
  readonly #source: string;
  #stopped = false;
  /** Slabs handed out ready, for tests. */
  handedOut = 0;

  /**
   * `ahead`: how many mapped slabs to keep ready (and in flight). `workerSource` replaces the
   * worker's code, for tests.
   */
  constructor(slabBytes: number, ahead = 2, workerSource = WORKER_SOURCE) {
    this.#slabBytes = slabBytes;
    this.#ahead = ahead;
    this.#source = workerSource;
  }

  /** A slab whose pages are mapped, if one is ready; either way, asks the worker for more. */
  take(): Uint8Array | undefined {
    const slab = this.#ready.pop();
    if (slab) this.handedOut++;
    this.#topUp();
    return slab;
  }

  /** Slabs ready or being prepared, for tests. */
  get held(): number {
    return this.#ready.length + this.#pending;
  }

  close(): void {
    this.#stopped = true;
    this.#ready = [];
    this.#pending = 0;
    void this.#worker?.terminate();
    this.#worker = undefined;
  }

  #topUp(): void {
    if (this.#stopped) return;
    const w = this.#worker ?? this.#start();
    while (this.#ready.length + this.#pending < this.#ahead) {
      w.postMessage(new SharedArrayBuffer(this.#slabBytes));
      this.#pending++;
    }
  }

  #start(): Worker {
    const w = new Worker(this.#source, { eval: true });
    w.unref();
    w.on("message", (sab: SharedArrayBuffer) => {
      if (this.#stopped) return;
      this.#pending--;
      this.#ready.push(new Uint8Array(sab));
    });
    // without the worker the arena allocates its own slabs, as it did before it existed
    w.on("error", () => this.close());
    w.on("exit", () => this.close());
    this.#worker = w;
    return w;
  }
}
