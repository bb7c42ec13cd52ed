import type { AgentEvent } from "@codex-remote/protocol";

export type Unsubscribe = () => void;

/** A multi-consumer stream: `subscribe` for callbacks, `for await` for iteration (each loop sees events from when it started). */
export interface EventStream<T> extends AsyncIterable<T> {
  subscribe(listener: (event: T) => void): Unsubscribe;
}

export type AgentEventStream = EventStream<AgentEvent>;

/** The writable side a backend owns; `end()` finishes every iterator. */
export class EventHub<T> implements EventStream<T> {
  #listeners = new Set<(event: T) => void>();
  #ended = false;
  #endWaiters = new Set<() => void>();

  get ended(): boolean {
    return this.#ended;
  }

  emit(event: T): void {
    if (this.#ended) return;
    for (const listener of [...this.#listeners]) listener(event);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#listeners.clear();
    for (const wake of [...this.#endWaiters]) wake();
    this.#endWaiters.clear();
  }

  subscribe(listener: (event: T) => void): Unsubscribe {
    if (this.#ended) return () => {};
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const queue: T[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe((event) => {
      queue.push(event);
      wake?.();
    });
    const onEnd = () => wake?.();
    this.#endWaiters.add(onEnd);
    const done = (): IteratorReturnResult<undefined> => {
      unsubscribe();
      this.#endWaiters.delete(onEnd);
      return { done: true, value: undefined };
    };
    return {
      next: async () => {
        while (queue.length === 0) {
          if (this.#ended) return done();
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        return { done: false, value: queue.shift()! };
      },
      return: async () => done(),
    };
  }
}
