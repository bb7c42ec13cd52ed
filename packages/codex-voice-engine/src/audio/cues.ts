/** Short generated tones mixed into playback: no asset files, no platform APIs. */

export type CueName = "listening" | "accepted" | "thinking" | "error";

interface ToneSpec {
  readonly freqs: ReadonlyArray<number>;
  readonly noteMs: number;
  readonly gain: number;
}

const SPECS: Record<CueName, ToneSpec> = {
  listening: { freqs: [660, 880], noteMs: 60, gain: 0.18 },
  accepted: { freqs: [880, 1320], noteMs: 50, gain: 0.18 },
  thinking: { freqs: [523], noteMs: 90, gain: 0.1 },
  error: { freqs: [440, 330, 220], noteMs: 80, gain: 0.22 },
};

/** Renders a cue: a sequence of sine notes with 5 ms fades, at `rate`. */
export function renderCue(name: CueName, rate: number): Int16Array {
  const spec = SPECS[name];
  const noteSamples = Math.round((rate * spec.noteMs) / 1000);
  const fade = Math.max(1, Math.round(rate * 0.005));
  const out = new Int16Array(noteSamples * spec.freqs.length);
  spec.freqs.forEach((freq, n) => {
    for (let i = 0; i < noteSamples; i++) {
      const env = Math.min(1, i / fade, (noteSamples - 1 - i) / fade);
      out[n * noteSamples + i] = Math.round(Math.sin((2 * Math.PI * freq * i) / rate) * env * spec.gain * 32767);
    }
  });
  return out;
}
