/** Where the relay sends a content-free push: this PWA's Web Push subscription or the iOS shell's APNs token. */
export type PushTarget =
  | { kind: "apns"; token: string; topic?: string }
  | { kind: "webpush"; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } };
