import { randomUUID } from "node:crypto";
import {
  type ClientMessage,
  type ClientMessageOf,
  closeCodeFor,
  decodeSendKnown,
  deviceIdFromPublicKey,
  fromBase64Url,
  MAX_LISTED_ROOMS,
  newNonce,
  parseClientMessage,
  RELAY_ERRORS,
  RELAY_WIRE_VERSION,
  type RelayErrorCode,
  type ServerMessage,
  toBase64Url,
  verifyAuthSignature,
} from "@codex-remote/protocol/relay";
import type { RawData, WebSocket } from "ws";
import type { Hub, HubConnection, Subscription } from "./hub.ts";
import { tokenHash } from "./hub.ts";
import type { DeviceRate } from "./rate.ts";
import type { AppendInput, AppendSink, DeviceRecord } from "./store/types.ts";
import { turnNow } from "./turn-clock.ts";

const MAX_TEXT_BYTES = 64 * 1024;
/**
 * Confirmations (`sent`) leave at the end of the turn that stored the frames, but at most once per
 * this many ms per connection: under a flood a relay turn holds a few frames, and a `sent` per turn
 * (one write for the relay, one read and parse for the sender) was a message per ~9 frames.
 */
const SENT_INTERVAL_MS = 2;

class Refusal extends Error {
  readonly code: RelayErrorCode;
  constructor(code: RelayErrorCode) {
    super(code);
    this.code = code;
  }
}
const refuse = (code: RelayErrorCode): never => {
  throw new Refusal(code);
};

/**
 * One WebSocket connection: challenge, auth, then requests and sealed frames in arrival order.
 * Sends are pipelined (appended in order without waiting for the store); requests are awaited.
 */
/** A frame on its way into the store; t0 > 0 when its store latency is sampled. */
interface FrameIn extends AppendInput {
  readonly t0: number;
}

export class Connection implements HubConnection, AppendSink {
  readonly key = randomUUID();
  readonly ws: WebSocket;
  readonly hub: Hub;
  readonly subs = new Map<string, Subscription>();
  deviceId: string | undefined;
  device: DeviceRecord | undefined;
  closed = false;
  alive = true;
  /** ping intervals in a row without any sign of life */
  strikes = 0;
  #nonce: string;
  /** cleared and dropped once authenticated */
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  /** messages that arrived while a request waited for the store (allocated when first needed) */
  #queue: (RawData | string)[] | undefined;
  #queueBinary: boolean[] | undefined;
  #busy = false;
  /** highest confirmed client message id per room, sent as one `sent` per room on the next turn */
  #sent: Map<string, { epoch: number; upTo: number }> | undefined;
  #sentScheduled = false;
  /** when the last `sent` went out (turnNow ms) */
  #sentAt = 0;
  /** the room of the last accepted frame (its id is already validated) */
  #lastRoom: string | undefined;
  #rate: DeviceRate | undefined;

  constructor(hub: Hub, ws: WebSocket) {
    this.hub = hub;
    this.ws = ws;
    hub.conns.add(this);
    hub.metrics.connections.inc();
    this.#nonce = toBase64Url(newNonce());
    hub.rememberNonce(this.#nonce);
    this.#authTimer = setTimeout(() => {
      if (!this.deviceId) this.fail("auth_timeout");
    }, hub.config.authTimeoutMs);
    ws.on("message", (data, isBinary) => {
      this.alive = true;
      if (this.#busy || (this.#queue && this.#queue.length > 0)) {
        this.#queue ??= [];
        this.#queueBinary ??= [];
        this.#queue.push(data);
        this.#queueBinary.push(isBinary);
        return;
      }
      this.#handle(data, isBinary);
    });
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("close", () => this.#onClose());
    ws.on("error", () => {
      this.#onClose();
      ws.terminate();
    });
    this.sendJson({ t: "challenge", v: RELAY_WIRE_VERSION, nonce: this.#nonce, serverTime: Date.now() });
  }

  sendJson(msg: ServerMessage): void {
    if (this.closed || this.ws.readyState !== 1) return;
    this.ws.send(JSON.stringify(msg));
  }

  /** Refuses with a typed error and ends the connection. */
  fail(code: RelayErrorCode, message?: string): void {
    if (this.closed) return;
    this.hub.metrics.drops.inc({ reason: code });
    this.sendJson({ t: "error", code, message: message ?? RELAY_ERRORS[code].text });
    this.#onClose();
    try {
      this.ws.close(closeCodeFor(code), code);
    } catch {
      this.ws.terminate();
    }
    // a peer that never answers the close handshake must not hold the socket
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  #onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#authTimer);
    this.#authTimer = undefined;
    this.hub.metrics.connections.dec();
    this.hub.removeConn(this);
    if (this.deviceId) void this.hub.store.setPresence(this.deviceId, this.key, undefined).catch(() => {});
  }

  /** Handles one message; a request that has to wait for the store holds the queue until it is done. */
  #handle(data: RawData | string, binary: boolean): void {
    let r: Promise<void> | undefined | void;
    try {
      r = binary ? this.#onBinary(data as Buffer) : this.#onText(data);
    } catch (err) {
      this.#failed(data, binary, err);
      return;
    }
    if (!r) return;
    this.#busy = true;
    r.catch((err: unknown) => this.#failed(data, binary, err)).finally(() => {
      this.#busy = false;
      this.#drainQueue();
    });
  }

