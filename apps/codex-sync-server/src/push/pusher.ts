import type { PushCategory, PushTarget } from "@codex-remote/protocol/relay";
import type { FastifyBaseLogger } from "fastify";
import type { Metrics } from "../metrics.ts";
import { pushTargetKey, type RelayStore } from "../store/types.ts";

/** What a push carries: a category and the room id, never content. */
export interface PushMessage {
  readonly category: PushCategory;
  readonly room: string;
}

/** sent | gone (token/subscription no longer valid: drop it) | failed (try again next time) */
export type PushOutcome =
  | { readonly kind: "sent" }
  | { readonly kind: "gone"; readonly reason: string }
  | { readonly kind: "failed"; readonly reason: string };

export interface PushProvider {
  readonly name: "apns" | "webpush";
  send(target: PushTarget, message: PushMessage): Promise<PushOutcome>;
  close(): Promise<void>;
}

export interface Pusher {
  notify(room: string, category: PushCategory, devices: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sends a content-free push to every listed device that is not connected and active. Every send's
 * outcome is counted (relay_push_total{provider,outcome}) and logged; dead tokens are dropped.
 */
export class RelayPusher implements Pusher {
  readonly #store: RelayStore;
  readonly #metrics: Metrics;
  readonly #log: FastifyBaseLogger;
  readonly #providers: Map<string, PushProvider>;

  constructor(store: RelayStore, metrics: Metrics, log: FastifyBaseLogger, providers: readonly PushProvider[]) {
    this.#store = store;
    this.#metrics = metrics;
    this.#log = log;
    this.#providers = new Map(providers.map((p) => [p.name, p]));
  }

  async notify(room: string, category: PushCategory, devices: readonly string[]): Promise<void> {
    await Promise.all(devices.map((d) => this.#notifyDevice(room, category, d)));
  }

  async #notifyDevice(room: string, category: PushCategory, device: string): Promise<void> {
    try {
      if (await this.#store.isActive(device, Date.now())) {
        this.#metrics.push.inc({ provider: "none", outcome: "skipped_active" });
        return;
      }
      for (const target of await this.#store.pushTargets(device)) {
        const provider = this.#providers.get(target.kind);
        if (!provider) {
          this.#metrics.push.inc({ provider: target.kind, outcome: "unconfigured" });
          this.#log.warn({ device, provider: target.kind }, "push provider not configured");
          continue;
        }
        let outcome: PushOutcome;
        try {
          outcome = await provider.send(target, { category, room });
        } catch (err) {
          outcome = { kind: "failed", reason: err instanceof Error ? err.message : String(err) };
        }
        this.#metrics.push.inc({ provider: target.kind, outcome: outcome.kind });
        const info = { device, room, category, provider: target.kind, outcome: outcome.kind };
        if (outcome.kind === "sent") this.#log.info(info, "push sent");
        else {
          this.#log.warn({ ...info, reason: outcome.reason }, "push not delivered");
          if (outcome.kind === "gone") await this.#store.removePushTarget(device, pushTargetKey(target));
        }
      }
    } catch (err) {
      this.#metrics.push.inc({ provider: "none", outcome: "error" });
      this.#log.error({ err, device, room }, "push failed");
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#providers.values()].map((p) => p.close()));
  }
}
