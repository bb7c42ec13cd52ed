import { hostname } from "node:os";
import QRCode from "qrcode";
import { WrapperError } from "../config/errors.ts";
import type { Settings } from "../config/schema.ts";
import { openLaptopKeys } from "../keys/identity.ts";
import { type PairingTicket, RelayTransport } from "../session/relay-transport.ts";
import { relayHttpBase } from "./commands/doctor.ts";

/** The QR code (terminal block characters) and the link, as printed by `pair` and `/pair`. */
export async function renderPairing(ticket: PairingTicket): Promise<string> {
  const qr = await QRCode.toString(ticket.link, { type: "terminal", small: true, errorCorrectionLevel: "L" });
  const minutes = Math.round((ticket.expiresAt - Date.now()) / 60_000);
  return [
    "Scan with the codex-remote app (or open the link on the phone):",
    qr,
    ticket.link,
    `One-time offer, expires in ${minutes} min. Compare the six digits both screens show after pairing.`,
  ].join("\n");
}

/**
 * Where the pairing link points: the relay's own copy of the phone app when it serves one (the
 * embedded relay of `npm start`), else the app's URL scheme.
 */
export async function pairingLinkBase(relayUrl: string): Promise<string | undefined> {
  const base = relayHttpBase(relayUrl);
  try {
    const res = await fetch(new URL("index.html", base), { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok ? base : undefined;
  } catch {
    return undefined;
  }
}

export interface RelayConnection {
  readonly transport: RelayTransport;
  pair(): Promise<string>;
}

/**
 * The session's link to the relay, in the room of its slot (relay-lock.ts): starts connecting at
 * once, never blocks the local session.
 */
export function connectRelay(settings: Settings, notice: (text: string) => void, slot = 1): RelayConnection {
  if (!settings.relayUrl) throw new WrapperError("CLI_USAGE", "no relay configured", "--relay");
  const { keys, identity } = openLaptopKeys(settings.configDir);
  for (const w of keys.warnings) notice(w);
  const transport = new RelayTransport({ url: settings.relayUrl, identity, keys, name: hostname(), slot });
  transport.start();
  const relayUrl = settings.relayUrl;
  return {
    transport,
    pair: async () => {
      const ticket = await transport.pair(10 * 60 * 1000, await pairingLinkBase(relayUrl));
      void ticket.done.then((r) => notice(`paired ${r.name}; check both screens show ${r.sas}`));
      return renderPairing(ticket);
    },
  };
}
