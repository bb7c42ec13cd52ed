import { FRAME_SAMPLES, TARGET_RATE } from "./dsp.ts";

/**
 * Opus through WebCodecs where the browser has it (Chromium, Safari 17+): 16 kHz mono, 20 ms frames.
 * Returns undefined when there is no Opus encoder, and the caller sends s16 PCM frames instead.
 */
export async function createOpusEncoder(onFrame: (data: Uint8Array) => void): Promise<OpusEncoder | undefined> {
  const AE = (globalThis as { AudioEncoder?: typeof AudioEncoder }).AudioEncoder;
  if (!AE) return undefined;
  const config: AudioEncoderConfig = {
    codec: "opus",
    sampleRate: TARGET_RATE,
    numberOfChannels: 1,
    bitrate: 24_000,
    ...({ opus: { frameDuration: 20_000, application: "voip" } } as object),
  };
  try {
    const support = await AE.isConfigSupported(config);
    if (!support.supported) return undefined;
  } catch {
    return undefined;
  }
  const encoder = new AE({
    output: (chunk) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      onFrame(data);
    },
    error: () => {},
  });
  encoder.configure(config);
  let ts = 0;
  return {
    encode(frame: Int16Array) {
      if (encoder.state !== "configured") return;
      const data = new AudioData({
        format: "s16",
        sampleRate: TARGET_RATE,
        numberOfFrames: FRAME_SAMPLES,
        numberOfChannels: 1,
        timestamp: ts,
        data: frame as Int16Array<ArrayBuffer>,
      });
      ts += 20_000;
      encoder.encode(data);
      data.close();
    },
    close() {
      if (encoder.state !== "closed") encoder.close();
    },
  };
}

export interface OpusEncoder {
  encode(frame: Int16Array): void;
  close(): void;
}

/** Opus (or PCM) reply frames → audio output, with an immediate `stop()` for barge-in. */
export class Player {
  readonly #ctx: AudioContext;
  #decoder: AudioDecoder | undefined;
  #at = 0;
  #sources = new Set<AudioBufferSourceNode>();
  #ts = 0;
  onPlaying: (playing: boolean) => void = () => {};

  constructor(ctx: AudioContext) {
    this.#ctx = ctx;
  }

  get playing(): boolean {
    return this.#sources.size > 0;
  }

  pushPcm(samples: Int16Array, rate: number): void {
    const buf = this.#ctx.createBuffer(1, samples.length, rate);
    const ch = buf.getChannelData(0);
    for (let i = 0; i < samples.length; i++) ch[i] = samples[i]! / 0x8000;
    this.#schedule(buf);
  }

  pushOpus(data: Uint8Array, rate: number): void {
    const AD = (globalThis as { AudioDecoder?: typeof AudioDecoder }).AudioDecoder;
    if (!AD) return;
    if (!this.#decoder) {
      this.#decoder = new AD({
        output: (audio) => {
          const buf = this.#ctx.createBuffer(1, audio.numberOfFrames, audio.sampleRate);
          audio.copyTo(buf.getChannelData(0), { planeIndex: 0, format: "f32-planar" });
          audio.close();
          this.#schedule(buf);
        },
        error: () => {},
      });
      this.#decoder.configure({ codec: "opus", sampleRate: rate, numberOfChannels: 1 });
    }
    this.#decoder.decode(new EncodedAudioChunk({ type: "key", timestamp: this.#ts, data }));
    this.#ts += 20_000;
  }

  /** Barge-in: silence now and forget whatever was queued. */
  stop(): void {
    for (const s of this.#sources) {
      try {
        s.stop();
      } catch {
        // already stopped
      }
    }
    this.#sources.clear();
    this.#at = 0;
    this.#decoder?.reset();
    this.#decoder = undefined;
    this.onPlaying(false);
  }

  #schedule(buf: AudioBuffer): void {
    const src = this.#ctx.createBufferSource();
    src.buffer = buf;
    src.connect(this.#ctx.destination);
    const start = Math.max(this.#ctx.currentTime + 0.02, this.#at);
    src.start(start);
    this.#at = start + buf.duration;
    const wasIdle = this.#sources.size === 0;
    this.#sources.add(src);
    if (wasIdle) this.onPlaying(true);
    src.onended = () => {
      this.#sources.delete(src);
      if (this.#sources.size === 0) this.onPlaying(false);
    };
  }
}
