import { authTranscript, deviceIdFromPublicKey, type RelayIdentity } from "./auth.ts";
import { fromBase64Url, toBase64Url } from "./base64url.ts";
import { type DeliverEnvelope, decodeDeliver, encodeSend } from "./envelope.ts";
import { codeForClose, isFatal, type RelayErrorCode } from "./errors.ts";
import {
  type ClientMessage,
  type DeviceKind,
  type PushCategory,
  type PushTarget,
  parseServerMessage,
  RELAY_WIRE_VERSION,
  RoomList,
  type RoomListing,
  type RoutingClass,
  type ServerMessageOf,
} from "./messages.ts";

/**
 * RelayClient: one device's connection to the relay, for Node >= 22 and browsers (global WebSocket,
 * no Node imports). It authenticates by signing the relay's challenge, (re)joins rooms resuming
 * after the last sequence it delivered, keeps every sent frame until the relay says it is durable
 * (re-sending after a reconnect; the relay stores it once), acks what it received, reconnects with
 * jittered exponential backoff, and surfaces gap / controller / error events.
 */
export interface RelayClientOptions {
  readonly url: string;
  readonly identity: RelayIdentity;
  /** Register on first contact: hosts self-register (if the relay allows); phones register by claiming a pairing. */
  readonly register?: { readonly kind: DeviceKind; readonly name: string };
  readonly WebSocket?: typeof WebSocket;
  readonly reconnect?: { readonly enabled?: boolean; readonly initialMs?: number; readonly maxMs?: number };
  /** Send a cumulative ack after this many frames of a room (default 64) or this delay (default 50 ms). */
  readonly ackEvery?: number;
  readonly ackDelayMs?: number;
  /** Bound on frames held for the relay's confirmation (default 10,000 frames / 64 MiB). */
  readonly maxOutboxFrames?: number;
  readonly maxOutboxBytes?: number;
}

export type RelayClientErrorCode = RelayErrorCode | "disconnected" | "closed" | "outbox_full";

export class RelayClientError extends Error {
  readonly code: RelayClientErrorCode;
  constructor(code: RelayClientErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.name = "RelayClientError";
  }
}

export interface RelayClientEvents {
  open: ServerMessageOf<"welcome">;
  close: { code: number; reason: string; error: RelayErrorCode | undefined; willReconnect: boolean };
  frame: DeliverEnvelope;
  joined: ServerMessageOf<"joined">;
  gap: ServerMessageOf<"gap">;
  sent: ServerMessageOf<"sent">;
  dropped: ServerMessageOf<"dropped">;
  controller: ServerMessageOf<"controller">;
  control_requested: ServerMessageOf<"control_requested">;
  control_refused: ServerMessageOf<"control_refused">;
  paired: ServerMessageOf<"paired">;
  revoked: ServerMessageOf<"revoked">;
  room_added: ServerMessageOf<"room_added">;
  error: { code: RelayErrorCode; message: string; room?: string | undefined };
}

type Listener<T> = (event: T) => void;

interface OutboxEntry {
  readonly room: string;
  readonly counter: number;
  readonly bytes: Uint8Array;
}

interface RoomState {
  lastSeq: number | undefined;
  joined: boolean;
  pendingAck: number;
}

interface Pending {
  resolve(data: Record<string, unknown>): void;
  reject(err: RelayClientError): void;
}

type Status = "idle" | "connecting" | "open" | "closed";

export class RelayClient {
  readonly deviceId: string;
  readonly epoch: number;
  #opts: RelayClientOptions;
  #ws: WebSocket | undefined;
  #status: Status = "idle";
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #counter = 0;
  #rid = 0;
  #rooms = new Map<string, RoomState>();
  #outbox: OutboxEntry[] = [];
  #outboxBytes = 0;
  #pending = new Map<number, Pending>();
  #listeners = new Map<keyof RelayClientEvents, Set<Listener<never>>>();
  /** Every `connect()` call waiting for the next welcome (several parts of an app may share a client). */
  #openWaiters: { resolve(): void; reject(e: RelayClientError): void }[] = [];
  #drainWaiters: (() => void)[] = [];

