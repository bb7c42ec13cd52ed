import { Effect } from "effect";
import type { VoiceSessionHandle } from "../src/api.ts";
import { ENGINE_RATE, resample, samplesPerFrame, toFrames } from "../src/audio/pcm.ts";
import { speakToPcm } from "../src/node/espeak.ts";
import type { VoiceEvent } from "../src/session/types.ts";

export const FRAME = samplesPerFrame(ENGINE_RATE);

/** espeak-ng speaks `text`; the audio comes back as 16 kHz 20 ms frames. */
export async function spokenFrames(text: string): Promise<Int16Array[]> {
  const audio = await Effect.runPromise(speakToPcm(text));
  return toFrames(resample(audio.samples, audio.sampleRate, ENGINE_RATE), FRAME);
}

export function silenceFrames(ms: number): Int16Array[] {
  return Array.from({ length: Math.round(ms / 20) }, () => new Int16Array(FRAME));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Pushes frames in order, `batch` frames per macrotask tick (order is real-time order; pace is faster). */
export async function feed(session: VoiceSessionHandle, frames: ReadonlyArray<Int16Array>, batch = 5): Promise<void> {
  for (let i = 0; i < frames.length; i += batch) {
    for (const f of frames.slice(i, i + batch)) session.pushAudioFrame(f);
    await sleep(1);
  }
}

/** A listener pulling playback; keeps every chunk it got. */
export function player(session: VoiceSessionHandle, chunksPerTick = 2) {
  const chunks: Int16Array[] = [];
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      for (let i = 0; i < chunksPerTick; i++) {
        const c = session.nextPlaybackChunk();
        if (c) chunks.push(c);
      }
      await sleep(2);
    }
  };
  void loop();
  return {
    chunks,
    stop() {
      stopped = true;
    },
  };
}

/** Resolves with the first event matching `predicate` (from now on). */
export function nextEvent<T extends VoiceEvent>(
  session: VoiceSessionHandle,
  predicate: (e: VoiceEvent) => e is T,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error("timed out waiting for a voice event"));
    }, timeoutMs);
    const off = session.onEvent((e) => {
      if (predicate(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

export const isType =
  <K extends VoiceEvent["type"]>(type: K) =>
  (e: VoiceEvent): e is Extract<VoiceEvent, { type: K }> =>
    e.type === type;

export function recordEvents(session: VoiceSessionHandle): VoiceEvent[] {
  const all: VoiceEvent[] = [];
  session.onEvent((e) => all.push(e));
  return all;
}
