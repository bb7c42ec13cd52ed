#!/usr/bin/env -S node --conditions=@codex-remote/source
import { isBackendError } from "./backends/errors.ts";
import type { CliIo } from "./cli/io.ts";
import { processIo } from "./cli/io.ts";
// The `codex-remote` command. bin/codex-remote.mjs runs this file with a Node that strips types.
import { isWrapperError } from "./config/errors.ts";

const COMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  exec: async (argv, io) => (await import("./cli/commands/exec.ts")).execCommand(argv, io),
  pair: async (argv, io) => (await import("./cli/commands/pair.ts")).pairCommand(argv, io),
  devices: async (argv, io) => (await import("./cli/commands/devices.ts")).devicesCommand(argv, io),
  relay: async (argv, io) => (await import("./cli/commands/relay.ts")).relayCommand(argv, io),
  doctor: async (argv, io) => (await import("./cli/commands/doctor.ts")).doctorCommand(argv, io),
};

/** Runs one invocation; resolves to the exit code. Errors become one line with their stable code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    const command = first ? COMMANDS[first] : undefined;
    if (command) return await command(rest, io);
    if (first === "help") return await (await import("./cli/commands/start.ts")).startCommand(["--help"], io);
    return await (await import("./cli/commands/start.ts")).startCommand(argv, io);
  } catch (e) {
    if (isWrapperError(e)) {
      io.err(`codex-remote: ${e.message} [${e.code}]`);
      return e.code === "CLI_USAGE" || e.code.startsWith("CONFIG") ? 2 : 1;
    }
    if (isBackendError(e)) {
      io.err(`codex-remote: ${e.message} [${e.code}]`);
      return 1;
    }
    io.err(`codex-remote: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
