import { readFileSync } from "node:fs";
import type { PushTarget } from "@codex-remote/protocol/relay";
import apn from "@parse/node-apn";
import type { PushMessage, PushOutcome, PushProvider } from "./pusher.ts";

export interface ApnsOptions {
  /** the .p8 key's PEM text or path */
  readonly key: string;
  readonly keyId: string;
  readonly teamId: string;
  readonly topic: string;
  readonly production: boolean;
  /** host:port override (tests run a local HTTP/2 server that behaves like APNs) */
  readonly address?: string | undefined;
  readonly ca?: string | undefined;
}

function hostPort(address: string): { address: string; port?: number } {
  const m = /^(.*):(\d+)$/.exec(address);
  return m ? { address: m[1]!, port: Number(m[2]) } : { address };
}

/** Fixed, content-free texts (the app opens the room and decrypts what happened). */
const GENERIC_TEXT: Record<PushMessage["category"], string> = {
  approval_needed: "Your agent needs an approval",
  turn_completed: "Your agent finished a turn",
  error: "Your agent stopped with an error",
  attention_needed: "Your agent needs you to go on",
};

/** APNs with token auth (.p8) through @parse/node-apn. 400 BadDeviceToken / 410 Unregistered = gone. */
export class ApnsProvider implements PushProvider {
  readonly name = "apns" as const;
  readonly #provider: apn.Provider;
  readonly #topic: string;

  constructor(o: ApnsOptions) {
    const key = o.key.includes("BEGIN PRIVATE KEY") ? o.key : readFileSync(o.key, "utf8");
    this.#provider = new apn.Provider({
      token: { key, keyId: o.keyId, teamId: o.teamId },
      production: o.production,
      ...(o.address ? hostPort(o.address) : {}),
      ...(o.ca ? { ca: [o.ca] } : {}),
    });
    this.#topic = o.topic;
  }

  async send(target: PushTarget, m: PushMessage): Promise<PushOutcome> {
    if (target.kind !== "apns") return { kind: "failed", reason: "not an apns target" };
    const note = new apn.Notification();
    note.topic = target.topic ?? this.#topic;
    note.pushType = "alert";
    note.alert = { title: "codex-remote", body: GENERIC_TEXT[m.category], "loc-key": `push.${m.category}` };
    note.payload = { category: m.category, room: m.room };
    note.expiry = Math.floor(Date.now() / 1000) + 3600;
    const res = await this.#provider.send(note, target.token);
    if (res.sent.length > 0) return { kind: "sent" };
    const f = res.failed[0];
    const reason = f?.response?.reason ?? f?.error?.message ?? "unknown";
    if (f?.status === 410 || (f?.status === 400 && reason === "BadDeviceToken")) return { kind: "gone", reason };
    return { kind: "failed", reason: `${f?.status ?? "no status"} ${reason}` };
  }

  async close(): Promise<void> {
    await this.#provider.shutdown();
  }
}
