/** Pure audio helpers for the capture path: resample to 16 kHz, float → s16, 20 ms framing, energy. */
export const TARGET_RATE = 16_000;
export const FRAME_SAMPLES = 320; // 20 ms at 16 kHz

/** Linear-interpolating resampler that keeps its phase across calls (so chunk edges don't click). */
export class Resampler {
  readonly #ratio: number;
  #pos = 0;
  #prev = 0;
  constructor(inRate: number, outRate = TARGET_RATE) {
    this.#ratio = inRate / outRate;
  }
  push(input: Float32Array): Float32Array {
    const out: number[] = [];
    // positions are relative to the sample before input[0] (held in #prev, at index -1)
    while (this.#pos < input.length - 1 + 1e-9) {
      const i = Math.floor(this.#pos);
      const frac = this.#pos - i;
      const a = i === 0 ? this.#prev : input[i - 1]!;
      const b = input[i]!;
      out.push(a + (b - a) * frac);
      this.#pos += this.#ratio;
    }
    this.#pos -= input.length;
    this.#prev = input[input.length - 1] ?? this.#prev;
    return Float32Array.from(out);
  }
}

export function floatToS16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.max(-1, Math.min(1, x[i]!));
    out[i] = v < 0 ? Math.round(v * 0x8000) : Math.round(v * 0x7fff);
  }
  return out;
}

/** Collects samples and hands out exact 20 ms frames. */
export class Framer {
  #buf = new Int16Array(FRAME_SAMPLES);
  #fill = 0;
  push(samples: Int16Array, emit: (frame: Int16Array) => void): void {
    let o = 0;
    while (o < samples.length) {
      const n = Math.min(FRAME_SAMPLES - this.#fill, samples.length - o);
      this.#buf.set(samples.subarray(o, o + n), this.#fill);
      this.#fill += n;
      o += n;
      if (this.#fill === FRAME_SAMPLES) {
        emit(this.#buf);
        this.#buf = new Int16Array(FRAME_SAMPLES);
        this.#fill = 0;
      }
    }
  }
}

/** RMS level of a frame in dBFS. */
export function levelDb(frame: Int16Array): number {
  let sum = 0;
  for (const s of frame) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, frame.length)) / 0x8000;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

/** An energy gate with hangover: speech starts after `onFrames` loud frames, ends after `offFrames` quiet ones. */
export class EnergyVad {
  #loud = 0;
  #quiet = 0;
  speaking = false;
  readonly thresholdDb: number;
  readonly onFrames: number;
  readonly offFrames: number;
  constructor(thresholdDb = -42, onFrames = 3, offFrames = 25) {
    this.thresholdDb = thresholdDb;
    this.onFrames = onFrames;
    this.offFrames = offFrames;
  }
  push(frame: Int16Array): "start" | "end" | undefined {
    const loud = levelDb(frame) > this.thresholdDb;
    if (loud) {
      this.#loud++;
      this.#quiet = 0;
    } else {
      this.#quiet++;
      this.#loud = 0;
    }
    if (!this.speaking && this.#loud >= this.onFrames) {
      this.speaking = true;
      return "start";
    }
    if (this.speaking && this.#quiet >= this.offFrames) {
      this.speaking = false;
      return "end";
    }
    return undefined;
  }
}
