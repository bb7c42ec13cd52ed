import { packageConfig } from "../../vitest.shared.ts";

// Node-only conditions for the test workers: the shared list ("module", "import") is passed to the
// workers as --conditions, which makes the CommonJS `require("ws")` inside @fastify/websocket load
// ws's ESM wrapper (no `WebSocket.Server`). Test files run one at a time (servers, ports, timing).
const conditions = ["@codex-remote/source", "node", "default"];
const config = packageConfig({ passWithNoTests: true, fileParallelism: false }, { resolve: { conditions } });
if (config.ssr?.resolve) config.ssr.resolve.conditions = conditions;

export default config;
