import { z } from "zod";
import { WrapperError } from "../../config/errors.ts";
import { loadSettings } from "../../config/load.ts";
import { RelayUrl } from "../../config/schema.ts";
import { KeyStore } from "../../keys/store.ts";
import { parseCommand } from "../argv.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({ json: z.boolean().optional(), relay: RelayUrl.optional() });

/** Tells the relay, when reachable, so the device's live connections are cut (optional, best effort). */
export type RelayRevoker = (relayUrl: string, deviceId: string) => Promise<void>;

/** Connects as this laptop and asks the relay to revoke the device (cuts its live connections). */
export const revokeThroughRelay: RelayRevoker = async (relayUrl, deviceId) => {
  const { hostname } = await import("node:os");
  const { openLaptopKeys } = await import("../../keys/identity.ts");
  const { RelayTransport } = await import("../../session/relay-transport.ts");
  const { keys, identity } = openLaptopKeys(loadSettings().configDir);
  const transport = new RelayTransport({ url: relayUrl, identity, keys, name: hostname() });
  transport.start();
  try {
    await transport.ready(3000);
    await transport.client.revokeDevice(deviceId);
  } finally {
    await transport.close();
  }
};

export async function devicesCommand(
  argv: readonly string[],
  io: CliIo,
  revokeOnRelay: RelayRevoker = revokeThroughRelay,
): Promise<number> {
  const cmd = parseCommand(argv, { json: { type: "boolean" }, relay: { type: "string" } }, Flags);
  if (cmd.help) {
    io.out(HELP.devices!);
    return 0;
  }
  const settings = loadSettings({ relayUrl: cmd.values.relay });
  // Device ids are base64url and may start with "-": `devices revoke -- -abc…` passes one safely.
  const [action = "list", id] = [...cmd.positionals, ...cmd.rest];
  const store = KeyStore.openExisting(settings.configDir);
  if (action === "list") {
    const devices = store?.paired() ?? [];
    if (cmd.values.json) {
      io.out(JSON.stringify(devices.map(({ publicIdentity: _p, ...d }) => d)));
      return 0;
    }
    if (devices.length === 0) {
      io.out("No paired devices. Run `codex-remote pair` to pair a phone.");
      return 0;
    }
    io.out(`${"ID".padEnd(14)} ${"NAME".padEnd(20)} ${"PAIRED".padEnd(20)} LAST SEEN`);
    for (const d of devices)
      io.out(
        `${d.id.slice(0, 12).padEnd(14)} ${d.name.padEnd(20)} ${d.pairedAt.slice(0, 19).padEnd(20)} ${d.lastSeenAt?.slice(0, 19) ?? "-"}`,
      );
    return 0;
  }
  if (action === "revoke") {
    if (!id) throw new WrapperError("CLI_USAGE", "usage: codex-remote devices revoke ID");
    if (!store) throw new WrapperError("DEVICE_NOT_FOUND", `${id} is not a paired device (no devices paired)`, id);
    const gone = store.revoke(id);
    io.out(`revoked ${gone.name} (${gone.id})`);
    if (settings.relayUrl && revokeOnRelay) {
      try {
        await revokeOnRelay(settings.relayUrl, gone.id);
        io.out("the relay cut its connections");
      } catch (e) {
        io.err(`relay not told (${(e as Error).message}); the session host refuses the device anyway`);
      }
    }
    return 0;
  }
  throw new WrapperError("CLI_USAGE", `unknown devices action "${action}" (list or revoke)`, action);
}
