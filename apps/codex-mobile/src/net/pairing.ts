import {
  type DeviceIdentity,
  decodeHandshakeMessage,
  encodeHandshakeMessage,
  type HandshakeMessage,
  type PairingOffer,
  parsePairingLink,
  respondToPairingOffer,
  type SecureChannel,
  signMessage,
  utf8Encode,
} from "@codex-remote/protocol";
import { RelayClient } from "@codex-remote/protocol/relay";
import type { LaptopRecord } from "./laptops.ts";

export interface PairedResult {
  record: LaptopRecord;
  client: RelayClient;
  channel: SecureChannel;
  sas: string;
}

/** A name the laptop shows for this phone ("iPhone", "Android phone", ...); never anything identifying. */
export function deviceName(ua: string = typeof navigator === "undefined" ? "" : navigator.userAgent): string {
  if (/iPhone/.test(ua)) return "iPhone";
  if (/iPad/.test(ua)) return "iPad";
  if (/Android/.test(ua)) return "Android phone";
  if (/Macintosh/.test(ua)) return "Mac browser";
  if (/Windows/.test(ua)) return "Windows browser";
  if (/Linux/.test(ua)) return "Linux browser";
  return "phone";
}

/** Where the relay is when the link's relay URL is http(s): its WebSocket endpoint. */
export function relayWsUrl(relayUrl: string): string {
  const u = new URL(relayUrl);
  if (u.protocol === "http:") u.protocol = "ws:";
  if (u.protocol === "https:") u.protocol = "wss:";
  return u.toString();
}

/**
 * Pairs with a laptop from its link or QR text: claims the one-time pairing at the relay (with the
 * offer's public key, never the secret), runs the pairing handshake, and checks the laptop's key
 * confirmation and identity. Returns the live channel and the six-digit SAS for the user to compare;
 * nothing is stored until the user confirms.
 */
export async function pairWithLink(
  text: string,
  identity: DeviceIdentity,
  opts: { name?: string; timeoutMs?: number; WebSocket?: typeof WebSocket } = {},
): Promise<PairedResult> {
  const offer: PairingOffer = parsePairingLink(text);
  const url = relayWsUrl(offer.relayUrl);
  const client = new RelayClient({
    url,
    identity: { publicKey: identity.signing.publicKey, sign: (m) => signMessage(identity, m) },
    register: { kind: "phone", name: opts.name ?? deviceName() },
    reconnect: { initialMs: 300, maxMs: 5000 },
    ackDelayMs: 20,
    ...(opts.WebSocket ? { WebSocket: opts.WebSocket } : {}),
  });
  try {
    await client.connect();
    const { host } = await client.claimPairing(offer.roomId, offer.wrapperPublicKey, opts.name ?? deviceName());
    const accepted = new Promise<HandshakeMessage>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("the laptop did not answer the pairing")), opts.timeoutMs ?? 15_000);
      const off = client.on("frame", (env) => {
        if (env.room !== offer.roomId || env.sender === client.deviceId || env.payload[0] !== 0x7b) return;
        try {
          const m = decodeHandshakeMessage(env.payload);
          if (m.type !== "pairing_accept") return;
          clearTimeout(t);
          off();
          resolve(m);
        } catch {
          // not for us
        }
      });
    });
    await client.join(offer.roomId);
    const pairing = respondToPairingOffer(offer, identity);
    client.send(offer.roomId, "control", utf8Encode(encodeHandshakeMessage(pairing.response)));
    const accept = await accepted;
    if (accept.type !== "pairing_accept") throw new Error("unexpected pairing message");
    const hostIdentity = pairing.finish(accept);
    const record: LaptopRecord = {
      id: host,
      name: `laptop ${hostIdentity.deviceId.slice(0, 6)}`,
      relayUrl: url,
      room: offer.roomId,
      host: hostIdentity,
      pairedAt: Date.now(),
    };
    const last = client.lastSeq(offer.roomId);
    if (last !== undefined) record.lastRelaySeq = last;
    return { record, client, channel: pairing.channel, sas: pairing.sas };
  } catch (e) {
    client.close();
    throw e;
  }
}