  constructor(opts: RelayClientOptions) {
    this.#opts = opts;
    this.deviceId = deviceIdFromPublicKey(opts.identity.publicKey);
    this.epoch = crypto.getRandomValues(new Uint32Array(1))[0]!;
  }

  get status(): Status {
    return this.#status;
  }
  get outboxSize(): number {
    return this.#outbox.length;
  }
  /** The last sequence delivered for a room (persist it to resume across restarts). */
  lastSeq(room: string): number | undefined {
    return this.#rooms.get(room)?.lastSeq;
  }

  on<K extends keyof RelayClientEvents>(event: K, listener: Listener<RelayClientEvents[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  #emit<K extends keyof RelayClientEvents>(event: K, value: RelayClientEvents[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const l of set) (l as Listener<RelayClientEvents[K]>)(value);
  }

  /** Connects and authenticates; resolves on the first welcome. Reconnects on its own afterwards. */
  connect(): Promise<void> {
    if (this.#status === "open") return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#openWaiters.push({ resolve, reject });
      if (this.#status === "idle" || this.#status === "closed") {
        this.#status = "connecting";
        this.#open();
      }
    });
  }

  /** Closes for good (no reconnect). Unconfirmed frames stay in the outbox object but are not sent. */
  close(): void {
    this.#status = "closed";
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#ackTimer);
    this.#flushAcks();
    this.#failPending("closed");
    this.#ws?.close(1000, "client closing");
    this.#ws = undefined;
  }

  /** Drops the connection as a network failure would (tests, app backgrounding); it reconnects. */
  dropConnection(): void {
    this.#ws?.close(4999, "dropped by client");
  }

