import type { FastifyBaseLogger } from "fastify";
import type { RateUsage } from "./store/types.ts";

/** The store's `addRateUsage`. */
type Report = (usage: readonly RateUsage[], now: number) => Promise<{ messages: number; bytes: number }[]>;

/**
 * The per-device message and byte rates across every instance sharing a store (Redis). Each
 * instance still enforces its own token bucket per frame; on top of that it reports what each device
 * sent, every `intervalMs`, into a one-second window counted in the store, and refuses the rest of
 * that second to a device whose window total is over the limit. A device spread over k instances is
 * thus held to the limit within one report interval, instead of k times it.
 */
export class SharedRate {
  readonly #report: Report;
  readonly #limits: { messagesPerSec: number; bytesPerSec: number };
  readonly #log: FastifyBaseLogger;
  #pending = new Map<string, { messages: number; bytes: number }>();
  /** device -> the last window it sent in here: its total is read again every report of that window */
  #active = new Map<string, number>();
  /** device -> the window (whole second) in which it went over */
  #over = new Map<string, number>();
  #timer: ReturnType<typeof setInterval>;
  #flushing = false;

  constructor(
    report: Report,
    limits: { messagesPerSec: number; bytesPerSec: number },
    log: FastifyBaseLogger,
    intervalMs = 100,
  ) {
    this.#report = report;
    this.#limits = limits;
    this.#log = log;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  isOver(deviceId: string, now = Date.now()): boolean {
    return this.#over.get(deviceId) === Math.floor(now / 1000);
  }

  note(deviceId: string, bytes: number, now = Date.now()): void {
    this.#active.set(deviceId, Math.floor(now / 1000));
    const p = this.#pending.get(deviceId);
    if (p) {
      p.messages++;
      p.bytes += bytes;
    } else this.#pending.set(deviceId, { messages: 1, bytes });
  }

  async flush(now = Date.now()): Promise<void> {
    const window = Math.floor(now / 1000);
    for (const [d, w] of this.#active) if (w < window && !this.#pending.has(d)) this.#active.delete(d);
    if (this.#flushing || this.#active.size === 0) return;
    this.#flushing = true;
    // every device active here this second: its new usage, or none (to read what other instances added)
    const usage: RateUsage[] = [...this.#active.keys()].map((deviceId) => ({
      deviceId,
      ...(this.#pending.get(deviceId) ?? { messages: 0, bytes: 0 }),
    }));
    this.#pending = new Map();
    try {
      const totals = await this.#report(usage, now);
      totals.forEach((t, i) => {
        if (t.messages > this.#limits.messagesPerSec || t.bytes > this.#limits.bytesPerSec) {
          this.#over.set(usage[i]!.deviceId, window);
        }
      });
      for (const [d, w] of this.#over) if (w < window) this.#over.delete(d);
    } catch (err) {
      // the local buckets still hold; the shared count resumes with the next report
      this.#log.warn({ err }, "shared rate report failed");
    } finally {
      this.#flushing = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
