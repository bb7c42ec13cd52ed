import { Context, Effect, Layer } from "effect";
import type { SttAdapter, TtsAdapter } from "./adapters.ts";
import type { AgentAdapter } from "./agent/types.ts";
import type { VoiceConfigError } from "./errors.ts";
import { makeVoiceSession } from "./session/engine.ts";
import type { TuningOptions, VoiceSession, VoiceSessionConfig } from "./session/types.ts";
import { energyVad } from "./vad/energy.ts";
import type { VadAdapter } from "./vad/types.ts";

/** Speech-to-text adapter as a service; layers for each adapter live beside the adapters. */
export class SpeechToText extends Context.Service<SpeechToText, SttAdapter>()("codex-voice-engine/SpeechToText") {}
export class TextToSpeech extends Context.Service<TextToSpeech, TtsAdapter>()("codex-voice-engine/TextToSpeech") {}
export class VoiceAgent extends Context.Service<VoiceAgent, AgentAdapter>()("codex-voice-engine/VoiceAgent") {}
/** Makes one VAD per session (a VAD keeps per-stream state, so sessions never share one). */
export class VoiceActivity extends Context.Service<
  VoiceActivity,
  { readonly make: Effect.Effect<VadAdapter, VoiceConfigError> }
>()("codex-voice-engine/VoiceActivity") {}

export type SessionOptions = TuningOptions & Pick<VoiceSessionConfig, "now" | "onTelemetry">;

/** The voice engine: starts sessions whose lifetime is bound to the caller's scope. */
export class VoiceEngine extends Context.Service<
  VoiceEngine,
  {
    readonly start: (
      options?: SessionOptions,
    ) => Effect.Effect<VoiceSession, VoiceConfigError, import("effect").Scope.Scope>;
  }
>()("codex-voice-engine/VoiceEngine") {}

/** The engine over whatever adapter layers are provided (VAD optional: energy VAD by default). */
export const VoiceEngineLive: Layer.Layer<VoiceEngine, never, SpeechToText | TextToSpeech | VoiceAgent> = Layer.effect(
  VoiceEngine,
  Effect.gen(function* () {
    const stt = yield* SpeechToText;
    const tts = yield* TextToSpeech;
    const agent = yield* VoiceAgent;
    const vad = yield* Effect.serviceOption(VoiceActivity);
    return {
      start: (options: SessionOptions = {}) =>
        Effect.acquireRelease(
          Effect.gen(function* () {
            const sessionVad =
              vad._tag === "Some" ? yield* vad.value.make : energyVad({ sensitivity: options.sensitivity ?? 0.5 });
            // the adapters belong to their layers: sessions must not close them
            return yield* makeVoiceSession({ ...options, stt, tts, agent, vad: sessionVad, closeAdapters: false });
          }),
          (session) => session.close,
        ),
    };
  }),
);

/** A layer providing a ready-made agent adapter (e.g. the wrapper's CodexBackend bridge or the scripted agent). */
export const agentLayer = (agent: AgentAdapter): Layer.Layer<VoiceAgent> => Layer.succeed(VoiceAgent, agent);
export const sttLayer = (stt: SttAdapter): Layer.Layer<SpeechToText> => Layer.succeed(SpeechToText, stt);
export const ttsLayer = (tts: TtsAdapter): Layer.Layer<TextToSpeech> => Layer.succeed(TextToSpeech, tts);
/** The deterministic energy VAD, one per session. */
export const energyVadLayer = (sensitivity?: number): Layer.Layer<VoiceActivity> =>
  Layer.succeed(VoiceActivity, {
    make: Effect.sync(() => energyVad(sensitivity === undefined ? {} : { sensitivity })),
  });
