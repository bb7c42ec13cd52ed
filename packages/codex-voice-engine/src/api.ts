import { Effect, Exit, Stream } from "effect";
import type { VoiceErrorCode } from "./errors.ts";
import type { HistogramSummary, MetricName } from "./metrics.ts";
import { makeVoiceSession } from "./session/engine.ts";
import type { VoiceEvent, VoiceSession, VoiceSessionConfig, VoiceState, VoiceStats } from "./session/types.ts";

/** The session for callers that do not use effect: promises, callbacks and async iteration. */
export interface VoiceSessionHandle {
  pushAudioFrame(frame: Int16Array, sampleRate?: number): void;
  nextPlaybackChunk(): Int16Array | undefined;
  pushToTalk(down: boolean): void;
  bargeIn(): void;
  /** Calls `listener` for every event; returns the unsubscribe function. */
  onEvent(listener: (event: VoiceEvent) => void): () => void;
  /** Events as an async iterable (ends when the session closes). */
  events(): AsyncIterable<VoiceEvent>;
  state(): VoiceState;
  stats(): VoiceStats;
  metrics(): Record<MetricName, HistogramSummary>;
  close(): Promise<void>;
  /** The underlying effect session. */
  readonly effect: VoiceSession;
}

/** Error thrown by the promise API: carries the stable code of the typed error. */
export class VoiceSessionError extends Error {
  readonly code: VoiceErrorCode;
  constructor(code: VoiceErrorCode, message: string) {
    super(message);
    this.name = "VoiceSessionError";
    this.code = code;
  }
}

export function wrapSession(session: VoiceSession): VoiceSessionHandle {
  return {
    pushAudioFrame: (frame, rate) => session.pushAudioFrame(frame, rate),
    nextPlaybackChunk: () => session.nextPlaybackChunk(),
    pushToTalk: (down) => session.pushToTalk(down),
    bargeIn: () => session.bargeIn(),
    onEvent: (listener) => session.subscribe(listener),
    events: () => Stream.toAsyncIterable(session.events),
    state: () => session.state(),
    stats: () => session.stats(),
    metrics: () => session.metrics(),
    close: () => Effect.runPromise(session.close),
    effect: session,
  };
}

/** Starts a voice session; rejects with a `VoiceSessionError` (code VOICE_CONFIG_INVALID) on bad settings. */
export async function startVoiceSession(config: VoiceSessionConfig): Promise<VoiceSessionHandle> {
  const exit = await Effect.runPromiseExit(makeVoiceSession(config));
  if (Exit.isSuccess(exit)) return wrapSession(exit.value);
  const error = exit.cause.reasons.find((r) => r._tag === "Fail");
  if (error && error._tag === "Fail") throw new VoiceSessionError(error.error.code, error.error.message);
  throw new VoiceSessionError("VOICE_CONFIG_INVALID", "voice session failed to start");
}
