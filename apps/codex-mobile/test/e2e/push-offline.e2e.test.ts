import { spawnSync } from "node:child_process";
import { createDecipheriv, createECDH, generateKeyPairSync, hkdfSync } from "node:crypto";
import { cpSync, readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { createServer } from "node:https";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { DIST, type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

const b64url = (b: Buffer) => b.toString("base64url");

function selfSignedCert(): { key: Buffer; cert: Buffer; certPath: string } {
  const dir = tempDir("cm-tls-");
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  const r = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ]);
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr.toString()}`);
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath };
}

/** RFC 8291 (aes128gcm, one record): what the phone's push service would hand the service worker. */
function decryptPush(body: Buffer, keys: { d: string; pub: string; auth: string }): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(keys.d, "base64url"));
  const secret = ecdh.computeSecret(asPublic);
  const uaPublic = Buffer.from(keys.pub, "base64url");
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", secret, Buffer.from(keys.auth, "base64url"), info, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  const end = plain.lastIndexOf(2); // padding delimiter of the last record
  return plain.subarray(0, end).toString("utf8");
}

/** A VAPID key pair as web-push wants it: the public key uncompressed (65 bytes), the private scalar. */
function vapidKeys(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pub = publicKey.export({ format: "jwk" });
  const priv = privateKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, "base64url"), Buffer.from(pub.y!, "base64url")]);
  return { publicKey: b64url(raw), privateKey: priv.d! };
}

/**
 * Web Push registration and the offline shell. The relay serves the app and, configured for Web Push,
 * answers `vapid-public-key` next to it with its VAPID public key (how the PWA finds it).
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
  let keys: { d: string; pub: string; auth: string } | undefined;
  const pushes: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
  // The push service is HTTPS (web-push speaks TLS only): a self-signed certificate the relay trusts.
  const tls = selfSignedCert();
  const receiver = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pushes.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201).end();
    });
  });

  beforeAll(async () => {
    const staticDir = tempDir("cm-static-");
    cpSync(DIST, staticDir, { recursive: true });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    relay = await startRelay({
      dataDir,
      staticDir,
      env: {
        CODEX_RELAY_VAPID_PUBLIC_KEY: vapid.publicKey,
        CODEX_RELAY_VAPID_PRIVATE_KEY: vapid.privateKey,
        CODEX_RELAY_VAPID_SUBJECT: "mailto:test@example.invalid",
        NODE_EXTRA_CA_CERTS: tls.certPath,
      },
    });
    wrapper = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-") });
    phone = await launchPhone();
    page = phone.page;
    await phone.context.grantPermissions(["notifications"], { origin: relay.httpUrl.slice(0, -1) });
    const endpoint = `https://127.0.0.1:${(receiver.address() as { port: number }).port}/push/phone`;
    await page.addInitScript((ep: string) => {
      let sub: unknown = null;
      const w = window as unknown as { __serverKey?: string; __pushKeys?: { d: string; pub: string; auth: string } };
      const b64 = (b: ArrayBuffer) =>
        btoa(String.fromCharCode(...new Uint8Array(b)))
          .replace(/\+/g, "-")
          .replace(/\//g, "_")
          .replace(/=+$/, "");
      PushManager.prototype.getSubscription = async () => sub as PushSubscription | null;
      PushManager.prototype.subscribe = async (opts?: PushSubscriptionOptionsInit) => {
        const kp = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
        const raw = await crypto.subtle.exportKey("raw", kp.publicKey);
        const auth = crypto.getRandomValues(new Uint8Array(16)).buffer;
        const key = new Uint8Array(opts?.applicationServerKey as ArrayBuffer);
        const jwk = await crypto.subtle.exportKey("jwk", kp.privateKey);
        w.__pushKeys = { d: jwk.d!, pub: b64(raw), auth: b64(auth) };
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
    keys = await page.evaluate(
      () => (window as unknown as { __pushKeys?: { d: string; pub: string; auth: string } }).__pushKeys,
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

  it("gets a content-free push from the relay when the laptop needs an approval and the app is away", async () => {
    expect(keys).toBeDefined();
    await page.close(); // the phone is gone: the relay pushes instead of relying on the live connection
    const before = pushes.length;
    wrapper.proc.write("something that needs an approval");
    await expect.poll(() => pushes.length, { timeout: 20_000 }).toBeGreaterThan(before);
    const push = pushes[pushes.length - 1]!;
    expect(push.url).toBe("/push/phone");
    expect(push.headers["content-encoding"]).toBe("aes128gcm");
    expect(String(push.headers.authorization)).toContain(`k=${vapid.publicKey}`);
    const payload = JSON.parse(decryptPush(push.body, keys!)) as Record<string, unknown>;
    expect(payload.category).toBe("approval_needed");
    // no content: a category and the room, nothing of the prompt, command or code
    expect(Object.keys(payload).sort()).toEqual(["category", "room"]);
    expect(JSON.stringify(payload)).not.toContain("approval from the");
  });
});
