import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import type { RelayConfig, RelayConfigInput } from "./config.ts";
import { parseConfig } from "./config.ts";
import { Connection } from "./connection.ts";
import { Hub } from "./hub.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { type PushProvider, RelayPusher } from "./push/pusher.ts";
import { serveStatic } from "./static.ts";
import { openStore } from "./store/open.ts";
import type { PresenceKey, RelayStore } from "./store/types.ts";

export const RELAY_PATH = "/v1/relay";

export interface Relay {
  /** ws://host:port/v1/relay */
  readonly url: string;
  readonly httpUrl: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: RelayStore;
  readonly metrics: Metrics;
  readonly hub: Hub;
  /** Graceful: stop accepting, tell clients to reconnect elsewhere, flush the store, close. */
  close(): Promise<void>;
}

/** The configured push providers; their libraries load only when configured (a lighter heap otherwise). */
async function pushProviders(c: RelayConfig): Promise<PushProvider[]> {
  const out: PushProvider[] = [];
  const ca = c.pushCaPath ? readFileSync(c.pushCaPath, "utf8") : undefined;
  if (c.apnsKeyPath && c.apnsKeyId && c.apnsTeamId && c.apnsTopic) {
    const { ApnsProvider } = await import("./push/apns.ts");
    out.push(
      new ApnsProvider({
        key: c.apnsKeyPath,
        keyId: c.apnsKeyId,
        teamId: c.apnsTeamId,
        topic: c.apnsTopic,
        production: c.apnsProduction,
        address: c.apnsAddress,
        ca,
      }),
    );
  }
  if (c.vapidPublicKey && c.vapidPrivateKey && c.vapidSubject) {
    const { WebPushProvider } = await import("./push/webpush.ts");
    out.push(
      new WebPushProvider({
        publicKey: c.vapidPublicKey,
        privateKey: c.vapidPrivateKey,
        subject: c.vapidSubject,
        ca,
      }),
    );
  }
  return out;
}

/**
 * Lets the HTTP upgrade's objects go once the WebSocket is up. @fastify/websocket leaves an 'error'
 * listener on the socket that closes over the Fastify request and reply, and the raw ServerResponse
 * stays attached to the TCP socket: a few KiB per idle connection, never used again. Connection
 * installs its own error handling (close and terminate), so both are dropped here.
 */
function releaseUpgradeState(ws: WebSocket): void {
  ws.removeAllListeners("error");
  const tcp = (ws as unknown as { _socket?: Socket & { _httpMessage?: ServerResponse | null } })._socket;
  const res = tcp?._httpMessage;
  if (tcp && res) res.detachSocket(tcp);
}

export interface StartOptions {
  /** Use this store instead of opening the configured one (tests, embedding). */
  readonly store?: RelayStore;
  /** Write the JSON logs here instead of stdout. */
  readonly logStream?: { write(line: string): void };
}

/** Starts a relay (the deployed server and the wrapper's embedded `codex-remote relay` both use this). */
export async function startRelay(input: RelayConfigInput | RelayConfig = {}, opts: StartOptions = {}): Promise<Relay> {
  const config = parseConfig(input as Record<string, unknown>);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie"],
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    // no per-request child logger: a WebSocket upgrade would keep one alive per idle connection
    childLoggerFactory: (logger) => logger,
    // WebSocket clients are drained before close; a keep-alive HTTP socket (a browser fetching the app)
    // must not hold shutdown for the 72 s keep-alive timeout when it is caught between requests.
    forceCloseConnections: true,
  });
  const store = opts.store ?? (await openStore(config));
  const metrics = createMetrics();
  const pusher = new RelayPusher(store, metrics, app.log, await pushProviders(config));
  const hub = new Hub(store, config, metrics, app.log, pusher);

  await app.register(websocket, {
    options: { maxPayload: config.maxFrameBytes * 2 + 4096, perMessageDeflate: false },
  });
  app.get(RELAY_PATH, { websocket: true }, (socket) => {
    releaseUpgradeState(socket);
    if (hub.draining) {
      socket.on("error", () => socket.terminate());
      socket.close(4022, "server_draining");
      return;
    }
    new Connection(hub, socket);
  });
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_req, reply) => {
    const ready = !hub.draining && (await store.ready().catch(() => false));
    return reply.code(ready ? 200 : 503).send({ ready, store: store.kind });
  });
  app.get("/metrics", async (_req, reply) =>
    reply.header("content-type", metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  // The PWA asks for `./vapid-public-key` next to its index.html: the relay answers it when Web Push is set up.
  app.get("/vapid-public-key", async (_req, reply) => {
    reply.header("content-type", "text/plain; charset=utf-8").header("cache-control", "no-store");
    return config.vapidPublicKey
      ? reply.send(config.vapidPublicKey)
      : reply.code(404).send("web push is not configured\n");
  });
  if (config.staticDir) serveStatic(app, config.staticDir);

  // Ping every interval; a peer that sent nothing (no pong, no message) for two intervals is closed.
  // The same round tells a shared store that this instance's connections are still here.
  const pingTimer = setInterval(() => {
    const here: PresenceKey[] = [];
    for (const c of hub.conns) {
      if (!(c instanceof Connection)) continue;
      if (c.deviceId && !c.closed) here.push({ deviceId: c.deviceId, connKey: c.key });
      if (c.alive) c.strikes = 0;
      else if (++c.strikes >= 2) {
        c.fail("idle_timeout");
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {}
    }
    store.touchPresence(here, Date.now()).catch((err: unknown) => app.log.error({ err }, "presence refresh failed"));
  }, config.pingIntervalMs);
  const sweepTimer = setInterval(
    () => void store.sweep(hub.retention, Date.now()).catch((err: unknown) => app.log.error({ err }, "sweep failed")),
    Math.min(60_000, config.retentionAgeMs),
  );
  pingTimer.unref();
  sweepTimer.unref();

  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
  const httpUrl = `http://${hostForUrl}:${port}`;
  const url = config.publicUrl ?? `ws://${hostForUrl}:${port}${RELAY_PATH}`;
  app.log.info({ url, store: store.kind }, "relay listening");

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(pingTimer);
      hub.sharedRate?.close();
      clearInterval(sweepTimer);
      hub.drain();
      const deadline = Date.now() + config.drainTimeoutMs;
      while (hub.conns.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await app.close();
      hub.close();
      await pusher.close();
      await store.close();
    })());
  return { url, httpUrl, port, app, store, metrics, hub, close };
}
