import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Effect } from "effect";
import { WebSocketServer } from "ws";
import { z } from "zod";
import type { SttAdapter } from "../src/adapters.ts";
import { bytesToInt16, ENGINE_RATE, fromBase64, int16ToBytes, resample, toFrames } from "../src/audio/pcm.ts";
import { speakToPcm } from "../src/node/espeak.ts";

/**
 * A local stand-in for the OpenAI endpoints, on 127.0.0.1, speaking their wire protocol:
 * Realtime transcription over WebSocket (transcribing for real with the given STT adapter) and
 * streaming `/audio/speech` returning raw 24 kHz pcm (synthesised for real with espeak-ng).
 */
export interface FakeOpenAi {
  readonly wsBase: string;
  readonly httpBase: string;
  readonly log: string[];
  /** Makes the next transcription fail with a Realtime `error` event. */
  failNextTranscription(): void;
  close(): Promise<void>;
}

const ClientEvent = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("transcription_session.update"),
    session: z.object({ input_audio_format: z.literal("pcm16") }),
  }),
  z.object({ type: z.literal("input_audio_buffer.append"), audio: z.string() }),
  z.object({ type: z.literal("input_audio_buffer.commit") }),
]);
const SpeechRequest = z.object({
  model: z.string(),
  voice: z.string(),
  input: z.string(),
  response_format: z.literal("pcm"),
});

export async function startFakeOpenAi(apiKey: string, stt: SttAdapter): Promise<FakeOpenAi> {
  const log: string[] = [];
  let failNext = false;
  const authorised = (req: IncomingMessage) => req.headers.authorization === `Bearer ${apiKey}`;

  const server: Server = createServer(async (req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/audio/speech") {
      res.writeHead(404).end();
      return;
    }
    if (!authorised(req)) {
      log.push("speech:401");
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad key"}}');
      return;
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    const parsed = SpeechRequest.safeParse(JSON.parse(body));
    if (!parsed.success) {
      res.writeHead(400).end();
      return;
    }
    log.push(`speech:${parsed.data.input}`);
    const audio = await Effect.runPromise(speakToPcm(parsed.data.input));
    const pcm24 = int16ToBytes(resample(audio.samples, audio.sampleRate, 24_000));
    res.writeHead(200, { "content-type": "application/octet-stream" });
    // stream in odd-sized pieces, as a real server may split samples across chunks
    for (let i = 0; i < pcm24.length; i += 4801) {
      if (res.destroyed) return;
      res.write(pcm24.subarray(i, i + 4801));
      await new Promise((r) => setTimeout(r, 2));
    }
    res.end();
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/v1/realtime?intent=transcription") || !authorised(req)) {
      log.push("realtime:401");
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const chunks: Int16Array[] = [];
      let configured = false;
      ws.on("message", async (data) => {
        const parsed = ClientEvent.safeParse(JSON.parse(String(data)));
        if (!parsed.success) {
          ws.send(JSON.stringify({ type: "error", error: { message: "unknown event", code: "invalid_event" } }));
          return;
        }
        const msg = parsed.data;
        if (msg.type === "transcription_session.update") {
          configured = true;
          ws.send(JSON.stringify({ type: "transcription_session.updated", session: {} }));
        } else if (msg.type === "input_audio_buffer.append") {
          chunks.push(bytesToInt16(fromBase64(msg.audio)));
        } else {
          log.push(`realtime:commit:${configured}`);
          ws.send(JSON.stringify({ type: "input_audio_buffer.committed", item_id: "item_1" }));
          if (failNext) {
            failNext = false;
            ws.send(
              JSON.stringify({ type: "error", error: { message: "transcription failed", code: "server_error" } }),
            );
            return;
          }
          // transcribe for real: 24 kHz -> 16 kHz -> the offline recogniser
          const total = chunks.reduce((n, c) => n + c.length, 0);
          const all = new Int16Array(total);
          let o = 0;
          for (const c of chunks) {
            all.set(c, o);
            o += c.length;
          }
          const text = await Effect.runPromise(
            Effect.gen(function* () {
              const s = yield* stt.start(() => undefined);
              for (const f of toFrames(resample(all, 24_000, ENGINE_RATE), 320)) s.push(f);
              return yield* s.finish;
            }),
          );
          const words = text.split(" ");
          for (const [i, w] of words.entries()) {
            ws.send(
              JSON.stringify({
                type: "conversation.item.input_audio_transcription.delta",
                item_id: "item_1",
                delta: i === 0 ? w : ` ${w}`,
              }),
            );
          }
          ws.send(
            JSON.stringify({
              type: "conversation.item.input_audio_transcription.completed",
              item_id: "item_1",
              transcript: text,
            }),
          );
        }
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    wsBase: `ws://127.0.0.1:${port}/v1`,
    httpBase: `http://127.0.0.1:${port}/v1`,
    log,
    failNextTranscription() {
      failNext = true;
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
