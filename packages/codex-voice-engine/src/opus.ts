/**
 * Opus encode/decode helpers over `opusscript` (libopus compiled to wasm) for 20 ms mono frames at
 * 16 or 48 kHz. opusscript returns Node `Buffer`s, so browsers need a `Buffer` global (polyfill).
 */
import OpusScript from "opusscript";
import { samplesPerFrame } from "./audio/pcm.ts";
import { describe, VoiceAudioError } from "./errors.ts";

export type OpusRate = 16_000 | 48_000;

export interface OpusCodec {
  readonly sampleRate: OpusRate;
  readonly frameSamples: number;
  /** Encodes exactly one 20 ms frame. */
  encode(frame: Int16Array): Uint8Array;
  /** Decodes one packet into one 20 ms frame. */
  decode(packet: Uint8Array): Int16Array;
  dispose(): void;
}

export interface OpusOptions {
  readonly bitrate?: number;
  /** "voip" (default) favours speech; "audio" music. */
  readonly application?: "voip" | "audio";
}

export function opusCodec(sampleRate: OpusRate, options: OpusOptions = {}): OpusCodec {
  const application = options.application === "audio" ? OpusScript.Application.AUDIO : OpusScript.Application.VOIP;
  const codec = new OpusScript(sampleRate, 1, application, { wasm: true });
  codec.setBitrate(options.bitrate ?? (sampleRate === 16_000 ? 24_000 : 32_000));
  const frameSamples = samplesPerFrame(sampleRate);
  let live = true;
  const guard = () => {
    if (!live) throw new VoiceAudioError({ message: "opus codec disposed" });
  };
  return {
    sampleRate,
    frameSamples,
    encode(frame) {
      guard();
      if (frame.length !== frameSamples) {
        throw new VoiceAudioError({ message: `opus frame must be ${frameSamples} samples, got ${frame.length}` });
      }
      const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
      try {
        const out = codec.encode(bytes as Buffer, frameSamples);
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice();
      } catch (cause) {
        throw new VoiceAudioError({ message: `opus encode: ${describe(cause)}` });
      }
    },
    decode(packet) {
      guard();
      try {
        const out = codec.decode(packet as Buffer);
        const pcm = new Int16Array(out.byteLength / 2);
        new Uint8Array(pcm.buffer).set(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
        return pcm;
      } catch (cause) {
        throw new VoiceAudioError({ message: `opus decode: ${describe(cause)}` });
      }
    },
    dispose() {
      if (!live) return;
      live = false;
      codec.delete();
    },
  };
}
