/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) built as HChaCha20 subkey + RFC 8439
 * ChaCha20-Poly1305 over a backend. Output is ciphertext || 16-byte tag, bit-identical to
 * @noble/ciphers' `xchacha20poly1305(key, nonce, ad).encrypt(plaintext)` on either backend.
 */
import { ProtocolError } from "../errors.ts";
import type { ChaChaPolyBackend } from "./aead-types.ts";
import { hchacha20 } from "./hchacha.ts";

export const XCHACHA_KEY_BYTES = 32;
export const XCHACHA_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

/** The 12-byte ChaCha20 nonce of the XChaCha construction: four zero bytes || nonce[16..24]. */
export function xchachaInnerNonce(nonce24: Uint8Array): Uint8Array {
  const inner = new Uint8Array(12);
  inner.set(nonce24.subarray(16, 24), 4);
  return inner;
}

function check(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== XCHACHA_KEY_BYTES || nonce.length !== XCHACHA_NONCE_BYTES) {
    throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "xchacha20poly1305 needs a 32-byte key and a 24-byte nonce");
  }
}

export function xchacha20poly1305Seal(
  backend: ChaChaPolyBackend,
  key: Uint8Array,
  nonce24: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  check(key, nonce24);
  const subkey = backend.importKey(hchacha20(key, nonce24));
  return backend.sealWithHeader(subkey, xchachaInnerNonce(nonce24), ad, plaintext).slice(ad.length);
}

/** Returns the plaintext; a failed tag raises PROTO_ERR_AUTH_FAILED. */
export function xchacha20poly1305Open(
  backend: ChaChaPolyBackend,
  key: Uint8Array,
  nonce24: Uint8Array,
  sealed: Uint8Array,
  ad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  check(key, nonce24);
  const subkey = backend.importKey(hchacha20(key, nonce24));
  const plaintext = backend.open(subkey, xchachaInnerNonce(nonce24), ad, sealed);
  if (!plaintext) throw new ProtocolError("PROTO_ERR_AUTH_FAILED", "xchacha20poly1305 tag mismatch");
  return plaintext;
}
