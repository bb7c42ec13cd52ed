import { Effect } from "effect";
import { z } from "zod";
import { VoiceConfigError } from "../errors.ts";
import type { TurnMode } from "../gate.ts";
import type { TuningOptions } from "./types.ts";

const TuningSchema = z.object({
  mode: z.enum(["push-to-talk", "auto", "hybrid"]).default("auto"),
  sensitivity: z.number().min(0).max(1).default(0.5),
  minSpeechMs: z.number().int().min(20).max(2000).default(60),
  bargeInMinSpeechMs: z.number().int().min(20).max(2000).default(40),
  endSilenceMs: z.number().int().min(60).max(5000).default(500),
  phraseEndSilenceMs: z.number().int().min(60).max(5000).default(160),
  preRollMs: z.number().int().min(0).max(2000).default(200),
  maxUtteranceMs: z.number().int().min(500).max(120_000).default(15_000),
  playbackBufferMs: z.number().int().min(200).max(1000).default(400),
  inputQueueMs: z.number().int().min(100).max(10_000).default(1000),
  playbackRate: z.union([z.literal(16_000), z.literal(24_000), z.literal(48_000)]).default(16_000),
  cues: z.boolean().default(true),
});

export interface Tuning {
  readonly mode: TurnMode;
  readonly sensitivity: number;
  readonly minSpeechMs: number;
  readonly bargeInMinSpeechMs: number;
  readonly endSilenceMs: number;
  readonly phraseEndSilenceMs: number;
  readonly preRollMs: number;
  readonly maxUtteranceMs: number;
  readonly playbackBufferMs: number;
  readonly inputQueueMs: number;
  readonly playbackRate: number;
  readonly cues: boolean;
}

/** Validates the tuning knobs (they may come from a settings screen or CLI flags). */
export const validateTuning = (options: TuningOptions): Effect.Effect<Tuning, VoiceConfigError> => {
  const picked = {
    mode: options.mode,
    sensitivity: options.sensitivity,
    minSpeechMs: options.minSpeechMs,
    bargeInMinSpeechMs: options.bargeInMinSpeechMs,
    endSilenceMs: options.endSilenceMs,
    phraseEndSilenceMs: options.phraseEndSilenceMs,
    preRollMs: options.preRollMs,
    maxUtteranceMs: options.maxUtteranceMs,
    playbackBufferMs: options.playbackBufferMs,
    inputQueueMs: options.inputQueueMs,
    playbackRate: options.playbackRate,
    cues: options.cues,
  };
  const parsed = TuningSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return Effect.fail(
      new VoiceConfigError({
        message: `invalid voice setting ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? ""}`,
      }),
    );
  }
  return Effect.succeed(parsed.data);
};
