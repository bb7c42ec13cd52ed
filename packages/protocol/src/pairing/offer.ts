/**
 * The pairing offer the wrapper shows as a QR code and a link: relay URL, room id, the wrapper's
 * ephemeral X25519 public key, a one-time secret and an expiry. In the link the secret sits in the
 * URL fragment (`#s=...`), which browsers never send to a server.
 *
 *   codex-remote://pair?v=1&relay=wss%3A%2F%2Fhost%2Fws&room=ROOM&pk=KEY&exp=1790000000000#s=SECRET
 */
import { z } from "zod";
import { fromBase64UrlExact } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";

export const DEFAULT_PAIRING_LINK_BASE = "codex-remote://pair";
/** Default offer lifetime: 10 minutes. */
export const DEFAULT_PAIRING_TTL_MS = 10 * 60 * 1000;

const B64Key = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const PairingOffer = z.object({
  version: z.literal(1),
  relayUrl: z
    .string()
    .max(2048)
    .refine((u) => {
      try {
        return ["ws:", "wss:", "http:", "https:"].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    }, "relay URL must be ws(s) or http(s)"),
  roomId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  /** The wrapper's ephemeral X25519 public key, base64url. */
  wrapperPublicKey: B64Key,
  /** 32-byte one-time secret, base64url. Never log it, never put it in a query string. */
  secret: B64Key,
  /** Expiry, milliseconds since the epoch. */
  expiresAt: z.number().int().positive(),
});
export type PairingOffer = z.infer<typeof PairingOffer>;

/** Renders the offer as a link; the secret goes in the fragment. `base` defaults to codex-remote://pair. */
export function formatPairingLink(offer: PairingOffer, base: string = DEFAULT_PAIRING_LINK_BASE): string {
  const query = new URLSearchParams({
    v: String(offer.version),
    relay: offer.relayUrl,
    room: offer.roomId,
    pk: offer.wrapperPublicKey,
    exp: String(offer.expiresAt),
  });
  return `${base}?${query.toString()}#s=${offer.secret}`;
}

/** The text to encode in the QR code (byte mode): the link itself. */
export function pairingQrText(offer: PairingOffer, base?: string): string {
  return formatPairingLink(offer, base);
}

/**
 * Parses a pairing link (any base: custom scheme or https app URL). Throws PROTO_ERR_PAIRING_LINK
 * when malformed, PROTO_ERR_PAIRING_EXPIRED when `now` is past the expiry.
 */
export function parsePairingLink(link: string, now: number = Date.now()): PairingOffer {
  if (typeof link !== "string" || link.length > 4096) throw new ProtocolError("PROTO_ERR_PAIRING_LINK", "not a link");
  const hash = link.indexOf("#");
  const q = link.indexOf("?");
  if (q < 0 || hash < 0 || hash < q)
    throw new ProtocolError("PROTO_ERR_PAIRING_LINK", "needs a query and a #s= fragment");
  const query = new URLSearchParams(link.slice(q + 1, hash));
  const fragment = new URLSearchParams(link.slice(hash + 1));
  const exp = Number(query.get("exp"));
  const candidate = {
    version: Number(query.get("v")),
    relayUrl: query.get("relay") ?? "",
    roomId: query.get("room") ?? "",
    wrapperPublicKey: query.get("pk") ?? "",
    secret: fragment.get("s") ?? "",
    expiresAt: exp,
  };
  return checkPairingOffer(candidate, now);
}

/** Validates an offer object (e.g. from storage); same errors as parsePairingLink. */
export function checkPairingOffer(value: unknown, now: number = Date.now()): PairingOffer {
  const parsed = PairingOffer.safeParse(value);
  if (!parsed.success) {
    throw new ProtocolError("PROTO_ERR_PAIRING_LINK", parsed.error.issues[0]?.path.join(".") || "offer");
  }
  const pk = fromBase64UrlExact(parsed.data.wrapperPublicKey, 32);
  const secret = fromBase64UrlExact(parsed.data.secret, 32);
  if (!pk || !secret) throw new ProtocolError("PROTO_ERR_PAIRING_LINK", "key sizes");
  if (now > parsed.data.expiresAt)
    throw new ProtocolError("PROTO_ERR_PAIRING_EXPIRED", `expired at ${new Date(parsed.data.expiresAt).toISOString()}`);
  return parsed.data;
}
