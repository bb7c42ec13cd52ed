import { Agent } from "node:https";
import type { PushTarget } from "@codex-remote/protocol/relay";
import webpush from "web-push";
import type { PushMessage, PushOutcome, PushProvider } from "./pusher.ts";

export interface WebPushOptions {
  readonly publicKey: string;
  readonly privateKey: string;
  readonly subject: string;
  /** extra trusted CA (PEM) for the push service */
  readonly ca?: string | undefined;
}

/** Web Push (VAPID) for the PWA. 404/410 from the push service = the subscription is gone. */
export class WebPushProvider implements PushProvider {
  readonly name = "webpush" as const;
  readonly #o: WebPushOptions;
  readonly #agent: Agent | undefined;
  constructor(o: WebPushOptions) {
    this.#o = o;
    this.#agent = o.ca ? new Agent({ ca: o.ca, keepAlive: true }) : undefined;
  }

  async send(target: PushTarget, m: PushMessage): Promise<PushOutcome> {
    if (target.kind !== "webpush") return { kind: "failed", reason: "not a webpush target" };
    try {
      await webpush.sendNotification(target.subscription, JSON.stringify({ category: m.category, room: m.room }), {
        vapidDetails: { subject: this.#o.subject, publicKey: this.#o.publicKey, privateKey: this.#o.privateKey },
        TTL: 3600,
        urgency: "high",
        ...(this.#agent ? { agent: this.#agent } : {}),
      });
      return { kind: "sent" };
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) return { kind: "gone", reason: String(status) };
      return { kind: "failed", reason: status ? String(status) : err instanceof Error ? err.message : "error" };
    }
  }

  async close(): Promise<void> {
    this.#agent?.destroy();
  }
}
