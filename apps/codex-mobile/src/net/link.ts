import {
  type BinaryFrame,
  type ControlFrame,
  type ControlFrameInput,
  createHello,
  type DeviceIdentity,
  decodeHandshakeMessage,
  encodeHandshakeMessage,
  type HandshakeMessage,
  initiateSession,
  isProtocolError,
  type SecureChannel,
  signMessage,
  utf8Encode,
} from "@codex-remote/protocol";
import { type DeliverEnvelope, RelayClient, type RoutingClass } from "@codex-remote/protocol/relay";
import type { Store } from "../store/store.ts";
import type { StoreInput } from "../store/types.ts";
import type { VoiceFrame } from "./actions.ts";
import { frameToInputs, journalToInputs } from "./frames.ts";
import { Journal } from "./journal.ts";
import type { LaptopRecord } from "./laptops.ts";
import { deviceName } from "./pairing.ts";

export type LinkState = "connecting" | "handshaking" | "online" | "reconnecting" | "laptop_offline" | "closed";

export interface LinkOptions {
  record: LaptopRecord;
  identity: DeviceIdentity;
  /** where opened frames go (the app's store, or one that also tells the other tabs: StoreMirror) */
  store: Pick<Store, "state" | "dispatch">;
  onState(state: LinkState, detail?: string): void;
  onRecord(record: LaptopRecord): void;
  onAudio?(sessionId: string, frame: VoiceFrame): void;
  /**
   * Another room of a laptop already linked: this link joins its room on that link's RelayClient
   * (one connection per laptop, however many sessions it runs) and leaves it on close.
   */
  sharedClient?: RelayClient;
  /** Test hooks: faster timers. */
  timing?: { handshakeMs?: number; livenessMs?: number; reconnectMs?: number };
  WebSocket?: typeof WebSocket;
}

const HANDSHAKE_TIMEOUT_MS = 6000;
const LIVENESS_MS = 15_000;
const TERMINAL_STREAM = 1;
const AUDIO_STREAM = 2;

/** First byte of a cleartext handshake message (JSON); sealed frames never start with it. */
const isHandshake = (payload: Uint8Array): boolean => payload[0] === 0x7b;

/**
 * One paired laptop: a RelayClient in the laptop's room, the secure channel of the current session
 * (session handshake with stored keys, or the pairing's channel right after pairing), frames opened
 * into store inputs, and UI actions sealed into frames. After every (re)join it runs a fresh session
 * handshake and hello, so the laptop re-attaches this phone and replays what it missed; a liveness
 * hello notices a laptop that went away.
 */
export class LaptopLink {
  readonly record: LaptopRecord;
  readonly client: RelayClient;
  #o: LinkOptions;
  /** Newest first: frames sealed under the previous session may still arrive from the relay log. */
  #channels: SecureChannel[] = [];
  #state: LinkState = "connecting";
  #handshakeWaiter: ((m: HandshakeMessage) => void) | undefined;
  /** Every hello in flight waits for the next welcome (a liveness hello may overlap a handshake's). */
  #welcomeWaiters = new Set<() => void>();
  #sessions = new Set<string>();
  #current: string | undefined;
  #resyncPending = new Set<string>();
  #acked = new Map<string, number>();
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #liveness: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #handshaking = false;
  #again = false;
  #closed = false;
  #terminalSeq = 0;
  #audioSeq = 0;
  #audioOpen = false;
  #msgId = 0;
  readonly #ownsClient: boolean;
  readonly journal: Journal;

