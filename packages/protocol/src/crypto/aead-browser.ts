/** The browser path (and the reference): @noble/ciphers' pure-JS chacha20poly1305. */
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import type { AeadKey, ChaChaPolyBackend } from "./aead-types.ts";

interface NobleKey extends AeadKey {
  readonly backend: "noble";
  readonly key: Uint8Array;
}

const TAG = 16;

export const aead: ChaChaPolyBackend = {
  name: "noble",
  importKey(key: Uint8Array): AeadKey {
    const handle: NobleKey = { backend: "noble", key: Uint8Array.from(key) };
    return handle;
  },
  sealWithHeader(key, nonce12, ad, plaintext) {
    const out = new Uint8Array(ad.length + plaintext.length + TAG);
    out.set(ad, 0);
    chacha20poly1305((key as NobleKey).key, nonce12, ad).encrypt(plaintext, out.subarray(ad.length));
    return out;
  },
  open(key, nonce12, ad, sealed) {
    if (sealed.length < TAG) return null;
    try {
      return chacha20poly1305((key as NobleKey).key, nonce12, ad).decrypt(sealed);
    } catch {
      return null;
    }
  },
};
