export const MODULE = "codex-sync-server";
export { ConfigError, loadConfig, parseConfig, RelayConfig, type RelayConfigInput } from "./config.ts";
export { RELAY_PATH, type Relay, startRelay } from "./server.ts";
export { MemoryStore } from "./store/memory.ts";
export { SqliteStore } from "./store/sqlite.ts";
export type { RelayStore } from "./store/types.ts";
