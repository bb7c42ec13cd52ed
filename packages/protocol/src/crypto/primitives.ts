/**
 * The asymmetric and hash primitives, pure JS (@noble/curves, @noble/hashes) on every platform:
 * they run at handshake and rekey time only, never per frame.
 */
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { utf8Encode } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";

export const X25519_KEY_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SECRET_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, message);
}

/** RFC 5869 HKDF-Extract with SHA-256. */
export function hkdfExtract(ikm: Uint8Array, salt: Uint8Array): Uint8Array {
  return extract(nobleSha256, ikm, salt);
}

/** RFC 5869 HKDF-Expand with SHA-256; `info` given as text is UTF-8 encoded. */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array | string, length: number): Uint8Array {
  return expand(nobleSha256, prk, typeof info === "string" ? utf8Encode(info) : info, length);
}

/** RFC 5869 HKDF (extract then expand) with SHA-256. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array | string, length: number): Uint8Array {
  return hkdfExpand(hkdfExtract(ikm, salt), info, length);
}

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function generateX25519KeyPair(): KeyPair {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== X25519_KEY_BYTES) throw new ProtocolError("PROTO_ERR_KEY_INVALID", "x25519 secret key size");
  return x25519.getPublicKey(secretKey);
}

/** RFC 7748 X25519; an all-zero result (a low-order peer key) raises PROTO_ERR_KEY_INVALID. */
export function x25519SharedSecret(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  if (secretKey.length !== X25519_KEY_BYTES || peerPublicKey.length !== X25519_KEY_BYTES) {
    throw new ProtocolError("PROTO_ERR_KEY_INVALID", "x25519 keys are 32 bytes");
  }
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, peerPublicKey);
  } catch {
    throw new ProtocolError("PROTO_ERR_KEY_INVALID", "x25519 peer key yields no shared secret");
  }
  let acc = 0;
  for (const b of shared) acc |= b;
  if (acc === 0) throw new ProtocolError("PROTO_ERR_KEY_INVALID", "x25519 peer key is of low order");
  return shared;
}

export function generateEd25519KeyPair(): KeyPair {
  const secretKey = ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== ED25519_SECRET_KEY_BYTES)
    throw new ProtocolError("PROTO_ERR_KEY_INVALID", "ed25519 secret key size");
  return ed25519.getPublicKey(secretKey);
}

/** RFC 8032 Ed25519 signature (64 bytes). */
export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  if (secretKey.length !== ED25519_SECRET_KEY_BYTES)
    throw new ProtocolError("PROTO_ERR_KEY_INVALID", "ed25519 secret key size");
  return ed25519.sign(message, secretKey);
}

/** RFC 8032 verification; false for any malformed key or signature, never throws. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
