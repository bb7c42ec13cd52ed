import { createRequire } from "node:module";
import {
  type AgentEvent,
  type AudioFrame,
  type BinaryFrame,
  type ControlFrame,
  type ControlFrameInput,
  createHello,
  type DeviceIdentity,
  decodeHandshakeMessage,
  encodeHandshakeMessage,
  generateDeviceIdentity,
  type HandshakeMessage,
  initiateSession,
  isProtocolError,
  type PublicIdentity,
  parsePairingLink,
  respondToPairingOffer,
  type SecureChannel,
  type SessionInitiator,
  signMessage,
  utf8Encode,
} from "@codex-remote/protocol";
import { type DeliverEnvelope, RelayClient, type RoutingClass } from "@codex-remote/protocol/relay";
import type * as XtermHeadless from "@xterm/headless";

const { Terminal } = createRequire(import.meta.url)("@xterm/headless") as typeof XtermHeadless;

export interface PhoneEvent {
  readonly seq: number;
  readonly event: AgentEvent;
}

/**
 * A scripted phone built only on the protocol package: RelayClient + pairing + SecureChannel. It
 * does what the mobile app does over the wire, so the session host is tested against the real
 * protocol and a real relay.
 */
export class ScriptedPhone {
  readonly identity: DeviceIdentity;
  readonly name: string;
  client: RelayClient | undefined;
  room = "";
  relayUrl = "";
  channel: SecureChannel | undefined;
  hostIdentity: PublicIdentity | undefined;
  sas: string | undefined;
  readonly frames: ControlFrame[] = [];
  readonly events: PhoneEvent[] = [];
  readonly terminal: Uint8Array[] = [];
  /** Audio frames from the laptop (voice replies). */
  readonly audio: AudioFrame[] = [];
  readonly relayErrors: string[] = [];
  /** Frames the relay refused to forward, by code (e.g. input from a device not in control). */
  readonly dropped: string[] = [];
  controller: string | null = null;
  /** Relay-level `control_refused` messages received (the laptop refused a control request). */
  controlRefused = 0;
  #waiters = new Set<() => void>();
  #pendingHandshake: ((m: HandshakeMessage) => void) | undefined;
  #lastSeq = 0;

  constructor(name = "test-phone", identity = generateDeviceIdentity()) {
    this.identity = identity;
    this.name = name;
  }

  get deviceId(): string {
    return this.client!.deviceId;
  }

  #newClient(url: string): RelayClient {
    const identity = this.identity;
    const client = new RelayClient({
      url,
      identity: { publicKey: identity.signing.publicKey, sign: (m) => signMessage(identity, m) },
      register: { kind: "phone", name: this.name },
      reconnect: { initialMs: 50, maxMs: 300 },
      ackDelayMs: 10,
    });
    client.on("frame", (env) => this.#onFrame(env));
    client.on("controller", (m) => {
      this.controller = m.deviceId;
      this.#wake();
    });
    client.on("control_refused", () => {
      this.controlRefused++;
      this.#wake();
    });
    client.on("dropped", (d) => {
      this.dropped.push(d.code);
      this.#wake();
    });
    client.on("error", (e) => {
      this.relayErrors.push(e.code);
      this.#wake();
    });
    client.on("close", (e) => {
      if (e.error) this.relayErrors.push(e.error);
      this.#wake();
    });
    return client;
  }

