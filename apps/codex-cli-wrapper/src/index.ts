export const MODULE = "codex-cli-wrapper";
