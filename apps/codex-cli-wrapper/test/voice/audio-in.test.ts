import { opusCodec } from "@codex-remote/codex-voice-engine/opus";
import { describe, expect, it } from "vitest";
import { AudioInputDecoder } from "../../src/voice/audio-in.ts";

describe("AudioInputDecoder: the phone's audio frames → mono s16 for the voice engine", () => {
  it("down-mixes little-endian PCM and keeps its rate", () => {
    const pcm = new Int16Array([1000, 3000, -2000, -4000]); // two stereo samples
    const data = new Uint8Array(pcm.buffer);
    const out = new AudioInputDecoder().decode({
      type: "audio",
      streamId: 2,
      sequence: 0,
      codec: "pcm_s16le",
      sampleRate: 48_000,
      channels: 2,
      frameDurationUs: 20_000,
      data,
    });
    expect(out.sampleRate).toBe(48_000);
    expect([...out.samples]).toEqual([2000, -3000]);
  });

  it("decodes Opus at 16 and 48 kHz to 16 kHz frames; a broken packet throws", () => {
    const decoder = new AudioInputDecoder();
    for (const rate of [16_000, 48_000] as const) {
      const enc = opusCodec(rate);
      const tone = Int16Array.from({ length: enc.frameSamples }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
      const out = decoder.decode({
        type: "audio",
        streamId: 2,
        sequence: 0,
        codec: "opus",
        sampleRate: rate,
        channels: 1,
        frameDurationUs: 20_000,
        data: enc.encode(tone),
      });
      enc.dispose();
      expect(out.sampleRate).toBe(16_000);
      expect(out.samples.length).toBe(320);
    }
    expect(() =>
      decoder.decode({
        type: "audio",
        streamId: 2,
        sequence: 0,
        codec: "opus",
        sampleRate: 16_000,
        channels: 1,
        frameDurationUs: 20_000,
        data: new Uint8Array([0xff, 0xff, 0xff]),
      }),
    ).toThrow();
    decoder.dispose();
  });
});
