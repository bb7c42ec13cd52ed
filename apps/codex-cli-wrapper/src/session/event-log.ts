import type { AgentEvent } from "@codex-remote/protocol";

export interface LoggedEvent {
  readonly seq: number;
  readonly at: number;
  readonly event: AgentEvent;
}

/**
 * What the phone must see, in order: every AgentEvent of the session with a per-session sequence.
 * Bounded (oldest dropped first). A phone that was away — relay unreachable, phone asleep, laptop
 * asleep — gets everything after the last sequence it acknowledged, in order, when it is back; if
 * what it needs was trimmed, `since` says so and the host sends a resync marker first.
 */
export class EventLog {
  readonly #limit: number;
  #events: LoggedEvent[] = [];
  #head = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get head(): number {
    return this.#head;
  }

  get firstSeq(): number {
    return this.#events[0]?.seq ?? this.#head + 1;
  }

  append(event: AgentEvent, at = Date.now()): LoggedEvent {
    const entry = { seq: ++this.#head, at, event };
    this.#events.push(entry);
    if (this.#events.length > this.#limit) this.#events.splice(0, this.#events.length - this.#limit);
    return entry;
  }

  /** Events with seq > after, and whether some of them were already trimmed. */
  since(after: number): { events: readonly LoggedEvent[]; trimmed: boolean } {
    const first = this.firstSeq;
    const trimmed = after + 1 < first && this.#head > after;
    const start = Math.max(0, after + 1 - first);
    return { events: this.#events.slice(start), trimmed };
  }
}
