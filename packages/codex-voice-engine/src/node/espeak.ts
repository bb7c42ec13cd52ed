import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { Effect, Stream } from "effect";
import type { TtsAdapter, TtsAudio } from "../adapters.ts";
import { bytesToInt16 } from "../audio/pcm.ts";
import { parseWavHeader } from "../audio/wav.ts";
import { describe, TtsError, VoiceAudioError } from "../errors.ts";

export interface EspeakOptions {
  /** Path of the espeak-ng binary (GPL-3: invoked as a subprocess, never bundled). */
  readonly binary?: string;
  readonly voice?: string;
  /** Words per minute (espeak-ng -s). */
  readonly wordsPerMinute?: number;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

const NAME = "espeak-ng";

export interface EspeakAdapter extends TtsAdapter {
  /** Syntheses in flight: espeak-ng processes whose audio is not yet fully consumed (diagnostics, cancellation tests). */
  running(): number;
}

/** Streams 16-bit PCM from `espeak-ng --stdout`; interrupting the stream kills the process. */
export function espeakTts(options: EspeakOptions = {}): EspeakAdapter {
  const binary = options.binary ?? "espeak-ng";
  const args = ["--stdout"];
  if (options.voice) args.push("-v", options.voice);
  if (options.wordsPerMinute) args.push("-s", String(options.wordsPerMinute));
  const live = new Set<Child>();

  const synthesize = (text: string): Stream.Stream<TtsAudio, TtsError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const child = yield* Effect.acquireRelease(
          Effect.try({
            try: () => {
              const c = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
              live.add(c);
              return c;
            },
            catch: (cause) => new TtsError({ adapter: NAME, message: describe(cause) }),
          }),
          (c) =>
            Effect.sync(() => {
              live.delete(c);
              if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
            }),
        );
        const exited = new Promise<{ code: number | null; error?: string }>((resolve) => {
          child.once("error", (err) => resolve({ code: null, error: describe(err) }));
          child.once("close", (code) => resolve({ code }));
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(`${text.replace(/\s+/g, " ")}\n`);
        child.stderr.resume();

        let header: { sampleRate: number; channels: number } | undefined;
        let pending = new Uint8Array(0);
        const decode = (chunk: Uint8Array): Effect.Effect<TtsAudio[], TtsError> => {
          const merged = new Uint8Array(pending.length + chunk.length);
          merged.set(pending);
          merged.set(chunk, pending.length);
          let body = merged;
          if (!header) {
            const parsed = parseWavHeader(merged);
            if (parsed instanceof VoiceAudioError)
              return Effect.fail(new TtsError({ adapter: NAME, message: parsed.message }));
            if (!parsed) {
              pending = merged;
              return Effect.succeed([]);
            }
            header = { sampleRate: parsed.sampleRate, channels: parsed.channels };
            body = merged.subarray(parsed.dataOffset);
          }
          const even = body.length - (body.length % 2);
          pending = body.slice(even);
          if (even === 0) return Effect.succeed([]);
          return Effect.succeed([{ sampleRate: header.sampleRate, samples: bytesToInt16(body.subarray(0, even)) }]);
        };
        const audio = Stream.fromAsyncIterable(
          child.stdout as AsyncIterable<Uint8Array>,
          (cause) => new TtsError({ adapter: NAME, message: describe(cause) }),
        ).pipe(Stream.mapEffect(decode), Stream.flattenIterable);
        const check = Stream.fromEffectDrain(
          Effect.gen(function* () {
            const result = yield* Effect.promise(() => exited);
            if (result.error !== undefined || result.code !== 0) {
              return yield* new TtsError({
                adapter: NAME,
                message: result.error ?? `espeak-ng exited with code ${String(result.code)}`,
              });
            }
            if (!header) return yield* new TtsError({ adapter: NAME, message: "espeak-ng produced no audio" });
          }),
        );
        return Stream.concat(audio, check);
      }),
    );

  return {
    name: NAME,
    synthesize,
    running: () => live.size,
    close: Effect.sync(() => {
      for (const c of live) c.kill("SIGKILL");
      live.clear();
    }),
  };
}

/** Speaks `text` into one PCM buffer (tests, CLI). */
export const speakToPcm = (text: string, options: EspeakOptions = {}): Effect.Effect<TtsAudio, TtsError> =>
  Stream.runCollect(espeakTts(options).synthesize(text)).pipe(
    Effect.map((chunks) => {
      const list = Array.from(chunks);
      const total = list.reduce((n, c) => n + c.samples.length, 0);
      const samples = new Int16Array(total);
      let o = 0;
      for (const c of list) {
        samples.set(c.samples, o);
        o += c.samples.length;
      }
      return { sampleRate: list[0]?.sampleRate ?? 22_050, samples };
    }),
  );
