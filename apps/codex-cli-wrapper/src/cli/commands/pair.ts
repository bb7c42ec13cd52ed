import { z } from "zod";
import { WrapperError } from "../../config/errors.ts";
import { loadSettings } from "../../config/load.ts";
import { RelayUrl } from "../../config/schema.ts";
import { parseCommand } from "../argv.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";
import { pairingLinkBase, renderPairing } from "../pairing.ts";

const Flags = z.object({
  relay: RelayUrl.optional(),
  timeout: z.coerce.number().int().min(10).max(86_400).optional(),
});

/** `codex-remote pair`: one offer, wait for the phone, store it, print the SAS. */
export async function pairCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv, { relay: { type: "string" }, timeout: { type: "string" } }, Flags);
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
  const { hostname } = await import("node:os");
  const { openLaptopKeys } = await import("../../keys/identity.ts");
  const { RelayTransport } = await import("../../session/relay-transport.ts");
  const { keys, identity } = openLaptopKeys(settings.configDir);
  // a free slot's room, like a session's: a running session keeps its room (and its phones) to itself
  const { acquireRelaySlot } = await import("../../session/relay-lock.ts");
  const lock = acquireRelaySlot(settings.configDir);
  if (lock.kind === "full")
    throw new WrapperError(
      "PAIRING_FAILED",
      "every relay slot of this laptop is taken by a running session: pair from one of them with /pair",
    );
  const transport = new RelayTransport({ url: settings.relayUrl, identity, keys, name: hostname(), slot: lock.slot });
  transport.start();
  try {
    await transport.ready(5000).catch(() => {
      throw new WrapperError("RELAY_UNREACHABLE", `cannot reach the relay at ${settings.relayUrl}`);
    });
    const ttl = (cmd.values.timeout ?? 300) * 1000;
    const ticket = await transport.pair(ttl, await pairingLinkBase(settings.relayUrl));
    io.out(await renderPairing(ticket));
    const result = await Promise.race([
      ticket.done,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), ttl).unref()),
    ]);
    if (!result) throw new WrapperError("PAIRING_FAILED", "the offer expired before a phone used it");
    // Let the phone finish its side (its hello opens on the new channel) before leaving.
    for (let i = 0; i < 150 && !transport.attachedDevices().includes(result.deviceId); i++)
      await new Promise((r) => setTimeout(r, 20));
    io.out(`paired ${result.name} (${result.deviceId.slice(0, 12)}). Both screens should show: ${result.sas}`);
    return 0;
  } finally {
    await transport.close();
    lock.release();
  }
}
