import { DEFAULT_COMMANDS, type SttAdapter, type TtsAdapter } from "@codex-remote/codex-voice-engine";
import { WrapperError } from "../config/errors.ts";
import type { VoiceSettings } from "../config/schema.ts";

export interface VoiceAdapters {
  readonly stt: SttAdapter;
  readonly tts: TtsAdapter;
}

/**
 * The speech adapters from the settings: offline by default (pocketsphinx command grammar +
 * espeak-ng subprocesses, Node-only entry), the cloud ones when configured with a key. Loaded
 * lazily: a session that never hears a phone's voice never starts a sidecar.
 */
export async function createVoiceAdapters(settings: VoiceSettings): Promise<VoiceAdapters> {
  const needsCloud = settings.stt === "openai" || settings.tts === "openai";
  if (needsCloud && !settings.openaiApiKey)
    throw new WrapperError(
      "VOICE_UNAVAILABLE",
      "voice.stt/voice.tts = openai needs voice.openai_api_key or OPENAI_API_KEY",
      "voice.openai_api_key",
    );
  const base = settings.openaiBaseUrl?.replace(/\/$/, "");
  const apiKey = settings.openaiApiKey ?? "";
  // One base URL in the config: https for speech, the same host over wss for realtime transcription.
  const ttsOpts = { apiKey, ...(base ? { baseUrl: base } : {}) };
  const sttOpts = { apiKey, ...(base ? { baseUrl: base.replace(/^http/, "ws") } : {}) };
  const node = await import("@codex-remote/codex-voice-engine/node");
  const cloud = needsCloud ? await import("@codex-remote/codex-voice-engine/cloud") : undefined;
  const stt =
    settings.stt === "openai" && cloud
      ? cloud.openAiRealtimeStt(sttOpts)
      : node.pocketsphinxStt({ phrases: [...DEFAULT_COMMANDS.map((c) => c.phrase), ...settings.phrases] });
  const tts = settings.tts === "openai" && cloud ? cloud.openAiSpeechTts(ttsOpts) : node.espeakTts();
  return { stt, tts };
}
