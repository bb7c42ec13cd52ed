import { generateKeyPairSync } from "node:crypto";
import { cpSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { DIST, type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

const b64url = (b: Buffer) => b.toString("base64url");

/** A VAPID key pair as web-push wants it: the public key uncompressed (65 bytes), the private scalar. */
function vapidKeys(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pub = publicKey.export({ format: "jwk" });
  const priv = privateKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, "base64url"), Buffer.from(pub.y!, "base64url")]);
  return { publicKey: b64url(raw), privateKey: priv.d! };
}

/**
 * Web Push registration and the offline shell. The relay serves the app from a folder that also holds
 * its VAPID public key (`vapid-public-key`, how a self-hosted relay offers Web Push to the PWA).
 * Headless Chromium has no push service offline (calling the real `pushManager.subscribe` crashes
 * it here), so the test stands in for the browser's push service only: `subscribe` returns a
 * subscription with real P-256 keys whose endpoint is a local receiver. Everything after that is
 * real: the app's registration over the relay connection, stored by the relay.
 */
describe("push subscription and offline shell against the real relay and wrapper", () => {
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  const dataDir = tempDir("cm-relay-");
  const vapid = vapidKeys();
  const receiver = createServer((_req, res) => res.writeHead(201).end());

  beforeAll(async () => {
    const staticDir = tempDir("cm-static-");
    cpSync(DIST, staticDir, { recursive: true });
    writeFileSync(join(staticDir, "vapid-public-key"), vapid.publicKey);
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    relay = await startRelay({
      dataDir,
      staticDir,
      env: {
        CODEX_RELAY_VAPID_PUBLIC_KEY: vapid.publicKey,
        CODEX_RELAY_VAPID_PRIVATE_KEY: vapid.privateKey,
        CODEX_RELAY_VAPID_SUBJECT: "mailto:test@example.invalid",
      },
    });
    wrapper = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-") });
    phone = await launchPhone();
    page = phone.page;
    await phone.context.grantPermissions(["notifications"], { origin: relay.httpUrl.slice(0, -1) });
    const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/push/phone`;
    await page.addInitScript((ep: string) => {
      let sub: unknown = null;
      const w = window as unknown as { __serverKey?: string };
      PushManager.prototype.getSubscription = async () => sub as PushSubscription | null;
      PushManager.prototype.subscribe = async (opts?: PushSubscriptionOptionsInit) => {
        const kp = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
        const raw = await crypto.subtle.exportKey("raw", kp.publicKey);
        const auth = crypto.getRandomValues(new Uint8Array(16)).buffer;
        const key = new Uint8Array(opts?.applicationServerKey as ArrayBuffer);
        w.__serverKey = btoa(String.fromCharCode(...key))
          .replace(/\+/g, "-")
          .replace(/\//g, "_")
          .replace(/=+$/, "");
        sub = {
          endpoint: ep,
          expirationTime: null,
          getKey: (n: string) => (n === "p256dh" ? raw : n === "auth" ? auth : null),
        };
        return sub as PushSubscription;
      };
    }, endpoint);
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
    receiver.close();
  });

  it("registers the Web Push subscription with the relay", async () => {
    await page.goto(wrapper.link);
    await page.getByTestId("sas").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "They match" }).tap();
    await page.getByRole("button", { name: "See sessions" }).tap();
    await page.getByTestId("session-row").waitFor({ timeout: 15_000 });
    await page.getByRole("link", { name: "Settings" }).tap();
    await page.getByRole("button", { name: "Enable notifications" }).tap();
    await expect.poll(() => page.getByTestId("push-state").textContent(), { timeout: 10_000 }).toContain("On");
    expect(await page.evaluate(() => (window as unknown as { __serverKey?: string }).__serverKey)).toBe(
      vapid.publicKey,
    );
    const db = new DatabaseSync(join(dataDir, "relay.sqlite"), { readOnly: true });
    const rows = db.prepare("SELECT target FROM push").all() as { target: string }[];
    db.close();
    expect(rows.map((r) => JSON.parse(r.target))).toContainEqual(
      expect.objectContaining({
        kind: "webpush",
        subscription: expect.objectContaining({ endpoint: expect.stringContaining("/push/phone") }),
      }),
    );
    await shot(page, "11-settings-push");
    await page.getByRole("button", { name: "light" }).tap();
    await page.getByRole("link", { name: "Back to sessions" }).tap();
    await shot(page, "12-session-list-light");
    await page.getByTestId("session-row").tap();
    await page.getByTestId("timeline").waitFor();
    await shot(page, "12b-session-light");
    await page.getByRole("link", { name: "Back to sessions" }).tap();
  });

  it("opens offline from the service worker's cache and says it is offline", async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await phone.context.setOffline(true);
    await page.reload();
    await expect
      .poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 10_000 })
      .toBe("offline");
    expect(await page.getByTestId("connection").textContent()).toContain("Offline");
    await shot(page, "13-offline-shell");
    await phone.context.setOffline(false);
  });
});
