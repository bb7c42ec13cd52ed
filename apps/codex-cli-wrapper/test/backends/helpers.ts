import type { AgentEvent } from "@codex-remote/protocol";
import { AgentEvent as AgentEventSchema } from "@codex-remote/protocol";
import type { CodexBackend } from "../../src/backends/types.ts";

/** Records every event of a backend, validating each against the protocol's AgentEvent schema. */
export class Recorder {
  readonly events: AgentEvent[] = [];
  #waiters: Array<{ pred: (e: AgentEvent) => boolean; resolve: (e: AgentEvent) => void }> = [];

  constructor(backend: Pick<CodexBackend, "events">) {
    backend.events.subscribe((event) => {
      AgentEventSchema.parse(event);
      this.events.push(event);
      for (const w of [...this.#waiters]) {
        if (w.pred(event)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    });
  }

  /** The first event (from index `from`) matching `pred`, waiting for it if needed. */
  next<K extends AgentEvent["kind"]>(
    kind: K,
    pred: (e: Extract<AgentEvent, { kind: K }>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<Extract<AgentEvent, { kind: K }>> {
    const match = (e: AgentEvent): e is Extract<AgentEvent, { kind: K }> =>
      e.kind === kind && pred(e as Extract<AgentEvent, { kind: K }>);
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${kind}; saw ${this.kinds().join(",")}`)),
        timeoutMs,
      );
      this.#waiters.push({
        pred: match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<AgentEvent, { kind: K }>);
        },
      });
    });
  }

  /** The next turn end (completed, failed or interrupted) arriving after this call; call it before sendMessage. */
  turnEnd(timeoutMs = 20_000): Promise<AgentEvent> {
    const ends = ["turn_completed", "turn_failed", "turn_interrupted"];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no turn end; saw ${this.kinds().join(",")}`)), timeoutMs);
      this.#waiters.push({
        pred: (e) => ends.includes(e.kind),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }

  of<K extends AgentEvent["kind"]>(kind: K): Array<Extract<AgentEvent, { kind: K }>> {
    return this.events.filter((e): e is Extract<AgentEvent, { kind: K }> => e.kind === kind);
  }

  clear(): void {
    this.events.length = 0;
  }
}
