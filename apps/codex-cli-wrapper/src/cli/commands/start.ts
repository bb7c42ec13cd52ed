import { z } from "zod";
import { loadSettings } from "../../config/load.ts";
import { AgentChoice, ApprovePolicy, ControlGrant, MirrorBytesPerSecond, RelayUrl } from "../../config/schema.ts";
import { KeyStore } from "../../keys/store.ts";
import { parseCommand } from "../argv.ts";
import { pickAgent } from "../detect.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({
  agent: AgentChoice.optional(),
  relay: RelayUrl.optional(),
  approve: ApprovePolicy.optional(),
  model: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  pair: z.boolean().optional(),
  control: ControlGrant.optional(),
  "mirror-bytes-per-second": z.coerce.number().pipe(MirrorBytesPerSecond).optional(),
  voice: z.boolean().optional(),
  "no-voice": z.boolean().optional(),
});

export const START_OPTIONS = {
  agent: { type: "string" },
  relay: { type: "string" },
  approve: { type: "string" },
  model: { type: "string" },
  cwd: { type: "string" },
  pair: { type: "boolean" },
  control: { type: "string" },
  "mirror-bytes-per-second": { type: "string" },
  voice: { type: "boolean" },
  "no-voice": { type: "boolean" },
} as const;

/** `codex-remote [flags] [-- agent args]`: the interactive session. */
export async function startCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv, START_OPTIONS, Flags);
  if (cmd.help) {
    io.out(HELP.main!);
    return 0;
  }
  if (cmd.positionals.length > 0) {
    const { WrapperError } = await import("../../config/errors.ts");
    throw new WrapperError(
      "CLI_USAGE",
      `unknown command "${cmd.positionals[0]}" (exec, pair, devices, relay, doctor; agent arguments go after --)`,
    );
  }
  const settings = loadSettings({
    agent: cmd.values.agent,
    relayUrl: cmd.values.relay,
    approve: cmd.values.approve,
    model: cmd.values.model,
    controlGrant: cmd.values.control,
    mirrorBytesPerSecond: cmd.values["mirror-bytes-per-second"],
    voice: cmd.values["no-voice"] ? false : cmd.values.voice,
  });
  const pick = pickAgent(settings.agent, settings);
  io.err(`codex-remote: agent: ${pick.reason}`);
  const { runInteractive } = await import("../session-runner.ts");
  let relayUrl = settings.relayUrl;
  let slot = 1;
  let releaseLock = () => {};
  if (!relayUrl) io.err("codex-remote: no relay configured (--relay URL or relay.url): local only");
  else {
    // each session at the same time takes a room of its own (a slot); the phones follow all of them
    const { acquireRelaySlot } = await import("../../session/relay-lock.ts");
    const lock = acquireRelaySlot(settings.configDir);
    if (lock.kind === "full") {
      io.err(
        `codex-remote: ${lock.pids.length} other codex-remote sessions (pids ${lock.pids.join(", ")}) are connected to the relay for this laptop, the most at once; this one stays local (end one of them first)`,
      );
      relayUrl = undefined;
    } else {
      slot = lock.slot;
      if (slot > 1) io.err(`codex-remote: session ${slot} on this laptop: paired phones show it next to the others`);
      process.once("exit", lock.release);
      releaseLock = () => {
        process.off("exit", lock.release);
        lock.release();
      };
    }
  }
  try {
    return await runInteractive({
      ...(relayUrl
        ? {
            connect: async () => {
              const { connectRelay } = await import("../pairing.ts");
              return connectRelay(settings, (t) => io.err(`codex-remote: ${t}`), slot);
            },
          }
        : {}),
      settings,
      pick,
      agentArgs: cmd.rest,
      cwd: cmd.values.cwd ?? process.cwd(),
      // The first run with a relay (no phone paired yet) shows the QR code without being asked.
      showPairing: cmd.values.pair === true || (relayUrl !== undefined && !hasPairedDevice(settings.configDir)),
      io,
    });
  } finally {
    releaseLock();
  }
}

function hasPairedDevice(configDir: string): boolean {
  try {
    return (KeyStore.openExisting(configDir)?.paired().length ?? 0) > 0;
  } catch {
    return false;
  }
}