  #open(): void {
    const WS = this.#opts.WebSocket ?? globalThis.WebSocket;
    let ws: WebSocket;
    try {
      ws = new WS(this.#opts.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    ws.onmessage = (ev: MessageEvent) => {
      if (this.#ws !== ws) return;
      if (typeof ev.data === "string") void this.#onText(ws, ev.data);
      else this.#onBinary(new Uint8Array(ev.data as ArrayBuffer));
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#onClose(ev.code, ev.reason);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  #onClose(code: number, reason: string): void {
    this.#ws = undefined;
    for (const r of this.#rooms.values()) r.joined = false;
    this.#failPending("disconnected");
    const error = codeForClose(code);
    const fatal = error !== undefined && isFatal(error);
    const enabled = this.#opts.reconnect?.enabled ?? true;
    const willReconnect = this.#status !== "closed" && !fatal && enabled;
    this.#emit("close", { code, reason, error, willReconnect });
    if (fatal) this.#settleOpen(new RelayClientError(error, reason));
    if (willReconnect) this.#scheduleReconnect();
    else if (this.#status !== "closed") {
      this.#status = "closed";
      this.#settleOpen(new RelayClientError(error ?? "disconnected", reason));
    }
  }

  #settleOpen(err?: RelayClientError): void {
    for (const w of this.#openWaiters.splice(0)) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }

  #scheduleReconnect(): void {
    if (this.#status === "closed") return;
    this.#status = "connecting";
    const initial = this.#opts.reconnect?.initialMs ?? 200;
    const max = this.#opts.reconnect?.maxMs ?? 10_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.#attempt, 16));
    this.#attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.#reconnectTimer = setTimeout(() => this.#open(), delay);
  }

  #sendJson(msg: ClientMessage): boolean {
    const ws = this.#ws;
    if (ws?.readyState !== 1) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  async #onText(ws: WebSocket, text: string): Promise<void> {
    const msg = parseServerMessage(text);
    if (!msg) return;
    switch (msg.t) {
      case "challenge": {
        const nonce = fromBase64Url(msg.nonce);
        const pk = this.#opts.identity.publicKey;
        const sig = await this.#opts.identity.sign(authTranscript(nonce, pk));
        if (this.#ws !== ws) return;
        this.#sendJson({
          t: "auth",
          v: RELAY_WIRE_VERSION,
          nonce: msg.nonce,
          publicKey: toBase64Url(pk),
          signature: toBase64Url(sig),
          ...(this.#opts.register ? { register: this.#opts.register } : {}),
        });
        return;
      }
      case "welcome": {
        this.#status = "open";
        this.#attempt = 0;
        for (const [room, st] of this.#rooms) {
          this.#sendJson({ t: "join", room, ...(st.lastSeq !== undefined ? { after: st.lastSeq } : {}) });
        }
        for (const e of this.#outbox) ws.send(e.bytes);
        this.#emit("open", msg);
        this.#settleOpen();
        return;
      }
      case "ok": {
        const p = this.#pending.get(msg.rid);
        this.#pending.delete(msg.rid);
        p?.resolve(msg.data ?? {});
        return;
      }
      case "error": {
        if (msg.rid !== undefined) {
          const p = this.#pending.get(msg.rid);
          this.#pending.delete(msg.rid);
          p?.reject(new RelayClientError(msg.code, msg.message));
        }
        this.#emit("error", { code: msg.code, message: msg.message, room: msg.room });
        return;
      }
      case "joined": {
        const st = this.#rooms.get(msg.room);
        if (st) st.joined = true;
        this.#emit("joined", msg);
        return;
      }
      case "gap": {
        const st = this.#rooms.get(msg.room);
        if (st && (st.lastSeq === undefined || st.lastSeq < msg.to)) st.lastSeq = msg.to;
        this.#emit("gap", msg);
        return;
      }
      case "sent":
        this.#confirm(msg.room, msg.epoch, (c) => c <= msg.upTo);
        this.#emit("sent", msg);
        return;
      case "dropped":
        this.#confirm(msg.room, msg.epoch, (c) => c === msg.counter);
        this.#emit("dropped", msg);
        return;
      case "controller":
      case "control_requested":
      case "control_refused":
      case "paired":
      case "revoked":
      case "room_added":
        this.#emit(msg.t, msg as never);
        return;
    }
  }

  #confirm(room: string, epoch: number, done: (counter: number) => boolean): void {
    if (epoch !== this.epoch) return;
    if (this.#outbox.length === 0) return;
    const keep: OutboxEntry[] = [];
    for (const e of this.#outbox) {
      if (e.room === room && done(e.counter)) this.#outboxBytes -= e.bytes.length;
      else keep.push(e);
    }
    this.#outbox = keep;
    if (keep.length === 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  #onBinary(bytes: Uint8Array): void {
    const env = decodeDeliver(bytes);
    if (!env) return;
    const st = this.#rooms.get(env.room);
    if (!st) return;
    if (st.lastSeq !== undefined && env.seq <= st.lastSeq) return; // already delivered once
    st.lastSeq = env.seq;
    this.#emit("frame", env);
    st.pendingAck++;
    if (st.pendingAck >= (this.#opts.ackEvery ?? 64)) this.#flushAcks();
    else if (this.#ackTimer === undefined) {
      this.#ackTimer = setTimeout(() => this.#flushAcks(), this.#opts.ackDelayMs ?? 50);
    }
  }

  #flushAcks(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const [room, st] of this.#rooms) {
      if (st.pendingAck > 0 && st.lastSeq !== undefined && this.#sendJson({ t: "ack", room, seq: st.lastSeq })) {
        st.pendingAck = 0;
      }
    }
  }

  #failPending(code: RelayClientErrorCode): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(new RelayClientError(code, "connection ended before the reply"));
  }

  #request(msg: ClientMessage & { rid?: number | undefined }): Promise<Record<string, unknown>> {
    const rid = ++this.#rid;
    return new Promise((resolve, reject) => {
      if (!this.#sendJson({ ...msg, rid } as ClientMessage)) {
        reject(new RelayClientError("disconnected", "not connected"));
        return;
      }
      this.#pending.set(rid, { resolve, reject });
    });
  }

  // ---------- API ----------

  /** Host: create a room (a session) it owns and controls. */
  async openRoom(room: string): Promise<void> {
    await this.#request({ t: "open_room", room });
  }

  /** Host: allow one phone to claim this room with `token` (base64url, >= 16 random bytes) within ttlMs. */
  async openPairing(room: string, token: string, ttlMs: number): Promise<void> {
    await this.#request({ t: "open_pairing", room, token, ttlMs });
  }

  /** Phone: claim a pairing (registers this device under the host's account and joins it to the room). */
  async claimPairing(room: string, token: string, name: string): Promise<{ host: string }> {
    const data = await this.#request({ t: "claim_pairing", room, token, name });
    return { host: String(data.host) };
  }

  /**
   * Joins a room and keeps it joined across reconnects. `after`: the last sequence this device has
   * (from storage); omitted = continue after what was delivered in this client, else the relay's cursor.
   */
  async join(room: string, opts: { after?: number } = {}): Promise<void> {
    let st = this.#rooms.get(room);
    if (!st) {
      st = { lastSeq: undefined, joined: false, pendingAck: 0 };
      this.#rooms.set(room, st);
    }
    if (opts.after !== undefined) st.lastSeq = opts.after;
    const after = st.lastSeq;
    await this.#request({ t: "join", room, ...(after !== undefined ? { after } : {}) });
  }

  /** Host: admit a device that is a member of another of this host's rooms to `room`. */
  async addMember(room: string, deviceId: string): Promise<void> {
    await this.#request({ t: "add_member", room, deviceId });
  }

  /** The rooms this device is a member of, with each room's host. */
  async listRooms(): Promise<RoomListing[]> {
    const parsed = RoomList.safeParse(await this.#request({ t: "list_rooms" }));
    if (!parsed.success) throw new RelayClientError("bad_message", "list_rooms: the relay's answer is not a room list");
    return parsed.data.rooms;
  }

  async leave(room: string): Promise<void> {
    this.#rooms.delete(room);
    await this.#request({ t: "leave", room });
  }

  /**
   * Sends a sealed frame (already encrypted by the caller). It is kept until the relay confirms it is
   * durable and re-sent after reconnects; throws `outbox_full` when the bound is reached.
   */
  send(room: string, cls: RoutingClass, payload: Uint8Array): { epoch: number; counter: number } {
    const max = this.#opts.maxOutboxFrames ?? 10_000;
    const maxBytes = this.#opts.maxOutboxBytes ?? 64 * 1024 * 1024;
    if (this.#outbox.length >= max || this.#outboxBytes + payload.length > maxBytes) {
      throw new RelayClientError("outbox_full", "too many frames waiting for the relay");
    }
    const counter = ++this.#counter;
    const bytes = encodeSend({ room, cls, epoch: this.epoch, counter, payload });
    this.#outbox.push({ room, counter, bytes });
    this.#outboxBytes += bytes.length;
    const ws = this.#ws;
    if (ws && ws.readyState === 1 && this.#status === "open") ws.send(bytes);
    return { epoch: this.epoch, counter };
  }

  /** Resolves when every sent frame has been confirmed (or dropped with a reason) by the relay. */
  flushed(): Promise<void> {
    if (this.#outbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** The number of bytes the WebSocket still holds for the network (for pacing producers). */
  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  async requestControl(room: string): Promise<void> {
    await this.#request({ t: "control_request", room });
  }
  async grantControl(room: string, deviceId: string): Promise<void> {
    await this.#request({ t: "control_grant", room, deviceId });
  }
  async refuseControl(room: string, deviceId: string): Promise<void> {
    await this.#request({ t: "control_refuse", room, deviceId });
  }
  async revokeControl(room: string): Promise<void> {
    await this.#request({ t: "control_revoke", room });
  }
  async notify(room: string, category: PushCategory): Promise<void> {
    await this.#request({ t: "notify", room, category });
  }
  async registerPush(target: PushTarget): Promise<void> {
    await this.#request({ t: "push_register", target });
  }
  async revokeDevice(deviceId: string): Promise<void> {
    await this.#request({ t: "revoke_device", deviceId });
  }
  setActive(active: boolean): void {
    this.#sendJson({ t: "presence", active });
  }
}
