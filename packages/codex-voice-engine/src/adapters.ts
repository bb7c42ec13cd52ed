import type { Effect, Stream } from "effect";
import type { SttError, TtsError } from "./errors.ts";

/** One utterance being transcribed. */
export interface SttStream {
  /** Hands over one 16 kHz mono frame. Never blocks; failures surface from `finish`. */
  push(frame: Int16Array): void;
  /** Ends the utterance and yields the final transcript ("" when nothing was recognised). */
  readonly finish: Effect.Effect<string, SttError>;
  /** Abandons the utterance (barge-in, close). */
  readonly cancel: Effect.Effect<void>;
}

export interface SttAdapter {
  readonly name: string;
  /**
   * For closed-grammar recognisers: every phrase the adapter can return. A partial hypothesis that is
   * a complete phrase (and no longer phrase's prefix) lets the gate end the utterance sooner.
   */
  readonly vocabulary?: ReadonlyArray<string>;
  /**
   * Opens an utterance. Must return promptly (adapters buffer audio until their backend is ready),
   * since it runs on the capture path. Partial hypotheses go to `onPartial`.
   */
  start(onPartial: (text: string) => void): Effect.Effect<SttStream, SttError>;
  readonly close: Effect.Effect<void>;
}

export interface TtsAudio {
  readonly sampleRate: number;
  readonly samples: Int16Array;
}

export interface TtsAdapter {
  readonly name: string;
  /** Streams speech for one piece of text. Interrupting the stream cancels the synthesis. */
  synthesize(text: string): Stream.Stream<TtsAudio, TtsError>;
  readonly close: Effect.Effect<void>;
}
