import { fromBase64Url, toBase64Url } from "./base64url.ts";

/**
 * Device authentication: the relay sends a fresh 32-byte nonce per connection; the device signs
 * `AUTH_CONTEXT || nonce || publicKey` with its Ed25519 identity key. The context string binds the
 * signature to this purpose so it can never be replayed as an end-to-end frame signature (or back).
 */
export const AUTH_CONTEXT = "codex-remote/relay-auth/v1\u0000";
export const NONCE_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export function authTranscript(nonce: Uint8Array, publicKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const ctx = new TextEncoder().encode(AUTH_CONTEXT);
  const out = new Uint8Array(ctx.length + nonce.length + publicKey.length);
  out.set(ctx, 0);
  out.set(nonce, ctx.length);
  out.set(publicKey, ctx.length + nonce.length);
  return out;
}

/** A device id is its Ed25519 public key in base64url: self-certifying, nothing to look up. */
export function deviceIdFromPublicKey(publicKey: Uint8Array): string {
  return toBase64Url(publicKey);
}

export function publicKeyFromDeviceId(deviceId: string): Uint8Array {
  return fromBase64Url(deviceId);
}

export function newNonce(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
}

/** Verifies an auth signature with WebCrypto Ed25519 (Node >= 22 and current browsers). */
export async function verifyAuthSignature(
  publicKey: Uint8Array,
  nonce: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    const key = await crypto.subtle.importKey("raw", new Uint8Array(publicKey), { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify(
      { name: "Ed25519" },
      key,
      new Uint8Array(signature),
      authTranscript(nonce, publicKey),
    );
  } catch {
    return false;
  }
}

/** Something that can sign for a device: the protocol's identity, a WebCrypto key, a test key. */
export interface RelayIdentity {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/** A WebCrypto-backed identity (for tests and for apps that keep a non-extractable CryptoKey). */
export async function generateWebCryptoIdentity(): Promise<RelayIdentity> {
  type Key = Parameters<typeof crypto.subtle.exportKey>[1];
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as unknown as {
    publicKey: Key;
    privateKey: Key;
  };
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return {
    publicKey,
    sign: async (message) =>
      new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, new Uint8Array(message))),
  };
}