  #drainQueue(): void {
    const queue = this.#queue;
    const binaries = this.#queueBinary;
    if (!queue || !binaries) return;
    while (queue.length > 0 && !this.#busy && !this.closed) {
      const data = queue.shift()!;
      const binary = binaries.shift()!;
      this.#handle(data, binary);
    }
    if (queue.length === 0 && this.#queue === queue) {
      this.#queue = undefined;
      this.#queueBinary = undefined;
    }
  }

  #failed(data: RawData | string, binary: boolean, err: unknown): void {
    if (err instanceof Refusal) this.#refuseRequest(data, binary, err.code);
    else {
      this.hub.log.error({ err, device: this.deviceId }, "request failed");
      this.#refuseRequest(data, binary, "internal");
    }
  }

  #refuseRequest(data: RawData | string, binary: boolean, code: RelayErrorCode): void {
    let rid: number | undefined;
    let room: string | undefined;
    if (!binary) {
      const msg = parseClientMessage(String(data));
      if (msg && "rid" in msg) rid = msg.rid;
      if (msg && "room" in msg) room = msg.room;
    }
    this.hub.metrics.drops.inc({ reason: code });
    this.sendJson({
      t: "error",
      code,
      message: RELAY_ERRORS[code].text,
      ...(rid !== undefined ? { rid } : {}),
      ...(room !== undefined ? { room } : {}),
    });
  }

  // ---------- sealed frames ----------

  #onBinary(data: Buffer): void {
    const { hub } = this;
    const device = this.device;
    if (!device) {
      this.fail("unauthenticated");
      return;
    }
    const env = decodeSendKnown(data, this.#lastRoom);
    if (!env) {
      this.#refuseRequest(data, true, "bad_message");
      return;
    }
    if (env.payload.length > hub.config.maxFrameBytes) {
      this.#drop(env, "frame_too_large");
      return;
    }
    if (!this.subs.has(env.room)) {
      this.#drop(env, "not_joined");
      return;
    }
    this.#lastRoom = env.room;
    this.#rate ??= hub.rateFor(device.id);
    if (!this.#rate.allow(env.payload.length)) {
      this.#drop(env, "rate_limited");
      return;
    }
    const shared = hub.sharedRate;
    const ts = turnNow();
    if (shared) {
      if (shared.isOver(device.id, ts)) {
        this.#drop(env, "rate_limited");
        return;
      }
      shared.note(device.id, env.payload.length, ts);
    }
    if (env.cls === "input") {
      const st = hub.rooms.get(env.room);
      if (!st || st.controller !== device.id) {
        this.#drop(env, "not_controller");
        return;
      }
    }
    const counts = hub.metrics.counts;
    counts.framesIn++;
    counts.bytesIn += env.payload.length;
    const input: FrameIn = {
      room: env.room,
      sender: device.id,
      cls: env.cls,
      epoch: env.epoch,
      counter: env.counter,
      payload: env.payload,
      ts,
      // the store-latency histogram samples one append in 16
      t0: (env.counter & 15) === 0 ? performance.now() : 0,
    };
    const store = hub.store;
    if (store.appendWith) store.appendWith(input, hub.retention, this);
    else
      store.append(input, hub.retention).then(
        (r) => this.appended(input, r.kind === "stored" ? r.seq : 0),
        (err: unknown) => this.appendFailed(input, err),
      );
  }

  #drop(env: { room: string; epoch: number; counter: number }, code: RelayErrorCode): void {
    this.hub.metrics.drops.inc({ reason: code });
    this.sendJson({ t: "dropped", room: env.room, epoch: env.epoch, counter: env.counter, code });
  }

  /** AppendSink: the frame is durable (seq 0: a duplicate of one that is); publish it and confirm. */
  appended(input: AppendInput, seq: number): void {
    const i = input as FrameIn;
    const { hub } = this;
    if (i.t0 > 0) hub.metrics.storeLatency.observe({ op: "append" }, (performance.now() - i.t0) / 1000);
    if (seq > 0) {
      hub.store.publish({ type: "frame", room: i.room, seq, sender: i.sender, cls: i.cls, payload: i.payload });
    }
    this.#markSent(i.room, i.epoch, i.counter);
  }

  appendFailed(input: AppendInput, err: unknown): void {
    this.hub.log.error({ err, room: input.room }, "append failed");
    this.#drop(input, "internal");
  }

  #markSent(room: string, epoch: number, counter: number): void {
    this.#sent ??= new Map();
    const sent = this.#sent;
    const cur = sent.get(room);
    if (!cur) sent.set(room, { epoch, upTo: counter });
    else if (cur.epoch !== epoch || counter > cur.upTo) {
      cur.epoch = epoch;
      cur.upTo = counter;
    }
    if (this.#sentScheduled) return;
    this.#sentScheduled = true;
    const wait = this.#sentAt + SENT_INTERVAL_MS - turnNow();
    if (wait > 0) setTimeout(this.#flushSent, wait);
    else setImmediate(this.#flushSent);
  }

  /** One `sent` per room with confirmations waiting. */
  readonly #flushSent = (): void => {
    this.#sentScheduled = false;
    this.#sentAt = turnNow();
    const sent = this.#sent;
    if (!sent) return;
    for (const [r, s] of sent) this.sendJson({ t: "sent", room: r, epoch: s.epoch, upTo: s.upTo });
    sent.clear();
  };

  // ---------- requests ----------

  #onText(data: RawData | string): Promise<void> | undefined {
    const text = String(data);
    if (text.length > MAX_TEXT_BYTES) return refuse("bad_message");
    const msg = parseClientMessage(text);
    if (!msg) {
      if (!this.deviceId) {
        this.fail("bad_message");
        return;
      }
      return refuse("bad_message");
    }
    if (msg.t === "auth") return this.#auth(msg);
    if (!this.deviceId) {
      this.fail("unauthenticated");
      return;
    }
    if (msg.t === "claim_pairing") return this.#claim(msg);
    if (!this.device) return refuse("unknown_device");
    return this.#request(msg, this.device);
  }

  async #auth(msg: ClientMessageOf<"auth">): Promise<void> {
    const { hub } = this;
    if (this.deviceId) return this.fail("replayed", "already authenticated");
    if (msg.nonce !== this.#nonce) {
      return this.fail(hub.issuedNonces.has(msg.nonce) ? "replayed" : "auth_failed");
    }
    this.#nonce = ""; // single use
    const pk = fromBase64Url(msg.publicKey);
    if (!(await verifyAuthSignature(pk, fromBase64Url(msg.nonce), fromBase64Url(msg.signature)))) {
      return this.fail("auth_failed");
    }
    const id = deviceIdFromPublicKey(pk);
    let device = await hub.store.getDevice(id);
    if (device?.revoked) return this.fail("device_revoked");
    if (!device) {
      if (msg.register?.kind === "host") {
        if (!hub.config.allowRegistration) return this.fail("registration_closed");
        device = { id, kind: "host", accountId: id, name: msg.register.name, revoked: false, createdAt: Date.now() };
        await hub.store.putDevice(device);
      } else if (msg.register?.kind !== "phone") {
        return this.fail("unknown_device");
      }
    }
    if (this.closed) return;
    if (hub.draining) return this.fail("server_draining");
    // counted in the store, so the limit holds across every instance sharing it
    if (!(await hub.store.claimPresence(id, this.key, hub.config.maxConnectionsPerDevice, Date.now()))) {
      return this.fail("connection_limit");
    }
    if (this.closed) {
      await hub.store.setPresence(id, this.key, undefined);
      return;
    }
    clearTimeout(this.#authTimer);
    this.#authTimer = undefined;
    this.deviceId = id;
    this.device = device;
    hub.addDeviceConn(this, id);
    this.sendJson({
      t: "welcome",
      deviceId: id,
      accountId: device?.accountId ?? id,
      kind: device?.kind ?? "phone",
    });
    hub.log.info({ device: id, kind: device?.kind ?? "pending-phone" }, "device authenticated");
  }

  #ok(rid: number | undefined, data?: Record<string, unknown>): void {
    if (rid !== undefined) this.sendJson({ t: "ok", rid, ...(data ? { data } : {}) });
  }

  async #claim(msg: ClientMessageOf<"claim_pairing">): Promise<void> {
    const { hub } = this;
    const id = this.deviceId!;
    const room = await hub.room(msg.room);
    if (!room) return refuse("pairing_invalid");
    const outcome = await hub.store.claimPairing(msg.room, tokenHash(msg.token), Date.now());
    if (outcome !== "ok") return refuse(outcome);
    if (!this.device) {
      this.device = {
        id,
        kind: "phone",
        accountId: room.accountId,
        name: msg.name,
        revoked: false,
        createdAt: Date.now(),
      };
      await hub.store.putDevice(this.device);
    }
    await hub.store.addMember(msg.room, id);
    room.members.add(id);
    hub.store.publish({
      type: "room",
      room: msg.room,
      to: room.host,
      msg: { t: "paired", room: msg.room, deviceId: id, name: msg.name },
    });
    hub.log.info({ device: id, room: msg.room }, "pairing claimed");
    this.#ok(msg.rid, { host: room.host });
  }

  async #member(roomId: string, device: DeviceRecord) {
    const room = await this.hub.room(roomId);
    if (!room) return refuse("room_not_found");
    if (!room.members.has(device.id)) {
      // membership may have changed on another instance
      const fresh = await this.hub.room(roomId, true);
      if (!fresh?.members.has(device.id)) return refuse("not_room_member");
      return fresh;
    }
    return room;
  }

  async #request(msg: Exclude<ClientMessage, { t: "auth" | "claim_pairing" }>, device: DeviceRecord): Promise<void> {
    const { hub } = this;
    const { store } = hub;
    switch (msg.t) {
      case "open_room": {
        if (device.kind !== "host") return refuse("not_host");
        if ((await store.countRoomsOf(device.id)) >= hub.config.maxRoomsPerDevice) return refuse("room_limit");
        const created = await store.createRoom({
          room: msg.room,
          accountId: device.accountId,
          host: device.id,
          createdAt: Date.now(),
        });
        if (!created) {
          const existing = await hub.room(msg.room, true);
          if (existing?.host !== device.id) return refuse("room_exists");
        }
        return this.#ok(msg.rid);
      }
      case "open_pairing": {
        const room = await this.#member(msg.room, device);
        if (room.host !== device.id) return refuse("not_host");
        await store.openPairing(msg.room, tokenHash(msg.token), Date.now() + msg.ttlMs);
        return this.#ok(msg.rid);
      }
      case "join": {
        const room = await this.#member(msg.room, device);
        if (!this.subs.has(msg.room) && this.subs.size >= hub.config.maxRoomsPerDevice) return refuse("room_limit");
        hub.unsubscribe(this, msg.room);
        const after = msg.after ?? (await store.getCursor(msg.room, device.id)) ?? 0;
        const b = await store.bounds(msg.room);
        const sub = hub.subscribe(this, msg.room, Math.min(after, b.head) + 1);
        this.sendJson({
          t: "joined",
          room: msg.room,
          first: b.first,
          head: b.head,
          controller: room.controller,
          host: room.host,
        });
        if (room.controller !== null) {
          this.sendJson({ t: "controller", room: msg.room, deviceId: room.controller, epoch: room.controllerEpoch });
        }
        this.#ok(msg.rid);
        sub.startPump();
        return;
      }
      case "leave":
        hub.unsubscribe(this, msg.room);
        return this.#ok(msg.rid);
      case "ack": {
        if (!this.subs.has(msg.room)) return;
        await store.setCursor(msg.room, device.id, msg.seq);
        return;
      }
      case "control_request": {
        const room = await this.#member(msg.room, device);
        if (room.controller === device.id) return this.#ok(msg.rid);
        store.publish({
          type: "room",
          room: msg.room,
          to: room.host,
          msg: { t: "control_requested", room: msg.room, deviceId: device.id },
        });
        return this.#ok(msg.rid);
      }
      case "control_grant": {
        const room = await this.#member(msg.room, device);
        if (room.host !== device.id) return refuse("not_host");
        if (!room.members.has(msg.deviceId)) return refuse("not_room_member");
        await this.#setController(msg.room, msg.deviceId);
        return this.#ok(msg.rid);
      }
      case "control_refuse": {
        const room = await this.#member(msg.room, device);
        if (room.host !== device.id) return refuse("not_host");
        store.publish({
          type: "room",
          room: msg.room,
          to: msg.deviceId,
          msg: { t: "control_refused", room: msg.room, deviceId: msg.deviceId },
        });
        return this.#ok(msg.rid);
      }
      case "control_revoke": {
        const room = await this.#member(msg.room, device);
        if (room.host !== device.id && room.controller !== device.id) return refuse("not_host");
        await this.#setController(msg.room, room.host);
        return this.#ok(msg.rid);
      }
      case "notify": {
        const room = await this.#member(msg.room, device);
        const targets = [...room.members].filter((d) => d !== device.id);
        void hub.pusher.notify(msg.room, msg.category, targets);
        return this.#ok(msg.rid);
      }
      case "push_register":
        await store.addPushTarget(device.id, msg.target);
        return this.#ok(msg.rid);
      case "presence":
        await store.setPresence(device.id, this.key, msg.active);
        return;
      case "add_member": {
        const room = await this.#member(msg.room, device);
        if (room.host !== device.id) return refuse("not_host");
        if (room.members.has(msg.deviceId)) return this.#ok(msg.rid);
        const target = await store.getDevice(msg.deviceId);
        if (!target || target.revoked) return refuse("not_admissible");
        const rooms = await store.roomsOf(msg.deviceId, MAX_LISTED_ROOMS);
        if (!rooms.some((r) => r.host === device.id)) return refuse("not_admissible");
        await store.addMember(msg.room, msg.deviceId);
        room.members.add(msg.deviceId);
        store.publish({
          type: "room",
          room: msg.room,
          to: msg.deviceId,
          msg: { t: "room_added", room: msg.room, host: device.id, deviceId: msg.deviceId },
        });
        hub.log.info({ device: msg.deviceId, room: msg.room }, "member added");
        return this.#ok(msg.rid);
      }
      case "list_rooms":
        return this.#ok(msg.rid, { rooms: await store.roomsOf(device.id, MAX_LISTED_ROOMS) });
      case "revoke_device": {
        const target = await store.getDevice(msg.deviceId);
        if (!target || target.accountId !== device.accountId) return refuse("unknown_device");
        if (device.kind !== "host" && msg.deviceId !== device.id) return refuse("not_host");
        await store.revokeDevice(msg.deviceId);
        store.publish({ type: "revoked", deviceId: msg.deviceId });
        hub.log.info({ device: msg.deviceId, by: device.id }, "device revoked");
        return this.#ok(msg.rid);
      }
    }
  }

  async #setController(room: string, deviceId: string): Promise<void> {
    const epoch = await this.hub.store.setController(room, deviceId);
    this.hub.store.publish({ type: "room", room, msg: { t: "controller", room, deviceId, epoch } });
  }
}
