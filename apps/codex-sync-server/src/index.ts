export const MODULE = "codex-sync-server";
