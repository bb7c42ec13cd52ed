/**
 * The ChaCha20-Poly1305 (RFC 8439, 12-byte nonce) primitive the XChaCha construction runs on.
 * Two implementations share this shape: `aead-node.ts` (node:crypto, native) and
 * `aead-browser.ts` (@noble/ciphers, pure JS). package.json `imports["#aead"]` picks one by
 * condition, so a browser bundle never sees `node:crypto`.
 */
export interface AeadKey {
  readonly backend: string;
}

export interface ChaChaPolyBackend {
  readonly name: "node" | "noble";
  /** Prepares a 32-byte key for many seal/open calls (node: a KeyObject; noble: a copy). */
  importKey(key: Uint8Array): AeadKey;
  /**
   * Seals `plaintext` with `ad` as associated data and returns `ad || ciphertext || 16-byte tag`
   * in one fresh buffer (the sealed-frame layout: the header is the associated data). The result
   * may be a view into a larger ArrayBuffer (Node's buffer pool): use byteOffset/byteLength.
   */
  sealWithHeader(key: AeadKey, nonce12: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Opens ciphertext || tag; returns the plaintext, or null when authentication fails. Never throws on bad data. */
  open(key: AeadKey, nonce12: Uint8Array, ad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}
