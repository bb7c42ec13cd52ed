import { type OpusCodec, opusCodec } from "@codex-remote/codex-voice-engine/opus";
import type { AudioFrame } from "@codex-remote/protocol";

/** One decoded frame for the voice engine: mono s16 at `sampleRate` (the engine resamples to 16 kHz). */
export interface DecodedAudio {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

/**
 * Turns the phone's audio frames (protocol binary frames, already opened) into mono s16 PCM.
 * Opus packets of any rate are decoded by one 16 kHz decoder (libopus decodes to the output rate
 * it is opened with), so the engine gets 16 kHz directly; PCM keeps its rate and is down-mixed to
 * mono. A packet that does not decode throws (the caller counts and drops it).
 */
export class AudioInputDecoder {
  #opus: OpusCodec | undefined;

  decode(frame: AudioFrame): DecodedAudio {
    if (frame.codec === "opus") {
      this.#opus ??= opusCodec(16_000);
      return { samples: this.#opus.decode(frame.data), sampleRate: 16_000 };
    }
    const channels = frame.channels;
    const all = new Int16Array(frame.data.byteLength / 2);
    const view = new DataView(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    for (let i = 0; i < all.length; i++) all[i] = view.getInt16(i * 2, true);
    if (channels === 1) return { samples: all, sampleRate: frame.sampleRate };
    const mono = new Int16Array(all.length / channels);
    for (let i = 0; i < mono.length; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += all[i * channels + c]!;
      mono[i] = Math.round(sum / channels);
    }
    return { samples: mono, sampleRate: frame.sampleRate };
  }

  dispose(): void {
    this.#opus?.dispose();
    this.#opus = undefined;
  }
}
