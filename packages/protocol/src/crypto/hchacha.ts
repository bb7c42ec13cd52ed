/**
 * HChaCha20 (draft-irtf-cfrg-xchacha §2.2): turns a 256-bit key and the first 16 bytes of an
 * XChaCha20 nonce into the subkey that plain ChaCha20-Poly1305 (RFC 8439) then uses with the nonce
 * 0x00000000 || nonce[16..24]. Pure JS on purpose: it runs once per key epoch, on both paths.
 */
import { ProtocolError } from "../errors.ts";

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

function readLE(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] as number) |
      ((bytes[offset + 1] as number) << 8) |
      ((bytes[offset + 2] as number) << 16) |
      ((bytes[offset + 3] as number) << 24)) >>>
    0
  );
}

export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  if (key.length !== 32 || nonce16.length < 16) {
    throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "hchacha20 needs a 32-byte key and a 16-byte nonce");
  }
  const s = new Uint32Array(16);
  s[0] = 0x61707865;
  s[1] = 0x3320646e;
  s[2] = 0x79622d32;
  s[3] = 0x6b206574;
  for (let i = 0; i < 8; i++) s[4 + i] = readLE(key, 4 * i);
  for (let i = 0; i < 4; i++) s[12 + i] = readLE(nonce16, 4 * i);
  const qr = (a: number, b: number, c: number, d: number): void => {
    let xa = s[a] as number;
    let xb = s[b] as number;
    let xc = s[c] as number;
    let xd = s[d] as number;
    xa = (xa + xb) | 0;
    xd = rotl(xd ^ xa, 16);
    xc = (xc + xd) | 0;
    xb = rotl(xb ^ xc, 12);
    xa = (xa + xb) | 0;
    xd = rotl(xd ^ xa, 8);
    xc = (xc + xd) | 0;
    xb = rotl(xb ^ xc, 7);
    s[a] = xa;
    s[b] = xb;
    s[c] = xc;
    s[d] = xd;
  };
  for (let round = 0; round < 10; round++) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
  const out = new Uint8Array(32);
  const words = [0, 1, 2, 3, 12, 13, 14, 15];
  for (let i = 0; i < 8; i++) {
    const w = s[words[i] as number] as number;
    out[4 * i] = w & 0xff;
    out[4 * i + 1] = (w >>> 8) & 0xff;
    out[4 * i + 2] = (w >>> 16) & 0xff;
    out[4 * i + 3] = (w >>> 24) & 0xff;
  }
  s.fill(0);
  return out;
}
