import type { BusEvent } from "./types.ts";

/** In-process fan-out for single-instance stores. */
export class LocalBus {
  #listeners = new Set<(e: BusEvent) => void>();
  publish(e: BusEvent): void {
    for (const l of this.#listeners) l(e);
  }
  subscribe(l: (e: BusEvent) => void): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }
}

/** Presence kept in process (memory and SQLite stores serve one instance). */
export class LocalPresence {
  #byDevice = new Map<string, Map<string, boolean>>();
  set(deviceId: string, connKey: string, active: boolean | undefined): void {
    let m = this.#byDevice.get(deviceId);
    if (active === undefined) {
      m?.delete(connKey);
      if (m && m.size === 0) this.#byDevice.delete(deviceId);
      return;
    }
    if (!m) {
      m = new Map();
      this.#byDevice.set(deviceId, m);
    }
    m.set(connKey, active);
  }
  /** One process holds every connection, so nothing here goes stale. */
  claim(deviceId: string, connKey: string, max: number): boolean {
    const m = this.#byDevice.get(deviceId);
    if (m && !m.has(connKey) && m.size >= max) return false;
    this.set(deviceId, connKey, true);
    return true;
  }
  isActive(deviceId: string): boolean {
    const m = this.#byDevice.get(deviceId);
    if (!m) return false;
    for (const a of m.values()) if (a) return true;
    return false;
  }
}

/**
 * The part of the RelayStore contract that memory and SQLite stores share: one process holds every
 * connection and every reader, so presence and fan-out stay in process (nothing to refresh).
 */
export abstract class SingleInstanceStore {
  readonly #presence = new LocalPresence();
  readonly #bus = new LocalBus();
  async claimPresence(deviceId: string, connKey: string, max: number): Promise<boolean> {
    return this.#presence.claim(deviceId, connKey, max);
  }
  async touchPresence(): Promise<void> {}
  async setPresence(deviceId: string, connKey: string, active: boolean | undefined): Promise<void> {
    this.#presence.set(deviceId, connKey, active);
  }
  async isActive(deviceId: string): Promise<boolean> {
    return this.#presence.isActive(deviceId);
  }
  publish(e: BusEvent): void {
    this.#bus.publish(e);
  }
  subscribe(l: (e: BusEvent) => void): () => void {
    return this.#bus.subscribe(l);
  }
}
