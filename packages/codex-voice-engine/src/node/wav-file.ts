import { readFile, writeFile } from "node:fs/promises";
import { Effect } from "effect";
import { decodeWav, encodeWav, type PcmAudio } from "../audio/wav.ts";
import { describe, VoiceAudioError } from "../errors.ts";

export const readWavFile = (path: string): Effect.Effect<PcmAudio, VoiceAudioError> =>
  Effect.gen(function* () {
    const bytes = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (cause) => new VoiceAudioError({ message: `cannot read ${path}: ${describe(cause)}` }),
    });
    const audio = decodeWav(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (audio instanceof VoiceAudioError) return yield* audio;
    return audio;
  });

export const writeWavFile = (path: string, audio: PcmAudio): Effect.Effect<void, VoiceAudioError> =>
  Effect.tryPromise({
    try: () => writeFile(path, encodeWav(audio)),
    catch: (cause) => new VoiceAudioError({ message: `cannot write ${path}: ${describe(cause)}` }),
  });
