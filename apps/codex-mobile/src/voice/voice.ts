import type { VoiceFrame } from "../net/actions.ts";
import { EnergyVad, FRAME_SAMPLES, Framer, floatToS16, Resampler, TARGET_RATE } from "./dsp.ts";
import { createOpusEncoder, type OpusEncoder, Player } from "./opus.ts";
import { CAPTURE_WORKLET } from "./worklet.ts";

export type VoiceMode = "hold" | "handsfree";
export type VoiceState = "off" | "starting" | "listening" | "sending" | "speaking" | "error";

export interface VoiceIO {
  readonly state: VoiceState;
  readonly codec: "opus" | "pcm_s16" | undefined;
  onState(cb: (s: VoiceState, detail?: string) => void): () => void;
  /** Opens the mic. Hold mode sends while `press(true)`; hands-free sends while the VAD hears speech. */
  start(mode: VoiceMode): Promise<void>;
  press(down: boolean): void;
  /** Tap to interrupt the agent's spoken reply. */
  bargeIn(): void;
  /** A reply frame from the laptop's voice engine. */
  play(frame: VoiceFrame): void;
  stop(): void;
}

export interface VoiceSink {
  frame(f: VoiceFrame): void;
  bargeIn(): void;
}

/** Mic → AudioWorklet → 16 kHz s16 20 ms frames → Opus (WebCodecs) or PCM → sink; replies → Player. */
export function createVoice(sink: VoiceSink): VoiceIO {
  let state: VoiceState = "off";
  let mode: VoiceMode = "hold";
  let pressed = false;
  let ctx: AudioContext | undefined;
  let stream: MediaStream | undefined;
  let node: AudioWorkletNode | undefined;
  let encoder: OpusEncoder | undefined;
  let player: Player | undefined;
  let codec: "opus" | "pcm_s16" | undefined;
  const vad = new EnergyVad();
  const preroll: Int16Array[] = [];
  const listeners = new Set<(s: VoiceState, d?: string) => void>();
  const set = (s: VoiceState, detail?: string) => {
    state = s;
    for (const l of listeners) l(s, detail);
  };
  const emit = (frame: Int16Array) => {
    if (encoder) encoder.encode(frame);
    else
      sink.frame({
        codec: "pcm_s16",
        sampleRate: TARGET_RATE,
        frameMs: 20,
        data: new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength).slice(),
      });
  };
  /** Frames of speech heard while a reply plays; a few in a row (60 ms) is a barge-in. */
  let talkOver = 0;
  const onFrame = (frame: Int16Array) => {
    vad.push(frame);
    talkOver = vad.speaking && player?.playing ? talkOver + 1 : 0;
    if (talkOver >= vad.onFrames && player?.playing) {
      talkOver = 0;
      player.stop(); // barge-in by speaking over the reply
      sink.bargeIn();
    }
    const sending = mode === "hold" ? pressed : vad.speaking;
    if (mode === "handsfree" && sending) for (const f of preroll.splice(0)) emit(f);
    if (sending) emit(frame);
    else {
      preroll.push(frame);
      if (preroll.length > 10) preroll.shift();
    }
    const next: VoiceState = player?.playing ? "speaking" : sending ? "sending" : "listening";
    if (next !== state) set(next);
  };

  return {
    get state() {
      return state;
    },
    get codec() {
      return codec;
    },
    onState(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async start(m) {
      mode = m;
      if (ctx) return;
      set("starting");
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        });
        ctx = new AudioContext({ latencyHint: "interactive" });
        const url = URL.createObjectURL(new Blob([CAPTURE_WORKLET], { type: "text/javascript" }));
        await ctx.audioWorklet.addModule(url);
        URL.revokeObjectURL(url);
        const source = ctx.createMediaStreamSource(stream);
        node = new AudioWorkletNode(ctx, "codex-capture");
        const resampler = new Resampler(ctx.sampleRate, TARGET_RATE);
        const framer = new Framer();
        node.port.onmessage = (e: MessageEvent<Float32Array>) =>
          framer.push(floatToS16(resampler.push(e.data)), onFrame);
        source.connect(node);
        encoder = await createOpusEncoder((data) =>
          sink.frame({ codec: "opus", sampleRate: TARGET_RATE, frameMs: 20, data }),
        );
        codec = encoder ? "opus" : "pcm_s16";
        player = new Player(ctx);
        player.onPlaying = (p) => set(p ? "speaking" : "listening");
        set("listening");
      } catch (err) {
        set("error", err instanceof Error ? err.name : "mic unavailable");
        this.stop();
      }
    },
    press(down) {
      if (down && player?.playing) {
        player.stop();
        sink.bargeIn();
      }
      pressed = down;
    },
    bargeIn() {
      player?.stop();
      sink.bargeIn();
    },
    play(frame) {
      if (!player) return;
      if (frame.codec === "opus") player.pushOpus(frame.data, frame.sampleRate);
      else player.pushPcm(new Int16Array(frame.data.slice().buffer), frame.sampleRate);
    },
    stop() {
      encoder?.close();
      encoder = undefined;
      player?.stop();
      node?.disconnect();
      for (const t of stream?.getTracks() ?? []) t.stop();
      void ctx?.close();
      ctx = undefined;
      node = undefined;
      stream = undefined;
      pressed = false;
      if (state !== "error") set("off");
    },
  };
}

export { FRAME_SAMPLES };
