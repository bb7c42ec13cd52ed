/** The Node fast path: node:crypto's native chacha20-poly1305 with a KeyObject per key epoch. */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";
import type { AeadKey, ChaChaPolyBackend } from "./aead-types.ts";

interface NodeKey extends AeadKey {
  readonly backend: "node";
  readonly key: KeyObject;
}

const ALGORITHM = "chacha20-poly1305";
const TAG = 16;

type Transferable = ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer };

/**
 * Frees the intermediate ciphertext buffer now instead of at the next GC: detaching its ArrayBuffer
 * (ES2024 `transfer`) drops the only reference to the native memory, so the allocator hands the same
 * block to the next frame instead of fresh pages. Only for buffers that own their whole
 * ArrayBuffer (node:crypto's outputs); anything else is left alone.
 */
function release(buffer: Uint8Array): void {
  if (buffer.byteLength < 4096 || buffer.byteOffset !== 0 || buffer.buffer.byteLength !== buffer.byteLength) return;
  try {
    (buffer.buffer as Transferable).transfer?.(0);
  } catch {
    // Not detachable: the GC frees it as usual.
  }
}

export const aead: ChaChaPolyBackend = {
  name: "node",
  importKey(key: Uint8Array): AeadKey {
    const handle: NodeKey = { backend: "node", key: createSecretKey(key) };
    return handle;
  },
  sealWithHeader(key, nonce12, ad, plaintext) {
    const cipher = createCipheriv(ALGORITHM, (key as NodeKey).key, nonce12, { authTagLength: TAG });
    cipher.setAAD(ad, { plaintextLength: plaintext.length });
    const body = cipher.update(plaintext);
    cipher.final();
    // One uninitialized allocation (no zero fill) and one copy of the ciphertext: node:crypto cannot
    // write into a caller's buffer.
    const out = Buffer.allocUnsafe(ad.length + body.length + TAG);
    out.set(ad, 0);
    out.set(body, ad.length);
    out.set(cipher.getAuthTag(), ad.length + body.length);
    release(body);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  open(key, nonce12, ad, sealed) {
    if (sealed.length < TAG) return null;
    const decipher = createDecipheriv(ALGORITHM, (key as NodeKey).key, nonce12, { authTagLength: TAG });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    decipher.setAAD(ad, { plaintextLength: sealed.length - TAG });
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG));
    try {
      decipher.final();
    } catch {
      return null;
    }
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  },
};
