import {
  acceptSession,
  answerHello,
  type BinaryFrame,
  type ControlFrameInput,
  createPairingOffer,
  type DeviceIdentity,
  decodeHandshakeMessage,
  encodeHandshakeMessage,
  type HandshakeMessage,
  isProtocolError,
  type PendingPairing,
  type PublicIdentity,
  parsePublicIdentity,
  type SecureChannel,
  type SessionResponder,
  signMessage,
  utf8Encode,
} from "@codex-remote/protocol";
import { type DeliverEnvelope, type PushCategory, RelayClient } from "@codex-remote/protocol/relay";
import type { KeyStore } from "../keys/store.ts";
import type { HostTransport, TransportHandlers } from "./transport.ts";

export interface RelayTransportOptions {
  readonly url: string;
  readonly identity: DeviceIdentity;
  readonly keys: KeyStore;
  /** Shown to the relay (and to phones) as this laptop's name. */
  readonly name: string;
  /** The session's slot (see relay-lock.ts): 1, the default, is the laptop's own room. */
  readonly slot?: number;
  /** Reconnect backoff (tests shorten it). */
  readonly reconnect?: { initialMs?: number; maxMs?: number };
  readonly WebSocket?: typeof WebSocket;
}

export interface PairingTicket {
  /** The link to open on the phone (the one-time secret sits in the fragment). */
  readonly link: string;
  readonly expiresAt: number;
  /** Resolves when a phone completed pairing: its relay device id, name and the SAS both show. */
  readonly done: Promise<{ deviceId: string; name: string; sas: string }>;
}

interface Peer {
  channel: SecureChannel;
  /** Attached once a sealed hello from the phone opened. */
  attached: boolean;
  responder?: SessionResponder;
}

/**
 * The relay room of a laptop's session slot: stable, so paired phones (room members) find it again.
 * Slot 1 is the laptop's own room; the rooms of further sessions at the same time add the slot.
 */
export const hostRoomId = (identity: DeviceIdentity, slot = 1): string =>
  slot === 1 ? `host-${identity.deviceId}` : `host-${identity.deviceId}-${slot}`;

/**
 * The real HostTransport: a RelayClient (authenticated with the laptop's Ed25519 key) in the
 * laptop's room, a SecureChannel per phone (from pairing, or from the session handshake with a
 * paired phone), sealing every frame out and opening every frame in. Handshake messages are the
 * protocol's cleartext JSON; everything after them is sealed. A phone is known by its relay device
 * id (its signing public key) and must be in the key store, not revoked.
 */
export class RelayTransport implements HostTransport {
  readonly room: string;
  readonly client: RelayClient;
  #opts: RelayTransportOptions;
  #handlers: TransportHandlers | undefined;
  #peers = new Map<string, Peer>();
  #online = false;
  #pairings = new Map<
    string,
    { pending: PendingPairing; name?: string; resolve: (r: { deviceId: string; name: string; sas: string }) => void }
  >();
  #claimedNames = new Map<string, string>();
  #closed = false;
  /** Frames dropped because they did not open or decode, by error code (for status and tests). */
  readonly rejected: Record<string, number> = {};

