import {
  type AgentAdapter,
  startVoiceSession,
  type VoiceEvent,
  type VoiceSessionHandle,
} from "@codex-remote/codex-voice-engine";
import { type OpusCodec, opusCodec } from "@codex-remote/codex-voice-engine/opus";
import { type AudioFrame, BINARY_FLAGS, type BinaryFrame } from "@codex-remote/protocol";
import type { VoiceAdapters } from "./adapters.ts";
import { AudioInputDecoder } from "./audio-in.ts";

/** The reply stream's id in the binary frame header (the phone's own capture stream uses 2). */
export const VOICE_REPLY_STREAM_ID = 3;
const FRAME_MS = 20;
const FRAME_SAMPLES = 320;

export interface VoiceBridgeOptions {
  /** Speech adapters (created on first use: a session nobody talks to starts no sidecar). */
  readonly adapters: () => Promise<VoiceAdapters>;
  readonly agent: AgentAdapter;
  /** Seals a binary frame for one phone and sends it. */
  readonly sendBinary: (deviceId: string, frame: BinaryFrame) => void;
  /** Voice events (transcripts, actions, errors) for the laptop's view. */
  readonly onEvent?: (event: VoiceEvent) => void;
  /** The phone stopped sending for this long mid-utterance (hold-to-talk released): end it. */
  readonly releaseAfterMs?: number;
}

/**
 * The laptop's voice bridge: audio frames from the phone in control → 16 kHz s16 → a voice session
 * of the voice engine (VAD, speech-to-text, commands, the agent, text-to-speech) → its playback
 * chunks → Opus frames back to that phone, paced in real time.
 *
 * The phone sends audio only while the user holds to talk (or its own VAD hears speech) and marks no
 * end of utterance, so when frames stop arriving the bridge feeds the engine the silence that would
 * have followed, which ends the utterance. `stop_stream` (cancelled) is a barge-in.
 */
export class VoiceBridge {
  #opts: VoiceBridgeOptions;
  #session: Promise<VoiceSessionHandle> | undefined;
  #ready: VoiceSessionHandle | undefined;
  #decoder = new AudioInputDecoder();
  #encoder: OpusCodec | undefined;

  /** The phone that spoke last: replies go to it. */
  #deviceId: string | undefined;
  #releaseTimer: ReturnType<typeof setTimeout> | undefined;
  #pump: ReturnType<typeof setInterval> | undefined;
  #playStartedAt = 0;
  #played = 0;
  #replySeq = 0;
  #replyOpen = false;
  #closed = false;
  /** Frames that did not decode (counted, dropped). */
  rejectedFrames = 0;
  /** Reply frames sent to phones. */
  sentFrames = 0;

  constructor(opts: VoiceBridgeOptions) {
    this.#opts = opts;
  }

  /** The voice session's state (`undefined` until the session started). */
  get state(): string | undefined {
    return this.#ready?.state();
  }

  /** The phone that spoke last (voice approvals are answered in its name). */
  get speaker(): string | undefined {
    return this.#deviceId;
  }

  /** Starts the voice session now (the first utterance then needs no sidecar start-up). */
  warmUp(): Promise<void> {
    return this.#start().then(() => undefined);
  }

