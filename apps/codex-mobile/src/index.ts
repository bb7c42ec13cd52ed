export const MODULE = "codex-mobile";
