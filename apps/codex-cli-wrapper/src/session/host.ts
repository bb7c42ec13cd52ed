import {
  type AgentEvent,
  type AgentWorkMode,
  type ApprovalAnswers,
  type ApprovalDecision,
  type ApprovalQuestion,
  type ControlFrame,
  type ControlFrameInput,
  MAX_ACK_RESULT_CHARS,
} from "@codex-remote/protocol";
import { clip } from "../backends/agent-events.ts";
import type { AgentMode, CodexBackend, GoalChange, TerminalBackend } from "../backends/types.ts";
import { WrapperError } from "../config/errors.ts";
import type { KeyStore } from "../keys/store.ts";
import { createSlashRouter, type SessionControls } from "../slash/builtins.ts";
import type { SlashOrigin, SlashRegistry } from "../slash/registry.ts";
import type { VoiceAdapters } from "../voice/adapters.ts";
import { BackendVoiceAgent } from "../voice/backend-agent.ts";
import { VoiceBridge } from "../voice/bridge.ts";
import { ApprovalBook } from "./approvals.ts";
import { EventLog } from "./event-log.ts";
import { PushPolicy } from "./push-policy.ts";
import { TerminalMirror } from "./terminal-mirror.ts";
import type { HostTransport, TransportHandlers } from "./transport.ts";

/** What the laptop's terminal shows; the CLI renders it, tests record it. */
export interface LocalView {
  event(event: AgentEvent): void;
  notice(text: string): void;
  /** Terminal agents: the PTY's bytes for the local screen (called synchronously, first). */
  terminalOutput?(bytes: Uint8Array): void;
}

const MODE_TEXT: Record<AgentWorkMode, string> = {
  default: "default (asks as configured)",
  plan: "plan (plans, changes nothing)",
  accept_edits: "accept edits (file edits without asking; commands still ask)",
  bypass: "bypass (asks nothing: started so)",
};

export type Controller = { readonly kind: "local" } | { readonly kind: "remote"; readonly deviceId: string };

export interface SessionHostOptions {
  readonly sessionId: string;
  readonly agent: string;
  readonly backend?: CodexBackend | undefined;
  readonly terminal?: TerminalBackend | undefined;
  readonly transport?: HostTransport | undefined;
  readonly keys?: KeyStore | undefined;
  readonly view: LocalView;
  readonly eventLogLimit?: number;
  readonly terminalBacklogBytes?: number;
  /** Mirror byte budget (see TerminalMirror); Infinity mirrors every byte. */
  readonly terminalBytesPerSecond?: number;
  /** Pairing for `/pair` (QR + link text); absent = no relay. */
  readonly pair?: (() => Promise<string>) | undefined;
  /**
   * A paired phone asks for control: `ask` (default) the laptop user, `auto` grant at once, `never`
   * refuse. In `ask` mode without `askLocal` (no interactive terminal) the request is refused.
   */
  readonly controlGrant?: "ask" | "auto" | "never";
  /**
   * The laptop has an interactive terminal: in `ask` mode the host shows the request as a notice and
   * the next local key or line answers it (`y` grants, anything else refuses).
   */
  readonly askLocal?: boolean;
  /**
   * Voice from the phone in control (structured backends only): its audio frames go to a voice
   * session whose agent is this host's backend; replies come back as Opus frames. Absent = refused.
   */
  readonly voice?: { readonly adapters: () => Promise<VoiceAdapters> } | undefined;
  /** How long an unanswered control request waits before it is refused (default 60 s). */
  readonly controlAskTimeoutMs?: number;
  readonly cwd?: string;
  /**
   * Where the laptop's raw keys go when not straight to `terminal` (the TUI handoff: a key in the
   * compact view takes the conversation back to the TUI).
   */
  readonly localKeys?: ((data: string | Uint8Array) => void) | undefined;
}

const TERMINAL_STREAM_ID = 1;

