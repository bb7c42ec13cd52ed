import { execFileSync } from "node:child_process";
import { decodeWav, resample, toFrames } from "@codex-remote/codex-voice-engine";
import { opusCodec } from "@codex-remote/codex-voice-engine/opus";
import type { ScriptedPhone } from "./phone.ts";

/** espeak-ng (the real binary) speaks `text`; 16 kHz 20 ms frames, as the phone's capture makes them. */
export function spoken(text: string): Int16Array[] {
  const wav = execFileSync("espeak-ng", ["--stdout", text]);
  const audio = decodeWav(new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength));
  if (audio instanceof Error) throw audio;
  return toFrames(resample(audio.samples, audio.sampleRate, 16_000), 320);
}

/**
 * The phone holds to talk: Opus frames (input class, sealed) at about twice real time, then it
 * simply stops sending (the app marks no end of utterance; the laptop ends it).
 */
export async function say(phone: ScriptedPhone, text: string, stream: { seq: number }): Promise<void> {
  const opus = opusCodec(16_000);
  const frames = [...Array.from({ length: 10 }, () => new Int16Array(320)), ...spoken(text)];
  for (let i = 0; i < frames.length; i++) {
    phone.sendBinary({
      type: "audio",
      streamId: 2,
      sequence: stream.seq++,
      codec: "opus",
      sampleRate: 16_000,
      channels: 1,
      frameDurationUs: 20_000,
      data: opus.encode(frames[i]!),
    });
    if (i % 5 === 4) await new Promise((r) => setTimeout(r, 50));
  }
  opus.dispose();
}
