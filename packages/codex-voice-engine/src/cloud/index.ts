/** Cloud adapters (platform-neutral: WebSocket and fetch globals). */
import { Layer } from "effect";
import { SpeechToText, TextToSpeech } from "../service.ts";
import { type OpenAiSttOptions, openAiRealtimeStt } from "./openai-realtime-stt.ts";
import { type OpenAiTtsOptions, openAiSpeechTts } from "./openai-speech-tts.ts";

export { type OpenAiSttOptions, openAiRealtimeStt } from "./openai-realtime-stt.ts";
export { type OpenAiTtsOptions, openAiSpeechTts } from "./openai-speech-tts.ts";

export const openAiSttLayer = (options: OpenAiSttOptions): Layer.Layer<SpeechToText> =>
  Layer.succeed(SpeechToText, openAiRealtimeStt(options));
export const openAiTtsLayer = (options: OpenAiTtsOptions): Layer.Layer<TextToSpeech> =>
  Layer.succeed(TextToSpeech, openAiSpeechTts(options));
