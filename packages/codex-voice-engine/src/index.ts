/**
 * @codex-remote/codex-voice-engine — platform-neutral core (Node and browser; no `node:*` imports).
 * Node-only adapters: `@codex-remote/codex-voice-engine/node`. Cloud adapters: `./cloud`.
 * WebRTC VAD: `./vad-fvad`. Opus helpers: `./opus`.
 */
export const MODULE = "codex-voice-engine";

export type { SttAdapter, SttStream, TtsAdapter, TtsAudio } from "./adapters.ts";
export { type ScriptedAgent, type ScriptedAgentOptions, scriptedAgent, tokenize } from "./agent/scripted.ts";
export type { AgentAdapter, AgentTurn } from "./agent/types.ts";
export { startVoiceSession, VoiceSessionError, type VoiceSessionHandle, wrapSession } from "./api.ts";
export { type CueName, renderCue } from "./audio/cues.ts";
export * from "./audio/pcm.ts";
export { decodeWav, encodeWav, type PcmAudio, parseWavHeader } from "./audio/wav.ts";
export { SentenceChunker } from "./chunker.ts";
export {
  type CommandPhrase,
  commandGrammar,
  DEFAULT_COMMANDS,
  matchCommand,
  normalise,
  type VoiceAction,
} from "./commands.ts";
export * from "./errors.ts";
export { type GateEvent, type GateOptions, TurnGate, type TurnMode } from "./gate.ts";
export {
  formatSummary,
  Histogram,
  type HistogramSummary,
  METRIC_NAMES,
  type MetricName,
  telemetryLine,
  VoiceMetrics,
} from "./metrics.ts";
export * from "./service.ts";
export { makeVoiceSession } from "./session/engine.ts";
export type * from "./session/types.ts";
export { type EnergyVadOptions, energyVad } from "./vad/energy.ts";
export type { VadAdapter } from "./vad/types.ts";
