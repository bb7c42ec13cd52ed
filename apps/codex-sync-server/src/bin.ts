#!/usr/bin/env -S node --conditions=@codex-remote/source --max-semi-space-size=4
import { ConfigError, loadConfig } from "./config.ts";
import { startRelay } from "./server.ts";

/** `codex-sync-server [--flag value ...]`: config from CODEX_RELAY_* env and flags; SIGTERM drains. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const relay = await startRelay(config);
  process.stdout.write(`relay listening on ${relay.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    relay.app.log.info({ signal }, "draining");
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
