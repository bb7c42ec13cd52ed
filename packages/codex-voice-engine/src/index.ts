export const MODULE = "codex-voice-engine";
