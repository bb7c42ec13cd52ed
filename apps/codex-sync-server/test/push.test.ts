import { execFileSync } from "node:child_process";
import { createECDH, generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import { createServer as createHttpsServer, type Server } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { pairedSetup, relay, tempDir, until } from "./helpers.ts";

const dir = tempDir("relay-push-");
const GOOD = "aa".repeat(32);
const BAD = "bb".repeat(32);
const GONE = "cc".repeat(32);

interface Seen {
  path: string;
  auth: string;
  topic: string;
  body: string;
}
let apns: Http2SecureServer;
let apnsPort = 0;
const apnsSeen: Seen[] = [];
let wp: Server;
let wpPort = 0;
const wpSeen: { path: string; bytes: number; auth: string }[] = [];

beforeAll(async () => {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "tls.key"),
      "-out",
      join(dir, "tls.crt"),
    ],
    { stdio: "ignore" },
  );
  // An HTTP/2 server that answers like APNs: 200, 400 BadDeviceToken, 410 Unregistered.
  apns = createSecureServer({ key: readFileSync(join(dir, "tls.key")), cert: readFileSync(join(dir, "tls.crt")) });
  apns.on("stream", (stream, headers) => {
    let body = "";
    stream.on("data", (d: Buffer) => {
      body += d.toString();
    });
    stream.on("end", () => {
      const path = String(headers[":path"]);
      apnsSeen.push({ path, auth: String(headers.authorization), topic: String(headers["apns-topic"]), body });
      const token = path.split("/").pop();
      if (token === BAD) {
        stream.respond({ ":status": 400, "content-type": "application/json" });
        stream.end(JSON.stringify({ reason: "BadDeviceToken" }));
      } else if (token === GONE) {
        stream.respond({ ":status": 410, "content-type": "application/json" });
        stream.end(JSON.stringify({ reason: "Unregistered", timestamp: Date.now() }));
      } else {
        stream.respond({ ":status": 200, "apns-id": "00000000-0000-0000-0000-000000000001" });
        stream.end();
      }
    });
  });
  await new Promise<void>((r) => apns.listen(0, "127.0.0.1", () => r()));
  apnsPort = (apns.address() as { port: number }).port;
  // A push service for Web Push: 201 Created, 410 Gone for /gone.
  wp = createHttpsServer(
    { key: readFileSync(join(dir, "tls.key")), cert: readFileSync(join(dir, "tls.crt")) },
    (req, res) => {
      let bytes = 0;
      req.on("data", (d: Buffer) => {
        bytes += d.length;
      });
      req.on("end", () => {
        wpSeen.push({ path: String(req.url), bytes, auth: String(req.headers.authorization) });
        res.statusCode = req.url === "/gone" ? 410 : 201;
        res.end();
      });
    },
  );
  await new Promise<void>((r) => wp.listen(0, "127.0.0.1", () => r()));
  wpPort = (wp.address() as { port: number }).port;
});
afterAll(async () => {
  apns?.close();
  wp?.close();
});

function subscription(path: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    endpoint: `https://127.0.0.1:${wpPort}${path}`,
    keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
  };
}

describe("push: content-free, skipped for active devices, outcomes counted, dead tokens dropped", () => {
  it("sends APNs (token auth) and Web Push (VAPID) and handles 200 / 400 BadDeviceToken / 410 Unregistered", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const p8 = join(dir, "AuthKey_TEST123456.p8");
    writeFileSync(p8, privateKey.export({ format: "pem", type: "pkcs8" }));
    const vapid = webpush.generateVAPIDKeys();
    const r = await relay({
      logLevel: (process.env.PUSH_LOG as "info") ?? "silent",
      apnsKeyPath: p8,
      apnsKeyId: "TEST123456",
      apnsTeamId: "TEAM123456",
      apnsTopic: "dev.codexremote.app",
      apnsAddress: `127.0.0.1:${apnsPort}`,
      pushCaPath: join(dir, "tls.crt"),
      vapidPublicKey: vapid.publicKey,
      vapidPrivateKey: vapid.privateKey,
      vapidSubject: "mailto:ops@example.invalid",
    });
    try {
      const { host, phone, room } = await pairedSetup(r.url);
      for (const token of [GOOD, BAD, GONE]) await phone.registerPush({ kind: "apns", token });
      await phone.registerPush({ kind: "webpush", subscription: subscription("/ok") });
      await phone.registerPush({ kind: "webpush", subscription: subscription("/gone") });

      // connected and active: nothing is sent
      await host.notify(room, "approval_needed");
      await new Promise((res) => setTimeout(res, 200));
      expect(apnsSeen.length + wpSeen.length).toBe(0);
      expect(await r.metrics.registry.getSingleMetricAsString("relay_push_total")).toMatch(
        /outcome="skipped_active"} 1/,
      );

      // background (connected but not active): pushes go out
      phone.setActive(false);
      await new Promise((res) => setTimeout(res, 100));
      await host.notify(room, "approval_needed");
      await until(() => apnsSeen.length >= 3 && wpSeen.length >= 2, 20_000, "pushes");
      for (const s of apnsSeen) {
        expect(s.auth).toMatch(/^bearer ey/);
        expect(s.topic).toBe("dev.codexremote.app");
        const body = JSON.parse(s.body);
        expect(body.room).toBe(room);
        expect(body.category).toBe("approval_needed");
        expect(Object.keys(body).sort()).toEqual(["aps", "category", "room"]);
      }
      expect(wpSeen.every((s) => s.auth.startsWith("vapid t="))).toBe(true);
      const metrics = await r.metrics.registry.getSingleMetricAsString("relay_push_total");
      await new Promise((res) => setTimeout(res, 200));
      const m2 = await r.metrics.registry.getSingleMetricAsString("relay_push_total");
      expect(m2).toMatch(/provider="apns",outcome="sent"} 1/);
      expect(m2).toMatch(/provider="apns",outcome="gone"} 2/);
      expect(m2).toMatch(/provider="webpush",outcome="sent"} 1/);
      expect(m2).toMatch(/provider="webpush",outcome="gone"} 1/);
      expect(metrics).toBeTruthy();
      const left = await r.store.pushTargets(phone.deviceId);
      expect(left.map((t) => (t.kind === "apns" ? t.token : t.subscription.endpoint)).sort()).toEqual(
        [GOOD, `https://127.0.0.1:${wpPort}/ok`].sort(),
      );

      // disconnected: pushes go to what is left
      phone.close();
      await until(() => r.hub.connectionsOf(phone.deviceId) === 0, 5000, "phone gone");
      const before = apnsSeen.length;
      await host.notify(room, "turn_completed");
      await until(() => apnsSeen.length === before + 1, 20_000, "one more apns");
      // a goal the agent cannot go on with: its own category, still no content
      await host.notify(room, "attention_needed");
      await until(() => apnsSeen.length === before + 2, 20_000, "the attention push");
      const attention = JSON.parse(apnsSeen.at(-1)!.body);
      expect([attention.category, attention.room, attention.aps.alert.body]).toEqual([
        "attention_needed",
        room,
        "Your agent needs you to go on",
      ]);
      host.close();
    } finally {
      await r.close();
    }
  });
});
