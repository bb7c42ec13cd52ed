import { Effect, Stream } from "effect";
import type { TtsAdapter, TtsAudio } from "../adapters.ts";
import { bytesToInt16 } from "../audio/pcm.ts";
import { describe, TtsError } from "../errors.ts";

export interface OpenAiTtsOptions {
  readonly apiKey: string;
  /** HTTP base, default https://api.openai.com/v1 (tests point it at a local fake server). */
  readonly baseUrl?: string;
  readonly model?: string;
  readonly voice?: string;
  /** Injected fetch (defaults to the global one). */
  readonly fetch?: typeof fetch;
}

const NAME = "openai-speech";
const PCM_RATE = 24_000;

/**
 * Streaming cloud speech (`POST /audio/speech`, `response_format: "pcm"`: raw 24 kHz s16le mono).
 * Audio chunks are handed on as they arrive; interrupting the stream aborts the request.
 */
export function openAiSpeechTts(options: OpenAiTtsOptions): TtsAdapter {
  const base = (options.baseUrl ?? "https://api.openai.com/v1").replace(/\/$/, "");
  const doFetch = options.fetch ?? fetch;

  const synthesize = (text: string): Stream.Stream<TtsAudio, TtsError> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const controller = yield* Effect.acquireRelease(
          Effect.sync(() => new AbortController()),
          (c) => Effect.sync(() => c.abort()),
        );
        const response = yield* Effect.tryPromise({
          try: () =>
            doFetch(`${base}/audio/speech`, {
              method: "POST",
              headers: { Authorization: `Bearer ${options.apiKey}`, "Content-Type": "application/json" },
              body: JSON.stringify({
                model: options.model ?? "gpt-4o-mini-tts",
                voice: options.voice ?? "alloy",
                input: text,
                response_format: "pcm",
              }),
              signal: controller.signal,
            }),
          catch: (cause) => new TtsError({ adapter: NAME, message: describe(cause) }),
        });
        if (!response.ok || !response.body) {
          return yield* new TtsError({ adapter: NAME, message: `speech request failed with HTTP ${response.status}` });
        }
        const body = response.body;
        let carry: Uint8Array = new Uint8Array(0);
        return Stream.fromReadableStream({
          evaluate: () => body,
          onError: (cause) => new TtsError({ adapter: NAME, message: describe(cause) }),
        }).pipe(
          Stream.map((chunk: Uint8Array) => {
            const merged = new Uint8Array(carry.length + chunk.length);
            merged.set(carry);
            merged.set(chunk, carry.length);
            const even = merged.length - (merged.length % 2);
            carry = merged.slice(even);
            return { sampleRate: PCM_RATE, samples: bytesToInt16(merged.subarray(0, even)) };
          }),
          Stream.filter((a) => a.samples.length > 0),
        );
      }),
    );

  return { name: NAME, synthesize, close: Effect.void };
}
