/**
 * Device identity: one Ed25519 key (signing: relay authentication, signed statements) and one
 * X25519 key (agreement: session keys) per device, serializable for a 0600 key file or IndexedDB.
 * The device id is the signing public key itself (base64url), so it needs no lookup to check.
 */
import { z } from "zod";
import { decodeKey, equalBytes, fromBase64Url, toBase64Url, utf8Encode } from "./bytes.ts";
import {
  ED25519_SIGNATURE_BYTES,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519KeyPair,
  generateX25519KeyPair,
  type KeyPair,
  x25519PublicKey,
} from "./crypto/primitives.ts";
import { ProtocolError } from "./errors.ts";

export interface DeviceIdentity {
  /**
   * The Ed25519 signing public key in base64url (43 characters): self-certifying, and the same id
   * the relay authenticates (`@codex-remote/protocol/relay`).
   */
  readonly deviceId: string;
  /** Ed25519. */
  readonly signing: KeyPair;
  /** X25519. */
  readonly agreement: KeyPair;
  /** Creation time, milliseconds since the epoch. */
  readonly createdAt: number;
}

/** What a device shares with its peers and the relay: JSON-safe, keys in base64url. */
export const PublicIdentity = z.object({
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  signingPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  agreementPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type PublicIdentity = z.infer<typeof PublicIdentity>;

export const DEVICE_IDENTITY_FORMAT = "codex-remote/device-identity";

const SerializedIdentity = z.object({
  format: z.literal(DEVICE_IDENTITY_FORMAT),
  version: z.literal(1),
  deviceId: z.string(),
  signingSecretKey: z.string(),
  signingPublicKey: z.string(),
  agreementSecretKey: z.string(),
  agreementPublicKey: z.string(),
  createdAt: z.number().int().nonnegative(),
});

/** The device id of a signing public key: its base64url (as the relay's auth uses it). */
export function deviceIdFromSigningKey(signingPublicKey: Uint8Array): string {
  return toBase64Url(signingPublicKey);
}

export function generateDeviceIdentity(now: number = Date.now()): DeviceIdentity {
  const signing = generateEd25519KeyPair();
  return {
    deviceId: deviceIdFromSigningKey(signing.publicKey),
    signing,
    agreement: generateX25519KeyPair(),
    createdAt: now,
  };
}

/** JSON text holding the secret keys: store it with mode 0600 (or in the app's private storage). */
export function serializeDeviceIdentity(identity: DeviceIdentity): string {
  return JSON.stringify({
    format: DEVICE_IDENTITY_FORMAT,
    version: 1,
    deviceId: identity.deviceId,
    signingSecretKey: toBase64Url(identity.signing.secretKey),
    signingPublicKey: toBase64Url(identity.signing.publicKey),
    agreementSecretKey: toBase64Url(identity.agreement.secretKey),
    agreementPublicKey: toBase64Url(identity.agreement.publicKey),
    createdAt: identity.createdAt,
  });
}

/** Parses and checks a serialized identity (public keys and id must match the secret keys). */
export function parseDeviceIdentity(text: string): DeviceIdentity {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProtocolError("PROTO_ERR_IDENTITY_INVALID", "not JSON");
  }
  const parsed = SerializedIdentity.safeParse(json);
  if (!parsed.success)
    throw new ProtocolError("PROTO_ERR_IDENTITY_INVALID", parsed.error.issues[0]?.path.join(".") ?? "shape");
  const v = parsed.data;
  try {
    const signingSecret = decodeKey(v.signingSecretKey, 32, "signing secret key");
    const agreementSecret = decodeKey(v.agreementSecretKey, 32, "agreement secret key");
    const signing = { secretKey: signingSecret, publicKey: ed25519PublicKey(signingSecret) };
    const agreement = { secretKey: agreementSecret, publicKey: x25519PublicKey(agreementSecret) };
    if (
      !equalBytes(signing.publicKey, decodeKey(v.signingPublicKey, 32, "signing public key")) ||
      !equalBytes(agreement.publicKey, decodeKey(v.agreementPublicKey, 32, "agreement public key")) ||
      v.deviceId !== deviceIdFromSigningKey(signing.publicKey)
    ) {
      throw new ProtocolError("PROTO_ERR_IDENTITY_INVALID", "public keys or device id do not match the secret keys");
    }
    return { deviceId: v.deviceId, signing, agreement, createdAt: v.createdAt };
  } catch (error) {
    if (error instanceof ProtocolError && error.code === "PROTO_ERR_IDENTITY_INVALID") throw error;
    throw new ProtocolError("PROTO_ERR_IDENTITY_INVALID", error instanceof ProtocolError ? error.detail : "keys");
  }
}

export function publicIdentity(identity: DeviceIdentity): PublicIdentity {
  return {
    deviceId: identity.deviceId,
    signingPublicKey: toBase64Url(identity.signing.publicKey),
    agreementPublicKey: toBase64Url(identity.agreement.publicKey),
  };
}

/** Validates an untrusted public identity (zod shape + id derived from the signing key). */
export function parsePublicIdentity(value: unknown): PublicIdentity {
  const parsed = PublicIdentity.safeParse(value);
  if (!parsed.success) throw new ProtocolError("PROTO_ERR_IDENTITY_INVALID", "public identity shape");
  const signing = decodeKey(parsed.data.signingPublicKey, 32, "signing public key");
  decodeKey(parsed.data.agreementPublicKey, 32, "agreement public key");
  if (deviceIdFromSigningKey(signing) !== parsed.data.deviceId) {
    throw new ProtocolError("PROTO_ERR_IDENTITY_INVALID", "device id does not match the signing key");
  }
  return parsed.data;
}

function messageBytes(message: Uint8Array | string): Uint8Array {
  return typeof message === "string" ? utf8Encode(message) : message;
}

/**
 * Ed25519 signature (64 bytes) over `message` (strings are UTF-8 encoded). Put a context label in
 * the message (e.g. "codex-remote/relay-auth/1\n" + challenge) so a signature for one purpose is
 * never valid for another.
 */
export function signMessage(identity: DeviceIdentity, message: Uint8Array | string): Uint8Array {
  return ed25519Sign(identity.signing.secretKey, messageBytes(message));
}

/**
 * Checks an Ed25519 signature. `signer` is the raw 32-byte key, its base64url text, or a
 * PublicIdentity; `signature` is 64 bytes or their base64url. Returns false for anything malformed,
 * never throws.
 */
export function verifySignature(
  signer: Uint8Array | string | PublicIdentity,
  message: Uint8Array | string,
  signature: Uint8Array | string,
): boolean {
  const key =
    signer instanceof Uint8Array
      ? signer
      : fromBase64Url(typeof signer === "string" ? signer : signer.signingPublicKey);
  const sig = signature instanceof Uint8Array ? signature : fromBase64Url(signature);
  if (!key || !sig || sig.length !== ED25519_SIGNATURE_BYTES) return false;
  return ed25519Verify(key, messageBytes(message), sig);
}
