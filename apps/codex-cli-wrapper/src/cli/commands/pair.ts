import { z } from "zod";
import { WrapperError } from "../../config/errors.ts";
import { loadSettings } from "../../config/load.ts";
import { RelayUrl } from "../../config/schema.ts";
import { parseCommand } from "../argv.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({
  relay: RelayUrl.optional(),
  name: z.string().min(1).max(100).optional(),
  timeout: z.coerce.number().int().min(10).max(86_400).optional(),
});

export async function pairCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(
    argv,
    { relay: { type: "string" }, name: { type: "string" }, timeout: { type: "string" } },
    Flags,
  );
  if (cmd.help) {
    io.out(HELP.pair!);
    return 0;
  }
  const settings = loadSettings({ relayUrl: cmd.values.relay });
  if (!settings.relayUrl)
    throw new WrapperError(
      "CLI_USAGE",
      "pairing needs a relay: pass --relay URL or set relay.url in config.toml",
      "--relay",
    );
  throw new WrapperError("PAIRING_FAILED", "pairing is not available in this build yet");
}
