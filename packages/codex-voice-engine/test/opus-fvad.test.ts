import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { ENGINE_RATE, levelDb, resample, samplesPerFrame, toFrames } from "../src/audio/pcm.ts";
import { VoiceAudioError } from "../src/errors.ts";
import { opusCodec } from "../src/opus.ts";
import { makeFvad } from "../src/vad/fvad.ts";
import { silenceFrames, spokenFrames } from "./helpers.ts";

describe("opus helpers (opusscript)", () => {
  for (const rate of [16_000, 48_000] as const) {
    it(`round-trips espeak-ng speech at ${rate} Hz in 20 ms frames`, async () => {
      const speech16 = await spokenFrames("run the tests");
      const pcm = new Int16Array(speech16.length * 320);
      for (const [i, f] of speech16.entries()) pcm.set(f, i * 320);
      const frames = toFrames(resample(pcm, ENGINE_RATE, rate), samplesPerFrame(rate));
      const codec = opusCodec(rate);
      const packets = frames.map((f) => codec.encode(f));
      const decoded = packets.map((p) => codec.decode(p));
      codec.dispose();
      expect(decoded.every((d) => d.length === samplesPerFrame(rate))).toBe(true);
      const bytes = packets.reduce((n, p) => n + p.length, 0);
      expect(bytes).toBeLessThan(pcm.length); // far smaller than 16-bit PCM
      const inDb = levelDb(Int16Array.from(frames.flatMap((f) => Array.from(f))));
      const outDb = levelDb(Int16Array.from(decoded.flatMap((f) => Array.from(f))));
      expect(Math.abs(inDb - outDb)).toBeLessThan(3);
    });
  }
  it("rejects a frame of the wrong size with a typed error", () => {
    const codec = opusCodec(16_000);
    expect(() => codec.encode(new Int16Array(100))).toThrow(VoiceAudioError);
    codec.dispose();
  });
});

describe("WebRTC VAD (@echogarden/fvad-wasm)", () => {
  it("tells espeak-ng speech from silence", async () => {
    const vad = await Effect.runPromise(makeFvad({ sensitivity: 0.5 }));
    const speech = await spokenFrames("read that again");
    const voiced = speech.filter((f) => vad.isSpeech(f)).length;
    const quietHits = silenceFrames(1000).filter((f) => vad.isSpeech(f)).length;
    vad.dispose();
    expect(voiced / speech.length).toBeGreaterThan(0.5);
    expect(quietHits).toBe(0);
  });
});
