/**
 * The cleartext messages that set up a secure channel, carried by the relay before any key exists:
 * the pairing response/accept (first contact, from a QR/link) and the session init/accept/finish
 * (later sessions between paired devices). They hold public keys and MACs only.
 */
import { z } from "zod";
import { utf8Decode } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import { PublicIdentity } from "../identity.ts";

const Key = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const Mac = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const SessionId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export const PairingResponse = z.object({
  type: z.literal("pairing_response"),
  v: z.literal(1),
  roomId: z.string().min(1).max(128),
  /** The phone's ephemeral X25519 public key. */
  ephemeralPublicKey: Key,
  /** The phone's long-term public identity, to be stored by the wrapper. */
  identity: PublicIdentity,
  /** HMAC keyed from the one-time secret over the transcript (both ephemeral keys, the identity). */
  proof: Mac,
  /** The phone's key confirmation. */
  confirm: Mac,
});
export type PairingResponse = z.infer<typeof PairingResponse>;

export const PairingAccept = z.object({
  type: z.literal("pairing_accept"),
  v: z.literal(1),
  roomId: z.string().min(1).max(128),
  /** The wrapper's long-term public identity, to be stored by the phone. */
  identity: PublicIdentity,
  /** The wrapper's key confirmation. */
  confirm: Mac,
  /** MAC binding `identity` to this pairing's keys. */
  identityMac: Mac,
});
export type PairingAccept = z.infer<typeof PairingAccept>;

export const SessionInit = z.object({
  type: z.literal("session_init"),
  v: z.literal(1),
  sessionId: SessionId,
  role: z.enum(["wrapper", "phone"]),
  deviceId: z.string().min(1).max(128),
  ephemeralPublicKey: Key,
});
export type SessionInit = z.infer<typeof SessionInit>;

export const SessionAccept = z.object({
  type: z.literal("session_accept"),
  v: z.literal(1),
  sessionId: SessionId,
  deviceId: z.string().min(1).max(128),
  ephemeralPublicKey: Key,
  confirm: Mac,
});
export type SessionAccept = z.infer<typeof SessionAccept>;

export const SessionFinish = z.object({
  type: z.literal("session_finish"),
  v: z.literal(1),
  sessionId: SessionId,
  confirm: Mac,
});
export type SessionFinish = z.infer<typeof SessionFinish>;

export const HandshakeMessage = z.discriminatedUnion("type", [
  PairingResponse,
  PairingAccept,
  SessionInit,
  SessionAccept,
  SessionFinish,
]);
export type HandshakeMessage = z.infer<typeof HandshakeMessage>;

export function encodeHandshakeMessage(message: HandshakeMessage): string {
  const parsed = HandshakeMessage.safeParse(message);
  if (!parsed.success)
    throw new ProtocolError("PROTO_ERR_SCHEMA", parsed.error.issues[0]?.path.join(".") ?? "handshake");
  return JSON.stringify(parsed.data);
}

/** Parses a handshake message; throws only ProtocolError (PROTO_ERR_TOO_LARGE/_UTF8/_JSON/_SCHEMA). */
export function decodeHandshakeMessage(input: string | Uint8Array): HandshakeMessage {
  if (input.length > 16_384) throw new ProtocolError("PROTO_ERR_TOO_LARGE", `${input.length} > 16384`);
  const text = typeof input === "string" ? input : utf8Decode(input);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProtocolError("PROTO_ERR_JSON", "handshake message");
  }
  const parsed = HandshakeMessage.safeParse(json);
  if (!parsed.success)
    throw new ProtocolError("PROTO_ERR_SCHEMA", `handshake: ${parsed.error.issues[0]?.path.join(".") ?? ""}`);
  return parsed.data;
}
