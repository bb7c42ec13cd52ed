import { VoiceAudioError } from "../errors.ts";
import { bytesToInt16, int16ToBytes } from "./pcm.ts";

export interface PcmAudio {
  readonly sampleRate: number;
  readonly samples: Int16Array;
}

/** Header length of a canonical 44-byte PCM WAV, or of the parsed one. */
export interface WavHeader {
  readonly sampleRate: number;
  readonly channels: number;
  readonly dataOffset: number;
}

/** Parses a RIFF/WAVE header (PCM s16). Returns undefined while more bytes are needed. */
export function parseWavHeader(bytes: Uint8Array): WavHeader | undefined | VoiceAudioError {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) =>
    String.fromCharCode(bytes[o] ?? 0, bytes[o + 1] ?? 0, bytes[o + 2] ?? 0, bytes[o + 3] ?? 0);
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") return new VoiceAudioError({ message: "not a RIFF/WAVE stream" });
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt ") {
      if (offset + 8 + 16 > bytes.length) return undefined;
      const format = view.getUint16(offset + 8, true);
      channels = view.getUint16(offset + 10, true);
      sampleRate = view.getUint32(offset + 12, true);
      const bits = view.getUint16(offset + 22, true);
      if ((format !== 1 && format !== 0xfffe) || bits !== 16) {
        return new VoiceAudioError({ message: "only 16-bit PCM WAV is supported" });
      }
    } else if (id === "data") {
      if (sampleRate === 0) return new VoiceAudioError({ message: "WAV data before fmt chunk" });
      return { sampleRate, channels, dataOffset: offset + 8 };
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** Downmixes interleaved channels to mono. */
export function downmix(samples: Int16Array, channels: number): Int16Array {
  if (channels <= 1) return samples;
  const out = new Int16Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c] ?? 0;
    out[i] = Math.round(sum / channels);
  }
  return out;
}

export function decodeWav(bytes: Uint8Array): PcmAudio | VoiceAudioError {
  const header = parseWavHeader(bytes);
  if (header === undefined) return new VoiceAudioError({ message: "truncated WAV header" });
  if (header instanceof VoiceAudioError) return header;
  const samples = downmix(bytesToInt16(bytes.subarray(header.dataOffset)), header.channels);
  return { sampleRate: header.sampleRate, samples };
}

export function encodeWav(audio: PcmAudio): Uint8Array {
  const data = int16ToBytes(audio.samples);
  const out = new Uint8Array(44 + data.length);
  const view = new DataView(out.buffer);
  const put = (o: number, s: string) => {
    for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i);
  };
  put(0, "RIFF");
  view.setUint32(4, 36 + data.length, true);
  put(8, "WAVE");
  put(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, "data");
  view.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}
