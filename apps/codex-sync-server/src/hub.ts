import { createHash } from "node:crypto";
import { closeCodeFor, RELAY_ERRORS, type RelayErrorCode, type ServerMessage } from "@codex-remote/protocol/relay";
import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { RelayConfig } from "./config.ts";
import { deliverHead, writeDeliver } from "./deliver-writer.ts";
import type { Metrics } from "./metrics.ts";
import type { Pusher } from "./push/pusher.ts";
import { DeviceRate } from "./rate.ts";
import { SharedRate } from "./shared-rate.ts";
import type { BusEvent, RelayStore, Retention } from "./store/types.ts";

export interface RoomState {
  host: string;
  accountId: string;
  controller: string | null;
  controllerEpoch: number;
  members: Set<string>;
}

/** What the hub needs from a connection. */
export interface HubConnection {
  readonly key: string;
  readonly ws: WebSocket;
  deviceId: string | undefined;
  readonly subs: Map<string, Subscription>;
  sendJson(msg: ServerMessage): void;
  fail(code: RelayErrorCode, message?: string): void;
  readonly closed: boolean;
}

const READ_BATCH = 256;

/**
 * One device connection's reading position in one room. Live frames are forwarded when they are
 * exactly the next sequence; anything else (a hole, a reconnect, a slow start) switches to pumping
 * from the store until caught up, so a reader gets every retained frame once, in order, and an
 * explicit gap for trimmed ones.
 */
export class Subscription {
  readonly conn: HubConnection;
  readonly room: string;
  next: number;
  live = false;
  pumping = false;
  missed = false;
  readonly hub: Hub;

  constructor(hub: Hub, conn: HubConnection, room: string, next: number) {
    this.hub = hub;
    this.conn = conn;
    this.room = room;
    this.next = next;
  }

  offer(e: Extract<BusEvent, { type: "frame" }>): void {
    if (this.conn.closed) return;
    if (!this.live) {
      this.missed = true;
      return;
    }
    if (e.seq < this.next) return;
    if (e.seq > this.next) {
      this.startPump();
      return;
    }
    this.next = e.seq + 1;
    if (e.sender === this.conn.deviceId) return;
    if (this.conn.ws.bufferedAmount > this.hub.config.maxBufferedBytes) {
      this.conn.fail("slow_consumer");
      return;
    }
    const counts = this.hub.metrics.counts;
    counts.framesOut++;
    counts.bytesOut += e.payload.length;
    writeDeliver(this.conn.ws, this.hub.headOf(e), e.payload);
  }

