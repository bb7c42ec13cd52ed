import { Capacitor, registerPlugin } from "@capacitor/core";
import type { PushTarget } from "./target.ts";

/**
 * The iOS shell's APNs hook: when running inside Capacitor on iOS with the PushNotifications native
 * plugin installed in the shell, register and hand the device token to the relay. The web build
 * never loads a native plugin; this is a no-op there.
 */
interface PushNotificationsPlugin {
  requestPermissions(): Promise<{ receive: string }>;
  register(): Promise<void>;
  addListener(event: "registration", fn: (t: { value: string }) => void): Promise<{ remove(): void }>;
  addListener(event: "registrationError", fn: (e: { error: string }) => void): Promise<{ remove(): void }>;
}

export function isIosShell(): boolean {
  return Capacitor.isNativePlatform() && Capacitor.getPlatform() === "ios";
}

export async function registerApns(register: (t: PushTarget) => Promise<void>, topic?: string): Promise<boolean> {
  if (!isIosShell()) return false;
  const push = registerPlugin<PushNotificationsPlugin>("PushNotifications");
  const perm = await push.requestPermissions();
  if (perm.receive !== "granted") return false;
  const token = await new Promise<string>((resolve, reject) => {
    void push.addListener("registration", (t) => resolve(t.value));
    void push.addListener("registrationError", (e) => reject(new Error(e.error)));
    void push.register();
  });
  await register({ kind: "apns", token, ...(topic ? { topic } : {}) });
  return true;
}
