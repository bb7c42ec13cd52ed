import { initialState, reduce } from "./reduce.ts";
import type { AppState, StoreInput } from "./types.ts";

export type Listener = (state: AppState) => void;

/** A tiny observable wrapper around the pure reducer; listeners are notified once per animation frame. */
export class Store {
  #state: AppState;
  #listeners = new Set<Listener>();
  #scheduled = false;
  readonly #schedule: (fn: () => void) => void;

  constructor(state: AppState = initialState(Date.now()), schedule: (fn: () => void) => void = queueMicrotask) {
    this.#state = state;
    this.#schedule = schedule;
  }

  get state(): AppState {
    return this.#state;
  }

  dispatch(input: StoreInput): void {
    const next = reduce(this.#state, input);
    if (next === this.#state) return;
    this.#state = next;
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      for (const l of this.#listeners) l(this.#state);
    });
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
