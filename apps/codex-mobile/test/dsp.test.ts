import { describe, expect, it } from "vitest";
import { EnergyVad, FRAME_SAMPLES, Framer, floatToS16, levelDb, Resampler } from "../src/voice/dsp.ts";

const sine = (n: number, rate: number, hz: number, amp = 0.5) =>
  Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

describe("capture DSP", () => {
  it("resamples 48 kHz to 16 kHz across chunk edges with the right count", () => {
    const r = new Resampler(48_000, 16_000);
    let out = 0;
    for (let i = 0; i < 50; i++) out += r.push(sine(960, 48_000, 440)).length; // 50 × 20 ms
    expect(Math.abs(out - 16_000)).toBeLessThanOrEqual(1);
  });

  it("keeps a tone's frequency (zero crossings) after resampling", () => {
    const r = new Resampler(44_100, 16_000);
    const out = r.push(sine(44_100, 44_100, 500));
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 !== out[i]! < 0) crossings++;
    expect(Math.abs(crossings - 1000)).toBeLessThanOrEqual(4);
  });

  it("frames s16 samples into exact 20 ms frames", () => {
    const framer = new Framer();
    const frames: Int16Array[] = [];
    framer.push(floatToS16(sine(1000, 16_000, 300)), (f) => frames.push(f));
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.length === FRAME_SAMPLES)).toBe(true);
    expect(floatToS16(Float32Array.from([1, -1, 2, 0]))).toEqual(Int16Array.from([32767, -32768, 32767, 0]));
  });

  it("energy VAD starts on speech-level frames and ends after silence", () => {
    const vad = new EnergyVad(-42, 3, 5);
    const loud = floatToS16(sine(FRAME_SAMPLES, 16_000, 200, 0.3));
    const quiet = new Int16Array(FRAME_SAMPLES);
    expect(levelDb(loud)).toBeGreaterThan(-20);
    const edges = [...Array(4).fill(loud), ...Array(6).fill(quiet)].map((f) => vad.push(f));
    expect(edges.indexOf("start")).toBe(2);
    expect(edges.indexOf("end")).toBe(8);
  });
});