  constructor(o: LinkOptions, existing?: { client: RelayClient; channel: SecureChannel }) {
    this.#o = o;
    this.record = o.record;
    this.journal = new Journal(o.record.room);
    this.journal.onPersisted = () => this.#scheduleAck();
    this.#ownsClient = o.sharedClient === undefined;
    if (existing) {
      this.client = existing.client;
      this.#channels = [existing.channel];
    } else if (o.sharedClient) {
      this.client = o.sharedClient;
    } else {
      const identity = o.identity;
      this.client = new RelayClient({
        url: o.record.relayUrl,
        identity: { publicKey: identity.signing.publicKey, sign: (m) => signMessage(identity, m) },
        register: { kind: "phone", name: deviceName() },
        reconnect: { initialMs: o.timing?.reconnectMs ?? 300, maxMs: 5000 },
        ackDelayMs: 20,
        ...(o.WebSocket ? { WebSocket: o.WebSocket } : {}),
      });
    }
    this.client.on("frame", (env) => this.#onFrame(env));
    this.#watchVisibility();
    this.client.on("close", (e) => {
      if (this.#closed) return;
      this.#setState(e.willReconnect ? "reconnecting" : "closed", e.error ?? "relay connection lost");
      this.#everySession({ type: "presence", online: false });
    });
    this.client.on("joined", (m) => {
      if (m.room === this.record.room) void this.#handshake();
    });
    this.client.on("gap", (m) => {
      if (m.room !== this.record.room) return;
      for (const id of this.#sessions) {
        this.#dispatch({ type: "gap", sessionId: id, from: m.from, to: m.to, at: Date.now() });
        this.#resyncPending.add(id);
      }
      // A handshake may be running already (the rejoin that brought the gap): run one more after it.
      if (this.#handshaking) this.#again = true;
      else void this.#handshake();
    });
    this.client.on("control_refused", (m) => {
      if (m.room === this.record.room) this.#everySession({ type: "control", state: "refused" });
    });
    this.client.on("dropped", (m) => {
      if (m.room !== this.record.room || !this.#current) return;
      this.#dispatch({
        type: "notice",
        sessionId: this.#current,
        code: m.code,
        message: `The relay did not forward a request (${m.code}).`,
        at: Date.now(),
      });
    });
  }

  get state(): LinkState {
    return this.#state;
  }
  get deviceId(): string {
    return this.client.deviceId;
  }
  /** The sessions this link has shown. */
  get sessionIds(): string[] {
    return [...this.#sessions];
  }

  has(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  /** Tells the relay whether the app is in front, so it pushes only while the user is away. */
  #watchVisibility(): void {
    if (typeof document === "undefined") return;
    const update = () => {
      const visible = document.visibilityState === "visible";
      this.client.setActive(visible);
      if (!visible) void this.journal.flush();
    };
    addEventListener("pagehide", () => void this.journal.flush());
    document.addEventListener("visibilitychange", update);
    this.client.on("open", update);
  }

  /** Shows what this phone kept of each session (offline until the laptop answers). */
  async restore(): Promise<void> {
    for (const entry of await this.journal.load()) {
      this.#sessions.add(entry.meta.sessionId);
      this.#current ??= entry.meta.sessionId;
      for (const input of journalToInputs(entry, this.client.deviceId)) this.#dispatch(input);
    }
  }

  /** Connects (a stored laptop) and keeps the link up until `close()`. */
  async start(): Promise<void> {
    await this.restore().catch(() => {});
    this.#setState("connecting");
    this.#startLiveness();
    await this.client.connect().catch(() => {});
    await this.client
      .join(this.record.room, this.record.lastRelaySeq !== undefined ? { after: this.record.lastRelaySeq } : {})
      .catch(() => {});
  }

  /** Right after pairing: the pairing's channel is live; say hello so the laptop attaches this phone. */
  async adoptPaired(): Promise<void> {
    this.#startLiveness();
    this.#setState("handshaking");
    await this.#hello();
  }

  #startLiveness(): void {
    clearInterval(this.#liveness);
    this.#liveness = setInterval(() => void this.#checkAlive(), this.#o.timing?.livenessMs ?? LIVENESS_MS);
  }

  async #checkAlive(): Promise<void> {
    if (this.#handshaking || this.client.status !== "open") return;
    if (this.#state === "laptop_offline") return void this.#handshake();
    try {
      await this.#hello();
    } catch {
      void this.#handshake();
    }
  }

  #setState(state: LinkState, detail?: string): void {
    this.#state = state;
    this.#o.onState(state, detail);
  }

  /** The session handshake with the stored laptop keys, then hello → welcome. */
  async #handshake(resync = false): Promise<void> {
    if (this.#closed || this.#handshaking) return;
    this.#handshaking = true;
    clearTimeout(this.#retry);
    this.#setState("handshaking");
    try {
      const initiator = initiateSession(this.#o.identity, this.record.host, "phone");
      const accepted = this.#nextHandshake("session_accept", initiator.init.sessionId);
      this.#sendRaw("control", utf8Encode(encodeHandshakeMessage(initiator.init)));
      const accept = await accepted;
      if (accept.type !== "session_accept") throw new Error("unexpected handshake message");
      const { channel, finish } = initiator.complete(accept);
      this.#sendRaw("control", utf8Encode(encodeHandshakeMessage(finish)));
      this.#channels = [channel, ...this.#channels].slice(0, 2);
      if (resync) for (const id of this.#sessions) this.#resyncPending.add(id);
      for (const id of this.#resyncPending) this.#dispatch({ type: "resync_requested", sessionId: id, at: Date.now() });
      await this.#hello();
    } catch {
      this.#setState("laptop_offline", "the laptop is not answering");
      this.#everySession({ type: "presence", online: false });
      this.#retry = setTimeout(() => void this.#handshake(), 5000);
    } finally {
      this.#handshaking = false;
      if (this.#again) {
        this.#again = false;
        void this.#handshake();
      }
    }
  }

  async #hello(): Promise<void> {
    const welcomed = new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.#welcomeWaiters.delete(done);
        reject(new Error("no welcome"));
      }, this.#o.timing?.handshakeMs ?? HANDSHAKE_TIMEOUT_MS);
      this.#welcomeWaiters.add(done);
    });
    this.sendFrame(createHello({ role: "phone", deviceId: this.#o.identity.deviceId }), "control");
    await welcomed;
    if (this.#state !== "online") this.#setState("online");
  }

  #nextHandshake(type: HandshakeMessage["type"], sessionId: string): Promise<HandshakeMessage> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#handshakeWaiter = undefined;
        reject(new Error(`no ${type}`));
      }, this.#o.timing?.handshakeMs ?? HANDSHAKE_TIMEOUT_MS);
      this.#handshakeWaiter = (m) => {
        if (m.type !== type || !("sessionId" in m) || m.sessionId !== sessionId) return;
        clearTimeout(t);
        this.#handshakeWaiter = undefined;
        resolve(m);
      };
    });
  }

  #sendRaw(cls: RoutingClass, payload: Uint8Array): void {
    this.client.send(this.record.room, cls, payload);
  }

  sendFrame(frame: ControlFrameInput, cls: RoutingClass): void {
    const ch = this.#channels[0];
    if (!ch) throw new Error("no secure channel yet");
    this.#sendRaw(cls, ch.sealControl(frame));
  }

  sendBinary(frame: BinaryFrame, cls: RoutingClass): void {
    const ch = this.#channels[0];
    if (!ch) return;
    this.#sendRaw(cls, ch.sealBinary(frame));
  }

  nextId(): string {
    return `m${Date.now().toString(36)}${(++this.#msgId).toString(36)}`;
  }

  #onFrame(env: DeliverEnvelope): void {
    if (env.room !== this.record.room || env.sender === this.client.deviceId) return;
    this.#scheduleSave();
    if (env.payload.length === 0) return;
    if (isHandshake(env.payload)) {
      try {
        this.#handshakeWaiter?.(decodeHandshakeMessage(env.payload));
      } catch {
        // not a handshake message for us
      }
      return;
    }
    for (const ch of this.#channels) {
      try {
        const opened = ch.openFrame(env.payload);
        if (opened.kind === "control") this.#onControl(opened.frame);
        else this.#onBinaryFrame(opened.frame);
        return;
      } catch (e) {
        if (!isProtocolError(e)) throw e;
        // sealed under another session or for another phone: try the next channel, else drop
      }
    }
  }

