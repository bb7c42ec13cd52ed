import type { CapacitorConfig } from "@capacitor/cli";

/**
 * The native shells (iOS, Android) wrap the same built PWA from dist/. Generate them with
 * `pnpm --filter @codex-remote/codex-mobile cap:add:ios` (needs Xcode) or `cap:add:android`, then
 * `cap:sync` after every build. The iOS shell registers for APNs through the PushNotifications
 * plugin (see src/push/apns.ts) and hands the token to the relay.
 */
const config: CapacitorConfig = {
  appId: "dev.codexremote.mobile",
  appName: "codex-remote",
  webDir: "dist",
  ios: { contentInset: "always", limitsNavigationsToAppBoundDomains: false },
  android: { allowMixedContent: false },
  plugins: {
    PushNotifications: { presentationOptions: ["badge", "sound", "alert"] },
  },
};

export default config;
