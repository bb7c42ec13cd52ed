import { Data } from "effect";

/** Stable error codes: part of the public contract, never renamed. */
export const VoiceErrorCode = {
  config: "VOICE_CONFIG_INVALID",
  audio: "VOICE_AUDIO_INVALID",
  stt: "VOICE_STT_FAILED",
  agent: "VOICE_AGENT_FAILED",
  tts: "VOICE_TTS_FAILED",
  closed: "VOICE_SESSION_CLOSED",
} as const;
export type VoiceErrorCode = (typeof VoiceErrorCode)[keyof typeof VoiceErrorCode];

export class VoiceConfigError extends Data.TaggedError("VoiceConfigError")<{ readonly message: string }> {
  readonly code = VoiceErrorCode.config;
}
export class VoiceAudioError extends Data.TaggedError("VoiceAudioError")<{ readonly message: string }> {
  readonly code = VoiceErrorCode.audio;
}
export class SttError extends Data.TaggedError("SttError")<{ readonly adapter: string; readonly message: string }> {
  readonly code = VoiceErrorCode.stt;
}
export class AgentError extends Data.TaggedError("AgentError")<{ readonly message: string }> {
  readonly code = VoiceErrorCode.agent;
}
export class TtsError extends Data.TaggedError("TtsError")<{ readonly adapter: string; readonly message: string }> {
  readonly code = VoiceErrorCode.tts;
}
export class VoiceClosedError extends Data.TaggedError("VoiceClosedError")<{ readonly message: string }> {
  readonly code = VoiceErrorCode.closed;
}

export type VoiceError = VoiceConfigError | VoiceAudioError | SttError | AgentError | TtsError | VoiceClosedError;

/** A message for an unknown thrown value, never its payload beyond the message. */
export function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === "string") return cause;
  return "unknown failure";
}
