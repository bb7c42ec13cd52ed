import { Effect } from "effect";
import { z } from "zod";
import type { SttAdapter, SttStream } from "../adapters.ts";
import { ENGINE_RATE, int16ToBytes, resample, toBase64 } from "../audio/pcm.ts";
import { SttError } from "../errors.ts";

export interface OpenAiSttOptions {
  readonly apiKey: string;
  /** WebSocket base, default wss://api.openai.com/v1 (tests point it at a local fake server). */
  readonly baseUrl?: string;
  readonly model?: string;
  readonly language?: string;
  /** Milliseconds to wait for the transcript after the utterance ends. */
  readonly finalTimeoutMs?: number;
}

const NAME = "openai-realtime";
const REALTIME_RATE = 24_000;

/** Server events we act on; everything else is ignored. Parsed with zod: the network is outside input. */
const ServerEvent = z.union([
  z.object({ type: z.literal("conversation.item.input_audio_transcription.delta"), delta: z.string() }),
  z.object({ type: z.literal("conversation.item.input_audio_transcription.completed"), transcript: z.string() }),
  z.object({
    type: z.literal("error"),
    error: z.object({ message: z.string().optional(), code: z.string().nullish() }),
  }),
  z.object({ type: z.string() }),
]);

const isNode = () => typeof process === "object" && typeof process.versions?.node === "string";

function connect(url: string, apiKey: string): WebSocket {
  if (isNode()) {
    // Node's WebSocket (undici) accepts headers; keeps the key out of the subprotocol list.
    return new WebSocket(url, {
      headers: { Authorization: `Bearer ${apiKey}`, "OpenAI-Beta": "realtime=v1" },
    } as never);
  }
  return new WebSocket(url, ["realtime", `openai-insecure-api-key.${apiKey}`, "openai-beta.realtime-v1"]);
}

/**
 * Streaming cloud transcription over the OpenAI Realtime API (transcription intent): one WebSocket
 * per utterance, opened when speech starts, audio appended as base64 pcm16 at 24 kHz, committed at
 * end of speech; the transcript arrives as deltas then `completed`.
 */
export function openAiRealtimeStt(options: OpenAiSttOptions): SttAdapter {
  const base = (options.baseUrl ?? "wss://api.openai.com/v1").replace(/\/$/, "");
  const url = `${base}/realtime?intent=transcription`;
  const live = new Set<WebSocket>();

  const start = (onPartial: (text: string) => void): Effect.Effect<SttStream, SttError> =>
    Effect.sync(() => {
      const ws = connect(url, options.apiKey);
      live.add(ws);
      const pending: string[] = [];
      let failure: SttError | undefined;
      let partial = "";
      let settle: ((r: { text: string } | { error: SttError }) => void) | undefined;
      let result: { text: string } | { error: SttError } | undefined;
      const done = (r: { text: string } | { error: SttError }) => {
        if (result) return;
        result = r;
        settle?.(r);
        live.delete(ws);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
      };
      const send = (msg: object) => {
        const text = JSON.stringify(msg);
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
        else pending.push(text);
      };
      const fail = (message: string) => {
        failure = new SttError({ adapter: NAME, message });
        done({ error: failure });
      };
      ws.addEventListener("open", () => {
        for (const m of pending.splice(0)) ws.send(m);
      });
      ws.addEventListener("error", () => fail("websocket error"));
      ws.addEventListener("close", (ev) => {
        if (!result) fail(`websocket closed (${ev.code})`);
      });
      ws.addEventListener("message", (ev) => {
        if (typeof ev.data !== "string") return;
        let json: unknown;
        try {
          json = JSON.parse(ev.data);
        } catch {
          return;
        }
        const parsed = ServerEvent.safeParse(json);
        if (!parsed.success) return;
        const msg = parsed.data;
        if (msg.type === "conversation.item.input_audio_transcription.delta" && "delta" in msg) {
          partial += msg.delta;
          onPartial(partial);
        } else if (msg.type === "conversation.item.input_audio_transcription.completed" && "transcript" in msg) {
          done({ text: msg.transcript.trim() });
        } else if (msg.type === "error" && "error" in msg) {
          fail(msg.error.message ?? msg.error.code ?? "server error");
        }
      });
      send({
        type: "transcription_session.update",
        session: {
          input_audio_format: "pcm16",
          input_audio_transcription: {
            model: options.model ?? "gpt-4o-transcribe",
            ...(options.language ? { language: options.language } : {}),
          },
          turn_detection: null,
        },
      });
      let open = true;
      const stream: SttStream = {
        push(frame) {
          if (!open || failure) return;
          const audio = toBase64(int16ToBytes(resample(frame, ENGINE_RATE, REALTIME_RATE)));
          send({ type: "input_audio_buffer.append", audio });
        },
        finish: Effect.callback<string, SttError>((resume) => {
          open = false;
          const deliver = (r: { text: string } | { error: SttError }) =>
            resume("text" in r ? Effect.succeed(r.text) : Effect.fail(r.error));
          if (result) return deliver(result);
          const timer = setTimeout(() => fail("no transcript before the deadline"), options.finalTimeoutMs ?? 10_000);
          settle = (r) => {
            clearTimeout(timer);
            deliver(r);
          };
          send({ type: "input_audio_buffer.commit" });
          return Effect.sync(() => clearTimeout(timer));
        }),
        cancel: Effect.sync(() => {
          open = false;
          done({ text: "" });
        }),
      };
      return stream;
    });

  return {
    name: NAME,
    start,
    close: Effect.sync(() => {
      for (const ws of live) ws.close();
      live.clear();
    }),
  };
}