  #onControl(frame: ControlFrame): void {
    if (frame.type === "welcome") {
      const waiters = [...this.#welcomeWaiters];
      this.#welcomeWaiters.clear();
      for (const w of waiters) w();
      // The laptop answered, so its sessions are live again: a reconnect whose first handshake failed
      // (and marked them offline) gets no fresh session_open, only the events it missed.
      this.#everySession({ type: "presence", online: true });
      return;
    }
    if (frame.type === "session_open") {
      this.#sessions.add(frame.sessionId);
      this.#current = frame.sessionId;
      this.journal.meta({
        sessionId: frame.sessionId,
        agent: frame.agent,
        mode: frame.cols !== undefined ? "terminal" : "structured",
        lastActivity: Date.now(),
        ...(frame.cwd !== undefined ? { cwd: frame.cwd } : {}),
      });
      this.#dispatch({ type: "presence", sessionId: frame.sessionId, online: true, at: Date.now() });
    }
    const now = Date.now();
    for (const input of frameToInputs(frame, {
      ownDeviceId: this.client.deviceId,
      currentSession: this.#current,
      now,
    })) {
      this.#dispatch(input);
    }
    if (frame.type === "session_open" && this.#resyncPending.delete(frame.sessionId)) {
      this.#dispatch({ type: "resync_done", sessionId: frame.sessionId, at: now });
    }
    if (frame.type === "agent_event") {
      // Acknowledged only once stored on the phone (journal.onPersisted): the laptop then never
      // skips an event this phone could lose in a reload.
      this.journal.record(frame.sessionId, { seq: frame.seq, at: frame.at ?? now, event: frame.event });
    }
  }