  startPump(): void {
    this.live = false;
    this.missed = true;
    if (this.pumping) return;
    this.pumping = true;
    this.#pump().catch((err: unknown) => {
      this.hub.log.error({ err, room: this.room }, "pump failed");
      this.conn.fail("internal");
    });
  }

  async #pump(): Promise<void> {
    const { store, metrics, config } = this.hub;
    try {
      while (!this.conn.closed && this.conn.subs.get(this.room) === this) {
        this.missed = false;
        const frames = await store.read(this.room, this.next, READ_BATCH);
        if (frames.length === 0) {
          const b = await store.bounds(this.room);
          if (b.head >= this.next) {
            this.#gap(this.next, b.head);
            continue;
          }
          if (this.missed) continue;
          this.live = true;
          return;
        }
        const first = frames[0]!.seq;
        if (first > this.next) this.#gap(this.next, first - 1);
        for (const f of frames) {
          if (f.seq < this.next) continue;
          this.next = f.seq + 1;
          if (f.sender === this.conn.deviceId) continue;
          metrics.counts.framesOut++;
          metrics.counts.bytesOut += f.payload.length;
          writeDeliver(this.conn.ws, deliverHead(this.room, f), f.payload);
        }
        // backpressure: let the socket drain before reading more
        while (!this.conn.closed && this.conn.ws.bufferedAmount > config.maxBufferedBytes / 2) {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  #gap(from: number, to: number): void {
    this.hub.metrics.gaps.inc();
    this.conn.sendJson({ t: "gap", room: this.room, from, to });
    this.next = to + 1;
  }
}

/** Per-instance state: connections, room subscriptions, cached room controller state, rates. */
export class Hub {
  readonly store: RelayStore;
  readonly config: RelayConfig;
  readonly metrics: Metrics;
  readonly log: FastifyBaseLogger;
  readonly pusher: Pusher;
  readonly retention: Retention;
  readonly conns = new Set<HubConnection>();
  readonly byDevice = new Map<string, Set<HubConnection>>();
  readonly subsByRoom = new Map<string, Set<Subscription>>();
  readonly rooms = new Map<string, RoomState>();
  readonly rates = new Map<string, DeviceRate>();
  /** The rates across instances, when the store is shared (Redis). */
  readonly sharedRate: SharedRate | undefined;
  /** Challenge nonces issued recently, to tell a replayed auth from a forged one. */
  readonly issuedNonces = new Map<string, number>();
  draining = false;
  #unsubscribe: () => void;

  constructor(store: RelayStore, config: RelayConfig, metrics: Metrics, log: FastifyBaseLogger, pusher: Pusher) {
    this.store = store;
    this.config = config;
    this.metrics = metrics;
    this.log = log;
    this.pusher = pusher;
    const { addRateUsage } = store;
    this.sharedRate = addRateUsage
      ? new SharedRate(
          addRateUsage.bind(store),
          { messagesPerSec: config.rateMessagesPerSec, bytesPerSec: config.rateBytesPerSec },
          log,
        )
      : undefined;
    this.retention = {
      maxFrames: config.retentionFrames,
      maxBytes: config.retentionBytes,
      maxAgeMs: config.retentionAgeMs,
    };
    this.#unsubscribe = store.subscribe((e) => this.#onBus(e));
  }

  #headEvent: BusEvent | undefined;
  #head: Uint8Array | undefined;
  /** The wire head of a frame event (see deliverHead), built once however many readers it goes to. */
  headOf(e: Extract<BusEvent, { type: "frame" }>): Uint8Array {
    if (this.#headEvent !== e) {
      this.#head = deliverHead(e.room, e);
      this.#headEvent = e;
    }
    return this.#head!;
  }

  rememberNonce(nonce: string): void {
    this.issuedNonces.set(nonce, Date.now());
    if (this.issuedNonces.size > 50_000) {
      const cutoff = Date.now() - 600_000;
      for (const [n, t] of this.issuedNonces)
        if (t < cutoff || this.issuedNonces.size > 40_000) this.issuedNonces.delete(n);
    }
  }

  rateFor(deviceId: string): DeviceRate {
    let r = this.rates.get(deviceId);
    if (!r) {
      r = new DeviceRate(this.config.rateMessagesPerSec, this.config.rateBytesPerSec);
      this.rates.set(deviceId, r);
    }
    return r;
  }

  addDeviceConn(conn: HubConnection, deviceId: string): void {
    let set = this.byDevice.get(deviceId);
    if (!set) {
      set = new Set();
      this.byDevice.set(deviceId, set);
    }
    set.add(conn);
  }

  connectionsOf(deviceId: string): number {
    return this.byDevice.get(deviceId)?.size ?? 0;
  }

  removeConn(conn: HubConnection): void {
    this.conns.delete(conn);
    for (const sub of conn.subs.values()) this.subsByRoom.get(sub.room)?.delete(sub);
    conn.subs.clear();
    if (conn.deviceId) {
      const set = this.byDevice.get(conn.deviceId);
      set?.delete(conn);
      if (set && set.size === 0) {
        this.byDevice.delete(conn.deviceId);
        this.rates.delete(conn.deviceId);
      }
    }
  }

  async room(room: string, refresh = false): Promise<RoomState | undefined> {
    const cached = this.rooms.get(room);
    if (cached && !refresh) return cached;
    const r = await this.store.getRoom(room);
    if (!r) return undefined;
    const st: RoomState = {
      host: r.host,
      accountId: r.accountId,
      controller: r.controller,
      controllerEpoch: r.controllerEpoch,
      members: new Set(r.members),
    };
    this.rooms.set(room, st);
    return st;
  }

  subscribe(conn: HubConnection, room: string, next: number): Subscription {
    const sub = new Subscription(this, conn, room, next);
    conn.subs.set(room, sub);
    let set = this.subsByRoom.get(room);
    if (!set) {
      set = new Set();
      this.subsByRoom.set(room, set);
    }
    set.add(sub);
    return sub;
  }

  unsubscribe(conn: HubConnection, room: string): void {
    const sub = conn.subs.get(room);
    if (!sub) return;
    conn.subs.delete(room);
    this.subsByRoom.get(room)?.delete(sub);
  }

  #onBus(e: BusEvent): void {
    switch (e.type) {
      case "frame": {
        const subs = this.subsByRoom.get(e.room);
        if (!subs || subs.size === 0) return;
        for (const s of subs) s.offer(e);
        return;
      }
      case "room": {
        const msg = e.msg;
        if (msg.t === "controller") {
          const st = this.rooms.get(e.room);
          if (st && msg.epoch >= st.controllerEpoch) {
            st.controller = msg.deviceId;
            st.controllerEpoch = msg.epoch;
          }
        }
        if (msg.t === "paired" || msg.t === "room_added") this.rooms.get(e.room)?.members.add(msg.deviceId);
        if (e.to !== undefined) {
          for (const c of this.byDevice.get(e.to) ?? []) c.sendJson(msg);
        } else {
          for (const s of this.subsByRoom.get(e.room) ?? []) s.conn.sendJson(msg);
        }
        return;
      }
      case "revoked": {
        for (const st of this.rooms.values()) st.members.delete(e.deviceId);
        for (const c of [...(this.byDevice.get(e.deviceId) ?? [])]) {
          c.sendJson({ t: "revoked", deviceId: e.deviceId });
          c.fail("device_revoked");
        }
        return;
      }
    }
  }

  /** Tells every connection to go elsewhere (they reconnect and resume from the log). */
  drain(): void {
    this.draining = true;
    for (const c of [...this.conns]) c.fail("server_draining");
  }

  close(): void {
    this.#unsubscribe();
  }
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export function closeFor(code: RelayErrorCode): { code: number; reason: string } {
  return { code: closeCodeFor(code), reason: code };
}

export const errorText = (code: RelayErrorCode) => RELAY_ERRORS[code].text;
