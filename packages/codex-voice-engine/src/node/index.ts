/** Node-only adapters: espeak-ng and pocketsphinx subprocesses, WAV files, ready-made layers. */
import { Effect, Layer } from "effect";
import { SpeechToText, TextToSpeech } from "../service.ts";
import { type EspeakOptions, espeakTts } from "./espeak.ts";
import { type PocketsphinxOptions, pocketsphinxStt } from "./pocketsphinx.ts";

export { type EspeakOptions, espeakTts, speakToPcm } from "./espeak.ts";
export { type PocketsphinxAdapter, type PocketsphinxOptions, pocketsphinxStt, warmUp } from "./pocketsphinx.ts";
export { readWavFile, writeWavFile } from "./wav-file.ts";

/** Layer: pocketsphinx sidecar speech-to-text, closed with the layer's scope. */
export const pocketsphinxLayer = (options: PocketsphinxOptions = {}): Layer.Layer<SpeechToText> =>
  Layer.effect(
    SpeechToText,
    Effect.acquireRelease(
      Effect.sync(() => pocketsphinxStt(options)),
      (stt) => stt.close,
    ),
  );

/** Layer: espeak-ng text-to-speech. */
export const espeakLayer = (options: EspeakOptions = {}): Layer.Layer<TextToSpeech> =>
  Layer.effect(
    TextToSpeech,
    Effect.acquireRelease(
      Effect.sync(() => espeakTts(options)),
      (tts) => tts.close,
    ),
  );

/** The offline adapter set: pocketsphinx + espeak-ng (provide an agent layer beside it). */
export const offlineAdaptersLayer = (
  options: { readonly stt?: PocketsphinxOptions; readonly tts?: EspeakOptions } = {},
): Layer.Layer<SpeechToText | TextToSpeech> => Layer.merge(pocketsphinxLayer(options.stt), espeakLayer(options.tts));