  #onBinaryFrame(frame: BinaryFrame): void {
    const session = this.#current;
    if (!session) return;
    if (frame.type === "terminal_output") {
      this.#dispatch({ type: "terminal_output", sessionId: session, bytes: frame.data.slice(), at: Date.now() });
    } else if (frame.type === "audio") {
      this.#o.onAudio?.(session, {
        codec: frame.codec === "opus" ? "opus" : "pcm_s16",
        sampleRate: frame.sampleRate,
        frameMs: frame.frameDurationUs / 1000,
        data: frame.data.slice(),
      });
    }
  }

  /** Tells the laptop how far this phone got, so a later re-attach resumes from there. */
  #scheduleAck(): void {
    if (this.#ackTimer) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      for (const sessionId of this.#sessions) {
        const applied = this.#o.store.state.sessions[sessionId]?.sync.applied ?? 0;
        const upToSeq = Math.min(applied, this.journal.persisted(sessionId));
        if (upToSeq <= (this.#acked.get(sessionId) ?? 0)) continue;
        try {
          this.sendFrame({ type: "ack", sessionId, upToSeq }, "control");
          this.#acked.set(sessionId, upToSeq);
        } catch {
          // no channel: the next attach flushes anyway
        }
      }
    }, 250);
  }

  #scheduleSave(): void {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      const last = this.client.lastSeq(this.record.room);
      if (last !== undefined && last !== this.record.lastRelaySeq) {
        this.record.lastRelaySeq = last;
        this.#o.onRecord(this.record);
      }
    }, 500);
  }

  #dispatch(input: StoreInput): void {
    this.#o.store.dispatch(input.type === "session_open" ? { ...input, laptop: this.record.name } : input);
  }

  #everySession(input: { type: "presence"; online: boolean } | { type: "control"; state: "refused" }): void {
    const at = Date.now();
    for (const id of this.#sessions) {
      if (input.type === "presence") this.#dispatch({ type: "presence", sessionId: id, online: input.online, at });
      else this.#dispatch({ type: "control", sessionId: id, state: input.state, at });
    }
  }

  // ---- actions ----

  prompt(sessionId: string, text: string): void {
    this.sendFrame(
      { type: "exec_cmd", id: this.nextId(), sessionId, input: { kind: "prompt", text }, source: "remote" },
      "input",
    );
  }

  slash(sessionId: string, command: string, args: string[]): void {
    this.sendFrame(
      { type: "exec_cmd", id: this.nextId(), sessionId, input: { kind: "slash", command, args } },
      "input",
    );
  }

  async requestControl(sessionId: string): Promise<void> {
    this.#dispatch({ type: "control", sessionId, state: "requested", at: Date.now() });
    try {
      await this.client.requestControl(this.record.room);
    } catch (e) {
      this.#dispatch({ type: "control", sessionId, state: "refused", at: Date.now(), reason: (e as Error).message });
    }
  }

  releaseControl(sessionId: string): void {
    this.sendFrame(
      { type: "control_revoke", sessionId, deviceId: this.client.deviceId, reason: "released" },
      "control",
    );
  }

  terminalInput(data: Uint8Array): void {
    this.sendBinary(
      { type: "terminal_input", streamId: TERMINAL_STREAM, sequence: this.#terminalSeq++, data },
      "input",
    );
  }

  voiceFrame(sessionId: string, f: VoiceFrame): void {
    if (!this.#audioOpen) {
      this.#audioOpen = true;
      this.sendFrame(
        {
          type: "start_stream",
          sessionId,
          streamId: AUDIO_STREAM,
          kind: "audio",
          audio: {
            codec: f.codec === "opus" ? "opus" : "pcm_s16le",
            sampleRate: f.sampleRate,
            channels: 1,
            frameDurationMs: f.frameMs,
          },
        },
        "input",
      );
    }
    this.sendBinary(
      {
        type: "audio",
        streamId: AUDIO_STREAM,
        sequence: this.#audioSeq++ >>> 0,
        codec: f.codec === "opus" ? "opus" : "pcm_s16le",
        sampleRate: f.sampleRate,
        channels: 1,
        frameDurationUs: Math.round(f.frameMs * 1000),
        data: f.data,
      },
      "input",
    );
  }

  bargeIn(sessionId: string): void {
    this.sendFrame({ type: "stop_stream", sessionId, streamId: AUDIO_STREAM, reason: "cancelled" }, "input");
    this.#audioOpen = false;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#liveness);
    clearTimeout(this.#retry);
    clearTimeout(this.#ackTimer);
    clearTimeout(this.#saveTimer);
    if (this.#ownsClient) this.client.close();
    else this.client.leave(this.record.room).catch(() => {});
    void this.journal.flush();
    this.#setState("closed");
  }
}