  /** Scans the QR / opens the link: claims the pairing at the relay and runs the pairing handshake. */
  async pair(link: string): Promise<void> {
    const offer = parsePairingLink(link);
    this.room = offer.roomId;
    this.relayUrl = offer.relayUrl;
    this.client = this.#newClient(offer.relayUrl);
    await this.client.connect();
    await this.client.claimPairing(offer.roomId, offer.wrapperPublicKey, this.name);
    await this.client.join(offer.roomId);
    const pairing = respondToPairingOffer(offer, this.identity);
    // The room may replay another phone's earlier pairing_accept: only the one that verifies is ours.
    let host: PublicIdentity | undefined;
    const accepted = this.#nextHandshake("pairing_accept", undefined, (m) => {
      if (m.type !== "pairing_accept") return false;
      try {
        host = pairing.finish(m);
        return true;
      } catch {
        return false;
      }
    });
    this.#send("control", utf8Encode(encodeHandshakeMessage(pairing.response)));
    await accepted;
    this.hostIdentity = host;
    this.channel = pairing.channel;
    this.sas = pairing.sas;
    this.sendFrame(createHello({ role: "phone", deviceId: this.identity.deviceId }), "control");
    await this.waitFor(() => this.frames.some((f) => f.type === "welcome"));
  }

  /** A later session with the paired laptop: no QR, the session handshake with stored keys. */
  async reconnect(): Promise<void> {
    this.client?.close();
    this.client = this.#newClient(this.relayUrl);
    await this.client.connect();
    await this.client.join(this.room, { after: this.#lastRelaySeq });
    const initiator: SessionInitiator = initiateSession(this.identity, this.hostIdentity!, "phone");
    const accepted = this.#nextHandshake("session_accept", initiator.init.sessionId);
    this.#send("control", utf8Encode(encodeHandshakeMessage(initiator.init)));
    const accept = await accepted;
    if (accept.type !== "session_accept") throw new Error("unexpected handshake");
    const { channel, finish } = initiator.complete(accept);
    this.#send("control", utf8Encode(encodeHandshakeMessage(finish)));
    this.channel = channel;
    const welcomes = this.frames.filter((f) => f.type === "welcome").length;
    this.sendFrame(createHello({ role: "phone", deviceId: this.identity.deviceId }), "control");
    await this.waitFor(() => this.frames.filter((f) => f.type === "welcome").length > welcomes);
  }

  /**
   * The same phone following another room of its laptop (another session there at the same time):
   * the app's link per room, with this phone's keys and no QR.
   */
  static async follow(phone: ScriptedPhone, room: string): Promise<ScriptedPhone> {
    const other = new ScriptedPhone(phone.name, phone.identity);
    other.room = room;
    other.relayUrl = phone.relayUrl;
    other.hostIdentity = phone.hostIdentity;
    await other.reconnect();
    return other;
  }

  #lastRelaySeq = 0;

  #nextHandshake(
    type: HandshakeMessage["type"],
    sessionId?: string,
    accept?: (m: HandshakeMessage) => boolean,
  ): Promise<HandshakeMessage> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${type} from the laptop`)), 10_000);
      this.#pendingHandshake = (m) => {
        if (m.type !== type) return;
        if (sessionId && "sessionId" in m && m.sessionId !== sessionId) return;
        if (accept && !accept(m)) return;
        clearTimeout(t);
        this.#pendingHandshake = undefined;
        resolve(m);
      };
    });
  }

  #send(cls: RoutingClass, payload: Uint8Array): void {
    this.client!.send(this.room, cls, payload);
  }

  /** Any bytes, as a hostile or broken phone would send them. */
  sendRaw(cls: RoutingClass, payload: Uint8Array): void {
    this.#send(cls, payload);
  }

  sendFrame(frame: ControlFrameInput, cls: RoutingClass = "input"): void {
    this.#send(cls, this.channel!.sealControl(frame));
  }

  sessionId(): string {
    const open = [...this.frames].reverse().find((f) => f.type === "session_open");
    if (open?.type !== "session_open") throw new Error("no session_open yet");
    return open.sessionId;
  }

  /** A prompt: an input-class frame, which the relay forwards only from the controller. */
  prompt(text: string, id = `p${Date.now()}`, cls: RoutingClass = "input"): void {
    this.sendFrame(
      { type: "exec_cmd", id, sessionId: this.sessionId(), input: { kind: "prompt", text }, source: "remote" },
      cls,
    );
  }

  slash(command: string, args: string[] = []): void {
    this.sendFrame({ type: "exec_cmd", sessionId: this.sessionId(), input: { kind: "slash", command, args } });
  }

  approve(requestId: string, decision: "accept" | "decline" = "accept"): void {
    this.sendFrame({ type: "approval_response", sessionId: this.sessionId(), requestId, decision }, "control");
  }

  /** Any binary frame (voice: sealed audio frames, input class like the app's). */
  sendBinary(frame: BinaryFrame, cls: RoutingClass = "input"): void {
    this.#send(cls, this.channel!.sealBinary(frame));
  }

  #inputSeq = 0;
  /** Keys for the laptop's terminal agent (input class: only the controller's get through). */
  typeKeys(text: string): void {
    const data = utf8Encode(text);
    this.#send(
      "input",
      this.channel!.sealBinary({ type: "terminal_input", streamId: 1, sequence: this.#inputSeq++, data }),
    );
  }

  terminalText(): string {
    return Buffer.concat(this.terminal).toString("utf8");
  }

  /** The phone's terminal screen: every mirrored byte replayed into a headless xterm, as xterm.js would show it. */
  async screen(): Promise<string> {
    const size = [...this.frames].reverse().find((f) => f.type === "terminal_resize");
    const cols = size?.type === "terminal_resize" ? size.cols : 80;
    const rows = size?.type === "terminal_resize" ? size.rows : 24;
    const term = new Terminal({ cols, rows, allowProposedApi: true });
    await new Promise<void>((r) => term.write(Buffer.concat(this.terminal), r));
    const lines: string[] = [];
    const buf = term.buffer.active;
    for (let y = 0; y < buf.length; y++) lines.push(buf.getLine(y)?.translateToString(true) ?? "");
    term.dispose();
    return lines.join("\n");
  }

  async waitForScreen(text: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < end) {
      screen = await this.screen();
      if (screen.includes(text)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`phone screen never showed "${text}":\n${screen.slice(-2000)}`);
  }

  async requestControl(): Promise<void> {
    await this.client!.requestControl(this.room);
  }

  ack(): void {
    this.sendFrame({ type: "ack", sessionId: this.sessionId(), upToSeq: this.#lastSeq }, "control");
  }

  #onFrame(env: DeliverEnvelope): void {
    this.#lastRelaySeq = env.seq;
    if (env.sender === this.client?.deviceId) return;
    try {
      if (env.payload[0] === 0x7b) {
        this.#pendingHandshake?.(decodeHandshakeMessage(env.payload));
        return;
      }
      if (!this.channel) return;
      const opened = this.channel.openFrame(env.payload);
      if (opened.kind === "binary") {
        if (opened.frame.type === "terminal_output") this.terminal.push(opened.frame.data);
        else if (opened.frame.type === "audio") this.audio.push({ ...opened.frame, data: opened.frame.data.slice() });
      } else {
        const f = opened.frame;
        this.frames.push(f);
        if (f.type === "agent_event" && f.seq > this.#lastSeq) {
          this.#lastSeq = f.seq;
          this.events.push({ seq: f.seq, event: f.event });
        }
      }
      this.#wake();
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      // Frames of an earlier session, or sealed for another phone: not ours.
    }
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(t);
        this.#waiters.delete(check);
        resolve();
      };
      const t = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `phone: timed out waiting for ${what}; saw ${this.frames.map((f) => (f.type === "agent_event" ? f.event.kind : f.type)).join(",")}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  waitForEvent<K extends AgentEvent["kind"]>(kind: K, after = 0): Promise<Extract<AgentEvent, { kind: K }>> {
    const find = () =>
      this.events.find((e) => e.seq > after && e.event.kind === kind)?.event as
        | Extract<AgentEvent, { kind: K }>
        | undefined;
    return this.waitFor(() => find() !== undefined, 10_000, kind).then(() => find()!);
  }

  close(): void {
    this.client?.close();
  }
}
