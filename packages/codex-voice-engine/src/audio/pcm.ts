/** Plain PCM helpers: 16-bit signed mono samples in Int16Array. No platform APIs. */

export const ENGINE_RATE = 16_000;
export const FRAME_MS = 20;

export function samplesPerFrame(rate: number): number {
  return Math.round((rate * FRAME_MS) / 1000);
}

/** Linear-interpolation resampler; good enough for speech at 16/22.05/24/48 kHz. */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || input.length === 0) return input;
  const outLength = Math.max(1, Math.round((input.length * toRate) / fromRate));
  const out = new Int16Array(outLength);
  const step = fromRate / toRate;
  const last = input.length - 1;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const idx = Math.floor(pos);
    const frac = pos - idx;
    const a = input[Math.min(idx, last)] ?? 0;
    const b = input[Math.min(idx + 1, last)] ?? 0;
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}

/** Root-mean-square level in dBFS (-100 for digital silence). */
export function levelDb(frame: Int16Array): number {
  if (frame.length === 0) return -100;
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    const s = (frame[i] ?? 0) / 32768;
    sum += s * s;
  }
  const rms = Math.sqrt(sum / frame.length);
  return rms <= 1e-5 ? -100 : 20 * Math.log10(rms);
}

export function concat(parts: ReadonlyArray<Int16Array>): Int16Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Int16Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Splits PCM into fixed frames; the tail shorter than a frame is zero-padded when `pad` is true. */
export function toFrames(pcm: Int16Array, frameSamples: number, pad = true): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += frameSamples) {
    const slice = pcm.subarray(i, i + frameSamples);
    if (slice.length === frameSamples) frames.push(slice.slice());
    else if (pad) {
      const f = new Int16Array(frameSamples);
      f.set(slice);
      frames.push(f);
    }
  }
  return frames;
}

/** Accumulates arbitrary-length PCM and hands out whole frames. */
export class Reframer {
  readonly frameSamples: number;
  private pending: Int16Array = new Int16Array(0);
  constructor(frameSamples: number) {
    this.frameSamples = frameSamples;
  }
  push(pcm: Int16Array): Int16Array[] {
    const all = this.pending.length === 0 ? pcm : concat([this.pending, pcm]);
    const whole = Math.floor(all.length / this.frameSamples) * this.frameSamples;
    this.pending = all.slice(whole);
    return toFrames(all.subarray(0, whole), this.frameSamples, false);
  }
  flush(): Int16Array[] {
    const rest = this.pending;
    this.pending = new Int16Array(0);
    return rest.length === 0 ? [] : toFrames(rest, this.frameSamples, true);
  }
}

/** Adds `add` into `into` in place with clipping. */
export function mixInto(into: Int16Array, add: Int16Array, gain = 1): void {
  const n = Math.min(into.length, add.length);
  for (let i = 0; i < n; i++) {
    const v = (into[i] ?? 0) + (add[i] ?? 0) * gain;
    into[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
  }
}

export function bytesToInt16(bytes: Uint8Array): Int16Array {
  const even = bytes.length - (bytes.length % 2);
  const out = new Int16Array(even / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, even);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function int16ToBytes(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
