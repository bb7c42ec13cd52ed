import type { Effect, Stream } from "effect";
import type { SttAdapter, TtsAdapter } from "../adapters.ts";
import type { AgentAdapter } from "../agent/types.ts";
import type { CommandPhrase, VoiceAction } from "../commands.ts";
import type { VoiceErrorCode } from "../errors.ts";
import type { TurnMode } from "../gate.ts";
import type { HistogramSummary, MetricName } from "../metrics.ts";
import type { VadAdapter } from "../vad/types.ts";

export type VoiceState = "idle" | "listening" | "transcribing" | "thinking" | "speaking" | "closed";

export interface TuningOptions {
  /** push-to-talk, auto (VAD decides turns) or hybrid (push-to-talk for turns, VAD only for barge-in). */
  readonly mode?: TurnMode;
  /** 0..1, used by the default energy VAD. */
  readonly sensitivity?: number;
  readonly minSpeechMs?: number;
  /** Speech needed to interrupt the agent (barge-in); default 40 ms. */
  readonly bargeInMinSpeechMs?: number;
  readonly endSilenceMs?: number;
  /** End-of-utterance silence once a closed-grammar recogniser has heard a complete phrase; default 160 ms. */
  readonly phraseEndSilenceMs?: number;
  readonly preRollMs?: number;
  readonly maxUtteranceMs?: number;
  /** Playback buffer, 200..1000 ms: how far text-to-speech may run ahead of the listener. */
  readonly playbackBufferMs?: number;
  /** Capture queue; older frames are dropped (and counted) when the pipeline falls this far behind. */
  readonly inputQueueMs?: number;
  /** Sample rate of the chunks `nextPlaybackChunk` returns (16 kHz default; 48 kHz for Opus). */
  readonly playbackRate?: number;
  readonly cues?: boolean;
  readonly commands?: ReadonlyArray<CommandPhrase>;
}

export interface VoiceSessionConfig extends TuningOptions {
  readonly stt: SttAdapter;
  readonly tts: TtsAdapter;
  readonly agent: AgentAdapter;
  /** A VAD for this session only (VADs keep per-stream state); the energy VAD by default. */
  readonly vad?: VadAdapter;
  /** Close the STT and TTS adapters with the session (default true; false when adapters are shared). */
  readonly closeAdapters?: boolean;
  /** Milliseconds clock; performance.now by default. */
  readonly now?: () => number;
  readonly onTelemetry?: (line: string) => void;
}

export interface VoiceErrorInfo {
  readonly code: VoiceErrorCode;
  readonly tag: string;
  readonly message: string;
}

export type VoiceEvent =
  | { readonly type: "state"; readonly state: VoiceState; readonly previous: VoiceState }
  | { readonly type: "partial"; readonly text: string }
  | { readonly type: "final"; readonly text: string }
  | { readonly type: "action"; readonly action: VoiceAction }
  | { readonly type: "agent-text"; readonly text: string }
  | { readonly type: "turn-end"; readonly reply: string; readonly heard: string; readonly interrupted: boolean }
  | {
      readonly type: "barge-in";
      readonly source: "speech" | "push-to-talk" | "api" | "command";
      readonly heard: string;
    }
  | { readonly type: "metric"; readonly name: MetricName; readonly valueMs: number }
  | { readonly type: "error"; readonly error: VoiceErrorInfo };

export interface VoiceStats {
  readonly framesIn: number;
  readonly framesDropped: number;
  readonly utterances: number;
  readonly turns: number;
  readonly bargeIns: number;
  readonly errors: number;
}

/** The session as seen from effect code. Audio calls are synchronous: they never block capture. */
export interface VoiceSession {
  pushAudioFrame(frame: Int16Array, sampleRate?: number): void;
  nextPlaybackChunk(): Int16Array | undefined;
  pushToTalk(down: boolean): void;
  bargeIn(): void;
  readonly events: Stream.Stream<VoiceEvent>;
  subscribe(listener: (event: VoiceEvent) => void): () => void;
  state(): VoiceState;
  stats(): VoiceStats;
  metrics(): Record<MetricName, HistogramSummary>;
  readonly close: Effect.Effect<void>;
}