  #start(): Promise<VoiceSessionHandle> {
    this.#session ??= (async () => {
      const { stt, tts } = await this.#opts.adapters();
      const session = await startVoiceSession({
        stt,
        tts,
        agent: this.#opts.agent,
        mode: "auto",
        endSilenceMs: 500,
        // Frames come over the network in bursts: room for a few seconds before stale ones drop.
        inputQueueMs: 5000,
      });
      if (this.#opts.onEvent) session.onEvent(this.#opts.onEvent);
      this.#ready = session;
      this.#pump = setInterval(() => this.#pumpPlayback(), FRAME_MS);
      this.#pump.unref?.();
      return session;
    })();
    return this.#session;
  }

  /** An audio frame from `deviceId` (the host checked it is in control). */
  audio(deviceId: string, frame: AudioFrame): void {
    if (this.#closed) return;
    let decoded: { samples: Int16Array; sampleRate: number };
    try {
      decoded = this.#decoder.decode(frame);
    } catch {
      this.rejectedFrames++;
      return;
    }
    this.#deviceId = deviceId;
    const push = (s: VoiceSessionHandle) => s.pushAudioFrame(decoded.samples, decoded.sampleRate);
    if (this.#ready) push(this.#ready);
    else void this.#start().then(push, () => {});
    clearTimeout(this.#releaseTimer);
    if ((frame.flags ?? 0) & BINARY_FLAGS.end) this.#release();
    else {
      this.#releaseTimer = setTimeout(() => this.#release(), this.#opts.releaseAfterMs ?? 300);
      this.#releaseTimer.unref?.();
    }
  }

  /** The phone ended its audio stream: `done` ends the utterance, `cancelled` is a barge-in. */
  streamStopped(deviceId: string, reason: "done" | "cancelled" | "error" | undefined): void {
    if (this.#closed) return;
    if (reason === "cancelled") this.bargeIn(deviceId);
    else this.#release();
  }

  /** Barge-in (the phone tapped or spoke over the reply): silence, cancel speech, interrupt the turn. */
  bargeIn(_deviceId?: string): void {
    this.#ready?.bargeIn();
    this.#endReply();
  }

  /** Control moved away from the phone that was talking: stop speaking to it. */
  controlChanged(deviceId: string | undefined): void {
    if (this.#deviceId !== undefined && this.#deviceId !== deviceId) {
      this.#ready?.bargeIn();
      this.#endReply();
      this.#deviceId = undefined;
    }
  }

  /** The end-of-utterance silence the phone did not send (it stops sending on release). */
  #release(): void {
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    const session = this.#ready;
    if (!session) {
      void this.#session?.then(
        () => this.#release(),
        () => {},
      );
      return;
    }
    const silence = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < 40; i++) session.pushAudioFrame(silence);
  }

  /** Pulls playback in real time (catching up after a late timer, never more than 200 ms at once). */
  #pumpPlayback(): void {
    const session = this.#ready;
    if (!session || this.#closed) return;
    const now = performance.now();
    if (!this.#replyOpen) {
      this.#playStartedAt = now;
      this.#played = 0;
    }
    const due = Math.min(10, Math.floor((now - this.#playStartedAt) / FRAME_MS) + 1 - this.#played);
    for (let i = 0; i < due; i++) {
      const chunk = session.nextPlaybackChunk();
      if (!chunk) {
        this.#endReply();
        return;
      }
      this.#played++;
      this.#sendChunk(chunk);
    }
  }

  #sendChunk(chunk: Int16Array): void {
    const deviceId = this.#deviceId;
    if (!deviceId) return;
    this.#encoder ??= opusCodec(16_000);
    const flags = this.#replyOpen ? 0 : BINARY_FLAGS.start;
    this.#replyOpen = true;
    const pcm = chunk.length === FRAME_SAMPLES ? chunk : fit(chunk);
    this.#opts.sendBinary(deviceId, {
      type: "audio",
      streamId: VOICE_REPLY_STREAM_ID,
      sequence: this.#replySeq++ >>> 0,
      flags,
      codec: "opus",
      sampleRate: 16_000,
      channels: 1,
      frameDurationUs: FRAME_MS * 1000,
      data: this.#encoder.encode(pcm),
    });
    this.sentFrames++;
  }

  #endReply(): void {
    this.#replyOpen = false;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#releaseTimer);
    clearInterval(this.#pump);
    const session = await this.#session?.catch(() => undefined);
    await session?.close();
    this.#decoder.dispose();
    this.#encoder?.dispose();
  }
}

const fit = (chunk: Int16Array): Int16Array => {
  const out = new Int16Array(FRAME_SAMPLES);
  out.set(chunk.subarray(0, FRAME_SAMPLES));
  return out;
};
