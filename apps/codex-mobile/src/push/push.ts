import type { PushTarget } from "./target.ts";

export type PushState =
  | { kind: "unsupported"; why: string }
  | { kind: "denied" }
  | { kind: "off" }
  | { kind: "on"; target: PushTarget }
  | { kind: "error"; message: string };

/** Base64url VAPID key → the bytes `pushManager.subscribe` wants. */
export function vapidKeyBytes(key: string): Uint8Array<ArrayBuffer> {
  const b64 = key.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function b64url(buf: ArrayBuffer | null): string {
  if (!buf) return "";
  let s = "";
  for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The Web Push subscription as the relay's `push_register` wants it. */
export function toTarget(sub: PushSubscription): PushTarget {
  return {
    kind: "webpush",
    subscription: {
      endpoint: sub.endpoint,
      keys: { p256dh: b64url(sub.getKey("p256dh")), auth: b64url(sub.getKey("auth")) },
    },
  };
}

export async function webPushState(): Promise<PushState> {
  if (!("serviceWorker" in navigator) || !("PushManager" in globalThis)) {
    return { kind: "unsupported", why: "this browser has no Web Push" };
  }
  if (typeof Notification !== "undefined" && Notification.permission === "denied") return { kind: "denied" };
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  return sub ? { kind: "on", target: toTarget(sub) } : { kind: "off" };
}

/**
 * Asks for notification permission, subscribes with the relay's VAPID key and hands the subscription
 * to `register` (the relay's push_register). A push carries no content: the app decrypts on open.
 */
export async function enableWebPush(
  vapidPublicKey: string,
  register: (t: PushTarget) => Promise<void>,
): Promise<PushState> {
  const state = await webPushState();
  if (state.kind === "unsupported" || state.kind === "denied") return state;
  try {
    if (typeof Notification !== "undefined" && Notification.permission !== "granted") {
      const p = await Notification.requestPermission();
      if (p !== "granted") return { kind: "denied" };
    }
    const reg = await navigator.serviceWorker.ready;
    const sub =
      (await reg.pushManager.getSubscription()) ??
      (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapidKeyBytes(vapidPublicKey) }));
    const target = toTarget(sub);
    await register(target);
    return { kind: "on", target };
  } catch (e) {
    return { kind: "error", message: e instanceof Error ? `${e.name}: ${e.message}` : "subscription failed" };
  }
}