  constructor(opts: RelayTransportOptions) {
    this.#opts = opts;
    this.room = hostRoomId(opts.identity, opts.slot);
    const identity = opts.identity;
    this.client = new RelayClient({
      url: opts.url,
      identity: { publicKey: identity.signing.publicKey, sign: (m) => signMessage(identity, m) },
      register: { kind: "host", name: opts.name },
      ...(opts.reconnect ? { reconnect: opts.reconnect } : {}),
      ...(opts.WebSocket ? { WebSocket: opts.WebSocket } : {}),
    });
    this.client.on("open", () => void this.#enterRoom());
    this.client.on("close", () => this.#setOnline(false));
    this.client.on("frame", (env) => this.#onFrame(env));
    this.client.on("paired", (m) => {
      this.#claimedNames.set(m.deviceId, m.name);
      // a phone paired in another session's room follows this session too
      if (m.room !== this.room && this.#online) this.client.addMember(this.room, m.deviceId).catch(() => {});
    });
    // The relay sends a host's messages to every connection of the laptop's device, so another
    // session's (another room's) come here too: only this room's count.
    this.client.on("control_requested", (m) => {
      if (m.room === this.room) this.#handlers?.controlRequested(m.deviceId);
    });
    this.client.on("gap", (m) => {
      if (m.room !== this.room) return;
      for (const [id, p] of this.#peers) if (p.attached) this.#handlers?.resyncNeeded(id);
    });
  }

  /** Connects in the background: the session works locally until the relay answers. */
  start(): void {
    this.client.connect().catch(() => {});
  }

  /** Resolves once connected and in the room, or rejects after `timeoutMs`. */
  async ready(timeoutMs = 5000): Promise<void> {
    if (this.#online) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        off();
        reject(new Error(`relay ${this.#opts.url} not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.#onOnline(() => {
        clearTimeout(t);
        off();
        resolve();
      });
    });
  }

  #onlineWaiters = new Set<() => void>();
  #onOnline(fn: () => void): () => void {
    this.#onlineWaiters.add(fn);
    return () => this.#onlineWaiters.delete(fn);
  }

  async #enterRoom(): Promise<void> {
    try {
      await this.client.openRoom(this.room);
      await this.client.join(this.room);
      this.#setOnline(true);
      await this.#admitPairedPhones();
    } catch {
      // The next reconnect tries again.
    }
  }

  /**
   * Every paired phone becomes a member of this session's room (a no-op where it is one already), so
   * phones paired in another session's room find this one. The relay admits only phones that are
   * members of another room of this laptop; the others (paired through a relay since forgotten) are
   * skipped.
   */
  async #admitPairedPhones(): Promise<void> {
    const keys = this.#opts.keys;
    keys.reload();
    for (const d of keys.paired()) {
      if (keys.isRevoked(d.id)) continue;
      await this.client.addMember(this.room, d.id).catch(() => {});
    }
  }

  #setOnline(up: boolean): void {
    if (this.#online === up || this.#closed) return;
    this.#online = up;
    this.#handlers?.online(up);
    if (up) for (const w of [...this.#onlineWaiters]) w();
  }

  get online(): boolean {
    return this.#online;
  }

  backlogBytes(): number {
    return this.client.bufferedAmount + this.client.outboxSize * 256;
  }

  attachedDevices(): readonly string[] {
    const out: string[] = [];
    for (const [id, p] of this.#peers) if (p.attached) out.push(id);
    return out;
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }

  send(deviceId: string, frame: ControlFrameInput): boolean {
    const peer = this.#peers.get(deviceId);
    if (!peer || !this.#online) return false;
    this.client.send(this.room, "output", peer.channel.sealControl(frame));
    return true;
  }

  sendBinary(deviceId: string, frame: BinaryFrame): boolean {
    const peer = this.#peers.get(deviceId);
    if (!peer?.attached || !this.#online) return false;
    this.client.send(this.room, "output", peer.channel.sealBinary(frame));
    return true;
  }

  sendTerminal(streamId: number, sequence: number, bytes: Uint8Array): void {
    if (!this.#online) return;
    for (const peer of this.#peers.values()) {
      if (!peer.attached) continue;
      this.client.send(
        this.room,
        "output",
        peer.channel.sealBinary({ type: "terminal_output", streamId, sequence, data: bytes }),
      );
    }
  }

  async setController(deviceId: string | null): Promise<void> {
    if (!this.#online) return;
    if (deviceId === null) await this.client.revokeControl(this.room);
    else await this.client.grantControl(this.room, deviceId);
  }

  async refuseControl(deviceId: string): Promise<void> {
    if (this.#online) await this.client.refuseControl(this.room, deviceId);
  }

  notify(category: PushCategory): void {
    if (this.#online) this.client.notify(this.room, category).catch(() => {});
  }

  async revokeDevice(deviceId: string): Promise<void> {
    this.#peers.delete(deviceId);
    if (this.#online) await this.client.revokeDevice(deviceId);
  }

  /** Opens a one-time pairing offer in the room; the phone claims it with the offer's public key. */
  async pair(ttlMs = 10 * 60 * 1000, linkBase?: string): Promise<PairingTicket> {
    await this.ready();
    const pending = createPairingOffer({ relayUrl: this.#opts.url, roomId: this.room, ttlMs });
    // The relay-level claim token: the offer's ephemeral public key (in the link's query, unguessable;
    // the relay sees only public material). The one-time secret never leaves the link's fragment.
    await this.client.openPairing(this.room, pending.offer.wrapperPublicKey, ttlMs);
    let resolve!: (r: { deviceId: string; name: string; sas: string }) => void;
    const done = new Promise<{ deviceId: string; name: string; sas: string }>((r) => {
      resolve = r;
    });
    this.#pairings.set(pending.offer.roomId + pending.offer.wrapperPublicKey, { pending, resolve });
    return { link: pending.link(linkBase), expiresAt: pending.offer.expiresAt, done };
  }

  #sendHandshake(message: HandshakeMessage): void {
    this.client.send(this.room, "control", utf8Encode(encodeHandshakeMessage(message)));
  }

  #onFrame(env: DeliverEnvelope): void {
    if (env.room !== this.room || env.sender === this.client.deviceId || env.payload.length === 0) return;
    try {
      if (env.payload[0] === 0x7b /* "{" */) this.#onHandshake(env.sender, decodeHandshakeMessage(env.payload));
      else this.#onSealed(env.sender, env.payload);
    } catch (e) {
      // A malformed, replayed or foreign frame (another phone's channel, an old session) is dropped
      // with the protocol's typed error; nothing a peer sends may take the session down.
      this.rejected[isProtocolError(e) ? e.code : "HOST_REJECTED"] =
        (this.rejected[isProtocolError(e) ? e.code : "HOST_REJECTED"] ?? 0) + 1;
    }
  }

  #onHandshake(sender: string, msg: HandshakeMessage): void {
    const keys = this.#opts.keys;
    if (msg.type === "pairing_response") {
      // The claimed identity must be the relay-authenticated sender's.
      if (msg.identity.signingPublicKey !== sender) return;
      for (const [key, p] of this.#pairings) {
        if (p.pending.used) continue;
        const result = p.pending.accept(msg, this.#opts.identity);
        this.#pairings.delete(key);
        const name = this.#claimedNames.get(sender) ?? "phone";
        keys.addPaired({ id: sender, name, publicIdentity: JSON.stringify(result.peer) });
        this.#peers.set(sender, { channel: result.channel, attached: false });
        this.#sendHandshake(result.accept);
        this.#handlers?.paired(sender, name);
        p.resolve({ deviceId: sender, name, sas: result.sas });
        return;
      }
      return;
    }
    if (msg.type === "session_init") {
      keys.reload();
      const device = keys.find(sender);
      if (!device || device.id !== sender || keys.isRevoked(sender)) return;
      const peer: PublicIdentity = parsePublicIdentity(JSON.parse(device.publicIdentity));
      const responder = acceptSession(this.#opts.identity, peer, msg);
      this.#peers.set(sender, { channel: responder.channel, attached: false, responder });
      this.#sendHandshake(responder.accept);
      return;
    }
    if (msg.type === "session_finish") {
      const p = this.#peers.get(sender);
      if (p?.responder && p.channel.sessionId === msg.sessionId) p.responder.verifyFinish(msg);
    }
  }

  #onSealed(sender: string, payload: Uint8Array): void {
    const peer = this.#peers.get(sender);
    if (!peer) return;
    const opened = peer.channel.openFrame(payload);
    if (opened.kind === "binary") {
      if (!peer.attached) return;
      if (opened.frame.type === "terminal_input") this.#handlers?.terminalInput(sender, opened.frame.data);
      else if (opened.frame.type === "audio") this.#handlers?.audioInput?.(sender, opened.frame);
      return;
    }
    const frame = opened.frame;
    if (frame.type === "hello") {
      const welcome = answerHello(frame, { role: "wrapper", deviceId: this.#opts.identity.deviceId });
      this.client.send(this.room, "output", peer.channel.sealControl(welcome));
      const first = !peer.attached;
      peer.attached = true;
      if (first) this.#handlers?.attached(sender, undefined);
      return;
    }
    if (!peer.attached) return;
    this.#handlers?.control(sender, frame);
  }

  async close(): Promise<void> {
    this.#closed = true;
    try {
      await Promise.race([this.client.flushed(), new Promise((r) => setTimeout(r, 500))]);
    } finally {
      this.client.close();
    }
  }
}