/**
 * The session host: one agent (structured backend and/or PTY), the laptop's terminal, and the
 * phones behind a HostTransport. It logs every AgentEvent with a session sequence and sends it to
 * every attached phone; a phone that comes back gets what it missed, in order. Input (prompts,
 * terminal keys, slash commands) is taken only from the controller: the laptop, or the one phone it
 * granted control to. Approvals are answered from either side; the backend lets the first answer win
 * and its `approval_resolved` event tells both sides.
 */
export class SessionHost implements SessionControls {
  readonly sessionId: string;
  readonly router: SlashRegistry<SessionControls>;
  readonly log: EventLog;
  readonly approvals = new ApprovalBook();
  readonly mirror: TerminalMirror | undefined;
  /** The voice bridge (when voice is on and the agent is structured). */
  readonly voice: VoiceBridge | undefined;
  #opts: SessionHostOptions;
  #controller: Controller = { kind: "local" };
  readonly #push = new PushPolicy();
  /** The agent's working mode as its last `agent_mode` event said (none yet: as configured). */
  #mode: AgentWorkMode | undefined;
  /** Last agent-event seq handed to the transport for each phone (its channel delivers it in order). */
  #cursors = new Map<string, number>();
  /** Last agent-event seq each phone acknowledged: where a new channel (phone reconnected) resumes. */
  #acked = new Map<string, number>();
  #terminalSeq = 0;
  #unsubscribe: (() => void) | undefined;
  #closed = false;
  /** A phone's control request waiting for the laptop user's y/n. */
  /** Phones told once that their audio is refused (not in control / no voice). */
  #audioRefused = new Set<string>();
  #controlAsk: { deviceId: string; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(opts: SessionHostOptions) {
    this.#opts = opts;
    this.sessionId = opts.sessionId;
    this.router = createSlashRouter();
    this.log = new EventLog(opts.eventLogLimit ?? 10_000);
    const transport = opts.transport;
    const terminal = opts.terminal;
    this.voice = this.#createVoice(opts);
    if (terminal && transport) {
      this.mirror = new TerminalMirror(
        {
          get online() {
            return transport.online && transport.attachedDevices().length > 0;
          },
          backlogBytes: () => transport.backlogBytes(),
          sendOutput: (bytes) => transport.sendTerminal(TERMINAL_STREAM_ID, this.#terminalSeq++, bytes),
          sendSnapshot: (snap) => {
            this.#broadcast({
              type: "terminal_resize",
              sessionId: this.sessionId,
              cols: snap.cols,
              rows: snap.rows,
            });
            // A full repaint: clear, then the serialized screen.
            transport.sendTerminal(
              TERMINAL_STREAM_ID,
              this.#terminalSeq++,
              new TextEncoder().encode(`\x1b[2J\x1b[H${snap.data}`),
            );
          },
        },
        () => terminal.snapshot(),
        {
          maxBacklogBytes: opts.terminalBacklogBytes ?? 1024 * 1024,
          ...(opts.terminalBytesPerSecond !== undefined
            ? { maxBytesPerSecond: opts.terminalBytesPerSecond > 0 ? opts.terminalBytesPerSecond : Infinity }
            : {}),
        },
      );
    }
  }

  #createVoice(opts: SessionHostOptions): VoiceBridge | undefined {
    const { backend, transport, voice } = opts;
    if (!voice || !backend || !transport?.sendBinary) return undefined;
    const agent = new BackendVoiceAgent({
      backend,
      sendPrompt: (text) => this.sendPrompt(text, "voice"),
      answerOldestApproval: (decision) => {
        const id = this.approvals.ids()[0];
        const by = this.voice?.speaker;
        if (id === undefined || by === undefined) return false;
        return this.answerApproval(id, decision, { kind: "remote", deviceId: by });
      },
      interrupt: () => this.interrupt(),
    });
    return new VoiceBridge({
      adapters: voice.adapters,
      agent,
      sendBinary: (deviceId, frame) => transport.sendBinary?.(deviceId, frame),
      onEvent: (e) => {
        if (e.type === "final") this.#opts.view.notice(`voice: heard "${e.text}"`);
        else if (e.type === "action") {
          this.#opts.view.notice(`voice: ${e.action.type}`);
          // "stop" also ends a turn the voice session did not start (typed on the laptop, say).
          if (e.action.type === "stop" && backend.turnActive) void this.interrupt().catch(() => {});
        } else if (e.type === "barge-in") this.#opts.view.notice(`voice: barge-in (${e.source})`);
        else if (e.type === "error") {
          this.#opts.view.notice(`voice: ${e.error.message} [${e.error.code}]`);
          // The phone that spoke hears the error cue; it also gets the typed error to show.
          const speaker = this.voice?.speaker;
          if (speaker)
            transport.send(speaker, { type: "error", code: e.error.code, message: e.error.message.slice(0, 500) });
        }
      },
    });
  }

  get controller(): Controller {
    return this.#controller;
  }

  /** Wires the backend, terminal and transport. The backend/terminal must be started by the caller. */
  attach(): void {
    const { backend, terminal, transport } = this.#opts;
    if (backend) this.#unsubscribe = backend.events.subscribe((e) => this.#onAgentEvent(e));
    if (terminal) {
      terminal.onOutput((bytes) => {
        this.#opts.view.terminalOutput?.(bytes);
        this.mirror?.push(bytes);
      });
    }
    transport?.setHandlers(this.#handlers());
  }

  /** Records an event produced outside the backend (e.g. the host's own notices to the phone). */
  publish(event: AgentEvent): void {
    this.#onAgentEvent(event);
  }

  #onAgentEvent(event: AgentEvent): void {
    if (this.#closed) return;
    this.approvals.observe(event);
    const entry = this.log.append(event);
    this.#opts.view.event(event);
    const transport = this.#opts.transport;
    if (event.kind === "agent_mode") this.#mode = event.mode;
    const push = this.#push.categoryFor(event);
    if (push) transport?.notify?.(push);
    if (!transport?.online) return;
    for (const id of transport.attachedDevices()) {
      const cursor = this.#cursors.get(id);
      // A phone still catching up gets this event from its flush, in order.
      if (cursor !== undefined && cursor === entry.seq - 1) {
        if (transport.send(id, this.#eventFrame(entry.seq, entry.at, event))) this.#cursors.set(id, entry.seq);
      }
    }
  }

  #eventFrame(seq: number, at: number, event: AgentEvent): ControlFrameInput {
    return { type: "agent_event", sessionId: this.sessionId, seq, at, event };
  }

  #broadcast(frame: ControlFrameInput): void {
    const transport = this.#opts.transport;
    if (!transport?.online) return;
    for (const id of transport.attachedDevices()) transport.send(id, frame);
  }

  /** Sends a phone everything after `after`, in order (the offline queue's flush). */
  #flush(deviceId: string, after: number): void {
    const transport = this.#opts.transport;
    if (!transport) return;
    const { events, trimmed } = this.log.since(after);
    if (trimmed)
      transport.send(deviceId, {
        type: "error",
        code: "EVENTS_TRIMMED",
        message: `events after ${after} up to ${this.log.firstSeq - 1} are no longer kept`,
      });
    let cursor = after;
    for (const e of events) {
      if (!transport.send(deviceId, this.#eventFrame(e.seq, e.at, e.event))) break;
      cursor = e.seq;
    }
    this.#cursors.set(deviceId, Math.max(cursor, trimmed ? this.log.firstSeq - 1 : cursor));
  }

  #handlers(): TransportHandlers {
    return {
      attached: (deviceId, resumeAfterSeq) => {
        if (this.#opts.keys?.isRevoked(deviceId)) return;
        // A new channel cannot open frames sealed for the old one: resume after what the phone acked.
        const known = this.#acked.get(deviceId);
        this.#opts.keys?.touch(deviceId);
        const transport = this.#opts.transport!;
        transport.send(deviceId, {
          type: "session_open",
          sessionId: this.sessionId,
          agent: this.#opts.agent,
          ...(this.#opts.cwd ? { cwd: this.#opts.cwd } : {}),
          ...(this.#opts.terminal
            ? { cols: this.#opts.terminal.snapshot().cols, rows: this.#opts.terminal.snapshot().rows }
            : {}),
        });
        const ctl = this.#controller;
        transport.send(
          deviceId,
          ctl.kind === "remote"
            ? { type: "control_grant", sessionId: this.sessionId, deviceId: ctl.deviceId }
            : { type: "control_revoke", sessionId: this.sessionId, deviceId, reason: "released" },
        );
        this.#flush(deviceId, resumeAfterSeq ?? known ?? 0);
        if (this.#opts.terminal) this.mirror?.requestResync();
        this.#opts.view.notice(`phone ${short(deviceId)} connected`);
      },
      detached: (deviceId) => {
        this.#opts.view.notice(`phone ${short(deviceId)} disconnected`);
        if (this.#controller.kind === "remote" && this.#controller.deviceId === deviceId) {
          // Control stays with the phone while it reconnects; the laptop takes it back by typing.
        }
      },
      online: (up) => {
        this.#opts.view.notice(up ? "relay connected" : "relay unreachable: working locally, phones will catch up");
        if (!up) return;
        // Back online (relay restarted, network back, laptop woke up): what each phone missed, in order.
        for (const id of this.#opts.transport?.attachedDevices() ?? []) this.#flush(id, this.#cursors.get(id) ?? 0);
        this.mirror?.requestResync();
      },
      paired: (deviceId, name) => this.#opts.view.notice(`paired ${name} (${short(deviceId)})`),
      resyncNeeded: () => this.mirror?.requestResync(),
      controlRequested: (deviceId) => this.#onControlRequest(deviceId),
      terminalInput: (deviceId, bytes) => {
        if (!this.#isController(deviceId)) return this.#refuse(deviceId, "terminal input");
        this.#opts.terminal?.write(bytes);
      },
      control: (deviceId, frame) => void this.#onPhoneFrame(deviceId, frame),
      audioInput: (deviceId, frame) => {
        if (!this.#isController(deviceId)) {
          if (!this.#audioRefused.has(deviceId)) this.#refuse(deviceId, "voice");
          this.#audioRefused.add(deviceId);
          return;
        }
        if (!this.voice) {
          if (!this.#audioRefused.has(deviceId))
            this.#opts.transport?.send(deviceId, {
              type: "error",
              code: "VOICE_UNAVAILABLE",
              message: this.#opts.voice
                ? "voice needs a structured agent (not a terminal agent)"
                : "voice is off on this laptop (voice.enabled = false)",
            });
          this.#audioRefused.add(deviceId);
          return;
        }
        this.voice.audio(deviceId, frame);
      },
    };
  }

  #isController(deviceId: string): boolean {
    return this.#controller.kind === "remote" && this.#controller.deviceId === deviceId;
  }

  #refuse(deviceId: string, what: string, ref?: string): void {
    this.#opts.transport?.send(deviceId, {
      type: "error",
      code: "NOT_IN_CONTROL",
      message: `${what} refused: this device is not in control (send control_request first)`,
      ...(ref ? { ref } : {}),
    });
  }

  async #onPhoneFrame(deviceId: string, frame: ControlFrame): Promise<void> {
    const origin: SlashOrigin = { kind: "remote", deviceId };
    const transport = this.#opts.transport;
    try {
      switch (frame.type) {
        case "ack":
          if (frame.upToSeq !== undefined && frame.upToSeq > (this.#acked.get(deviceId) ?? 0))
            this.#acked.set(deviceId, Math.min(frame.upToSeq, this.log.head));
          return;
        case "approval_response":
          // Either side may answer; the backend lets the first answer win and reports it.
          this.answerApproval(frame.requestId, frame.decision, origin, frame.answers);
          return;
        case "control_request":
          this.#onControlRequest(deviceId);
          return;
        case "control_revoke":
          if (this.#isController(deviceId)) await this.#takeLocal("released");
          return;
        case "exec_cmd": {
          if (!this.#isController(deviceId)) return this.#refuse(deviceId, "exec_cmd", frame.id);
          if (frame.input.kind === "slash") {
            const line = `/${frame.input.command} ${frame.input.args.map(quote).join(" ")}`;
            const text = await this.router.dispatch(this, line, origin);
            transport?.send(deviceId, {
              type: "ack",
              ...(frame.id ? { ref: frame.id } : {}),
              sessionId: this.sessionId,
              result: clip(text, MAX_ACK_RESULT_CHARS),
            });
            this.#opts.view.notice(`phone: ${line.trim()} → ${text.split("\n")[0]}`);
            return;
          }
          await this.sendPrompt(frame.input.text, frame.source === "voice" ? "voice" : "remote");
          transport?.send(deviceId, { type: "ack", ...(frame.id ? { ref: frame.id } : {}), sessionId: this.sessionId });
          return;
        }
        case "stop_stream":
          // The phone's audio stream: `cancelled` is a barge-in (tap or speech over the reply).
          if (this.#isController(deviceId) && frame.streamId !== TERMINAL_STREAM_ID)
            this.voice?.streamStopped(deviceId, frame.reason);
          return;
        case "terminal_resize":
          // The laptop's terminal decides the PTY size; a phone fits the mirror to its own screen.
          return;
        default:
          return;
      }
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      transport?.send(deviceId, {
        type: "error",
        code: typeof code === "string" && /^[A-Za-z][A-Za-z0-9_]+$/.test(code) ? code.toUpperCase() : "HOST_ERROR",
        message: (e as Error).message.slice(0, 500),
        ...("id" in frame && frame.id ? { ref: frame.id } : {}),
      });
    }
  }

  /** A prompt from the laptop (local) or from the phone in control (remote/voice). */
  async sendPrompt(text: string, source: "local" | "remote" | "voice"): Promise<void> {
    const { backend, terminal } = this.#opts;
    if (backend) {
      await backend.sendMessage(text, { source });
      return;
    }
    if (terminal) {
      terminal.write(`${text}\r`);
      return;
    }
    throw new WrapperError("AGENT_NOT_FOUND", "no agent is running");
  }

  /**
   * A phone asks for control (relay-level request or a sealed `control_request`). The laptop decides:
   * `auto` grants, `never` refuses, `ask` puts the question to the laptop user (refused when there is
   * no one to ask). A refusal reaches the phone as `error CONTROL_REFUSED` (the reason in words) and
   * `control_revoke` reason `denied`.
   */
  #onControlRequest(deviceId: string): void {
    if (this.#closed || this.#opts.keys?.isRevoked(deviceId)) return;
    if (this.#isController(deviceId)) {
      void this.#grant(deviceId);
      return;
    }
    const mode = this.#opts.controlGrant ?? "ask";
    if (mode === "auto") {
      void this.#grant(deviceId);
      return;
    }
    if (mode === "never") {
      this.#refuseControl(deviceId, "the laptop does not hand over control (control.grant = never)");
      return;
    }
    if (!this.#opts.askLocal) {
      this.#refuseControl(deviceId, "no one at the laptop to confirm (no terminal); set control.grant = auto to allow");
      return;
    }
    if (this.#controlAsk) {
      if (this.#controlAsk.deviceId === deviceId) return;
      this.#refuseControl(deviceId, "another phone's request is waiting for the laptop user");
      return;
    }
    const timer = setTimeout(
      () => this.answerControlRequest(false, "no answer on the laptop"),
      this.#opts.controlAskTimeoutMs ?? 60_000,
    );
    timer.unref?.();
    this.#controlAsk = { deviceId, timer };
    this.#opts.view.notice(`phone ${short(deviceId)} asks for control: allow? [y/N]`);
  }

  /** The device whose control request waits for the laptop user's answer, if any. */
  get pendingControlRequest(): string | undefined {
    return this.#controlAsk?.deviceId;
  }

  /** Answers the waiting control request (the y/n on the laptop). False when none waits. */
  answerControlRequest(grant: boolean, reason = "the laptop user said no"): boolean {
    const ask = this.#controlAsk;
    if (!ask) return false;
    clearTimeout(ask.timer);
    this.#controlAsk = undefined;
    if (grant) void this.#grant(ask.deviceId);
    else {
      this.#refuseControl(ask.deviceId, reason);
      this.#opts.view.notice(`refused control to phone ${short(ask.deviceId)}`);
    }
    return true;
  }

  #refuseControl(deviceId: string, reason: string): void {
    const transport = this.#opts.transport;
    transport?.send(deviceId, { type: "error", code: "CONTROL_REFUSED", message: `control refused: ${reason}` });
    transport?.send(deviceId, { type: "control_revoke", sessionId: this.sessionId, deviceId, reason: "denied" });
    void transport?.refuseControl?.(deviceId).catch(() => {});
    if (this.#opts.controlGrant !== "ask" || !this.#opts.askLocal)
      this.#opts.view.notice(`phone ${short(deviceId)} asked for control: refused (${reason})`);
  }

  /** A y/n typed while a control request waits; true when it was consumed as the answer. */
  #answerFromLocal(text: string): boolean {
    if (!this.#controlAsk) return false;
    const a = text.trim().toLowerCase();
    this.answerControlRequest(a === "y" || a === "yes");
    return true;
  }

  /** Local input (a line typed on the laptop). Typing on the laptop takes control back. */
  async localInput(line: string): Promise<string | undefined> {
    if (this.#answerFromLocal(line)) return undefined;
    if (this.#controller.kind === "remote") await this.#takeLocal("local_input");
    if (line.trim().startsWith("/")) return this.router.dispatch(this, line, { kind: "local" });
    if (line.trim().length === 0) return undefined;
    await this.sendPrompt(line, "local");
    return undefined;
  }

  /** Raw keys typed on the laptop into a terminal agent: the laptop takes control back. */
  localKeys(data: string | Uint8Array): void {
    if (this.#answerFromLocal(typeof data === "string" ? data : Buffer.from(data).toString("utf8"))) return;
    if (this.#controller.kind === "remote") void this.#takeLocal("local_input");
    if (this.#opts.localKeys) this.#opts.localKeys(data);
    else this.#opts.terminal?.write(data);
  }

  async #grant(deviceId: string): Promise<void> {
    this.#controller = { kind: "remote", deviceId };
    this.#audioRefused.clear();
    this.voice?.controlChanged(deviceId);
    await this.#opts.transport?.setController(deviceId).catch(() => {});
    this.#broadcast({ type: "control_grant", sessionId: this.sessionId, deviceId });
    this.#opts.view.notice(`phone ${short(deviceId)} is in control (type anything here to take it back)`);
  }

  async #takeLocal(reason: "local_input" | "released"): Promise<void> {
    if (this.#controller.kind === "local") return;
    const previous = this.#controller.deviceId;
    this.#controller = { kind: "local" };
    this.#audioRefused.clear();
    this.voice?.controlChanged(undefined);
    await this.#opts.transport?.setController(null).catch(() => {});
    this.#broadcast({ type: "control_revoke", sessionId: this.sessionId, deviceId: previous, reason });
    this.#opts.view.notice("the laptop is in control");
  }

  /** Revokes a paired device: removed from the key store, cut at the relay, refused from now on. */
  async revokeDevice(idOrPrefix: string): Promise<string> {
    const keys = this.#opts.keys;
    const device = keys ? keys.revoke(idOrPrefix) : { id: idOrPrefix, name: idOrPrefix };
    if (this.#isController(device.id)) await this.#takeLocal("released");
    this.#cursors.delete(device.id);
    this.#acked.delete(device.id);
    await this.#opts.transport?.revokeDevice(device.id);
    return `revoked ${device.name} (${short(device.id)})`;
  }

  // ---- SessionControls (slash commands) ----

  status(): string {
    const t = this.#opts.transport;
    const phones = t?.attachedDevices() ?? [];
    const ctl = this.#controller.kind === "local" ? "laptop" : `phone ${short(this.#controller.deviceId)}`;
    const relay = t ? (t.online ? "connected" : "unreachable (working locally)") : "none (local only)";
    const pending = this.approvals.ids();
    return [
      `agent: ${this.#opts.agent}${this.#opts.backend?.threadId ? ` (thread ${this.#opts.backend.threadId})` : ""}`,
      `relay: ${relay}; phones attached: ${phones.length}`,
      `control: ${ctl}`,
      ...(this.#mode ? [`mode: ${MODE_TEXT[this.#mode]}`] : []),
      `pending approvals: ${pending.length === 0 ? "none" : pending.join(", ")}`,
      `events: ${this.log.head}`,
    ].join("\n");
  }

  pendingApprovals(): readonly string[] {
    return this.approvals.ids();
  }

  approvalQuestions(requestId: string): readonly ApprovalQuestion[] | undefined {
    return this.approvals.get(requestId)?.questions;
  }

  answerApproval(
    requestId: string,
    decision: ApprovalDecision,
    origin: SlashOrigin,
    answers?: ApprovalAnswers,
  ): boolean {
    const backend = this.#opts.backend;
    if (!backend) throw new WrapperError("SLASH_USAGE", "this agent has no approvals to answer");
    if (!this.approvals.get(requestId)) return false;
    const by = origin.kind === "local" ? "local" : origin.deviceId;
    void backend.respondApproval(requestId, decision, by, answers).catch(() => {});
    return true;
  }

  async interrupt(): Promise<void> {
    const { backend, terminal } = this.#opts;
    if (backend) await backend.interrupt();
    else terminal?.write("\x03");
  }

  async mode(mode: AgentMode): Promise<string> {
    await this.#change("modes (claude does)", "mode", (b) => b.setMode?.(mode));
    return `mode: ${MODE_TEXT[mode]}`;
  }

  async goal(change: GoalChange): Promise<string> {
    await this.#change("goals (codex does)", "goal", (b) => b.setGoal?.(change));
    if ("clear" in change) return "goal cleared";
    if ("status" in change) return change.status === "paused" ? "goal paused" : "goal resumed";
    return `goal set: ${change.objective}`;
  }

  /** A `/mode` or `/goal` change on the backend; a slash error when it has none or refuses it. */
  async #change(none: string, what: string, call: (backend: CodexBackend) => Promise<void> | undefined) {
    const done = this.#opts.backend && call(this.#opts.backend);
    if (!done) throw new WrapperError("SLASH_USAGE", `${this.#opts.agent} has no ${none}`);
    try {
      await done;
    } catch (err) {
      throw new WrapperError("SLASH_USAGE", `${what} not changed: ${(err as Error).message}`);
    }
  }

  async pair(): Promise<string> {
    if (!this.#opts.pair) throw new WrapperError("PAIRING_FAILED", "no relay: start with --relay URL to pair a phone");
    return this.#opts.pair();
  }

  async control(action: "take" | "release" | "status", origin: SlashOrigin): Promise<string> {
    if (action === "status")
      return this.#controller.kind === "local"
        ? "the laptop is in control"
        : `phone ${short(this.#controller.deviceId)} is in control`;
    if (origin.kind === "local") {
      if (action === "take") await this.#takeLocal("local_input");
      else {
        const phone = this.#opts.transport?.attachedDevices()[0];
        if (!phone) return "no phone attached to hand control to";
        await this.#grant(phone);
      }
      return this.control("status", origin);
    }
    // A phone's "take" is a request like any other: the laptop decides (control.grant).
    if (action === "take") this.#onControlRequest(origin.deviceId);
    else if (this.#isController(origin.deviceId)) await this.#takeLocal("released");
    return this.control("status", origin);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#broadcast({ type: "session_close", sessionId: this.sessionId, reason: "ended" });
    this.#closed = true;
    if (this.#controlAsk) clearTimeout(this.#controlAsk.timer);
    this.#controlAsk = undefined;
    this.#unsubscribe?.();
    this.mirror?.close();
    await this.voice?.close();
  }
}

const short = (id: string): string => id.slice(0, 8);

const quote = (a: string): string => (/\s/.test(a) ? `"${a}"` : a);
