import { deflateSync } from "node:zlib";

/**
 * Draws the app icon (a rounded dark tile with a green ">_" prompt) as an RGBA PNG, with no image
 * library: the shapes are signed-distance tests per pixel, the PNG is written by hand.
 */
export function iconPng(size: number, maskable: boolean): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const bg = [15, 17, 21];
  const fg = [74, 222, 128];
  const radius = maskable ? 0 : size * 0.22;
  const inset = maskable ? size * 0.2 : size * 0.12; // maskable icons keep the glyph in the safe zone
  const stroke = size * 0.07;
  const s = (size - 2 * inset) / 100;
  const seg = (x: number, y: number, ax: number, ay: number, bx: number, by: number) => {
    const [pax, pay, bax, bay] = [x - ax, y - ay, bx - ax, by - ay];
    const h = Math.max(0, Math.min(1, (pax * bax + pay * bay) / (bax * bax + bay * bay)));
    return Math.hypot(pax - bax * h, pay - bay * h);
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const cx = Math.max(radius - x, 0, x - (size - 1 - radius));
      const cy = Math.max(radius - y, 0, y - (size - 1 - radius));
      const inside = radius === 0 || Math.hypot(cx, cy) <= radius;
      if (!inside) continue;
      const u = inset + 0 * s;
      const gx = (x - u) / s;
      const gy = (y - inset) / s;
      const d = Math.min(seg(gx, gy, 18, 28, 44, 50), seg(gx, gy, 44, 50, 18, 72), seg(gx, gy, 54, 74, 84, 74));
      const on = d * s <= stroke / 2;
      const c = on ? fg : bg;
      px[i] = c[0]!;
      px[i + 1] = c[1]!;
      px[i + 2] = c[2]!;
      px[i + 3] = 255;
    }
  }
  return encodePng(size, size, px);
}

function encodePng(w: number, h: number, rgba: Uint8Array): Uint8Array {
  const raw = new Uint8Array((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) raw.set(rgba.subarray(y * w * 4, (y + 1) * w * 4), y * (w * 4 + 1) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return concat([
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array()),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
