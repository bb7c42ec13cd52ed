#!/usr/bin/env node
/**
 * codex-voice simulate --in speech.wav --out reply.wav [--stt pocketsphinx|openai] [--tts espeak|openai]
 *   [--agent scripted] [--mode auto|push-to-talk|hybrid] [--phrases "a,b"] [--realtime] [--telemetry]
 * Runs the voice pipeline on a file and prints the transcripts, the metrics and the counters.
 */
import { parseArgs } from "node:util";
import { Effect } from "effect";
import { z } from "zod";
import type { SttAdapter, TtsAdapter } from "./adapters.ts";
import { scriptedAgent } from "./agent/scripted.ts";
import { openAiRealtimeStt } from "./cloud/openai-realtime-stt.ts";
import { openAiSpeechTts } from "./cloud/openai-speech-tts.ts";
import { DEFAULT_COMMANDS } from "./commands.ts";
import { formatSummary } from "./metrics.ts";
import { espeakTts } from "./node/espeak.ts";
import { pocketsphinxStt, warmUp } from "./node/pocketsphinx.ts";
import { simulate } from "./node/simulate.ts";
import { readWavFile, writeWavFile } from "./node/wav-file.ts";

const Args = z.object({
  command: z.literal("simulate"),
  in: z.string().min(1),
  out: z.string().min(1),
  stt: z.enum(["pocketsphinx", "openai"]).default("pocketsphinx"),
  tts: z.enum(["espeak", "openai"]).default("espeak"),
  agent: z.enum(["scripted"]).default("scripted"),
  mode: z.enum(["auto", "push-to-talk", "hybrid"]).default("auto"),
  phrases: z.string().optional(),
  "end-silence-ms": z.coerce.number().int().optional(),
  "openai-base-url": z.string().optional(),
  realtime: z.boolean().default(false),
  telemetry: z.boolean().default(false),
});
const Env = z.object({ OPENAI_API_KEY: z.string().min(1).optional() });

const USAGE =
  "usage: codex-voice simulate --in speech.wav --out reply.wav [--stt pocketsphinx|openai] [--tts espeak|openai] [--agent scripted] [--mode auto|push-to-talk|hybrid] [--phrases 'a,b'] [--end-silence-ms N] [--realtime] [--telemetry]";

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      in: { type: "string" },
      out: { type: "string" },
      stt: { type: "string" },
      tts: { type: "string" },
      agent: { type: "string" },
      mode: { type: "string" },
      phrases: { type: "string" },
      "end-silence-ms": { type: "string" },
      "openai-base-url": { type: "string" },
      realtime: { type: "boolean" },
      telemetry: { type: "boolean" },
      help: { type: "boolean" },
    },
  });

async function main(argv: string[]): Promise<number> {
  let cli: ReturnType<typeof parse>;
  try {
    cli = parse(argv);
  } catch (error) {
    console.error(`codex-voice: ${error instanceof Error ? error.message : "bad arguments"}`);
    console.error(USAGE);
    return 2;
  }
  const { values, positionals } = cli;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = Args.safeParse({ ...values, command: positionals[0] });
  if (!parsed.success) {
    console.error(`codex-voice: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    console.error(USAGE);
    return 2;
  }
  const args = parsed.data;
  const env = Env.parse(process.env);
  const needsKey = args.stt === "openai" || args.tts === "openai";
  if (needsKey && !env.OPENAI_API_KEY) {
    console.error("codex-voice: the openai adapters need OPENAI_API_KEY");
    return 2;
  }
  const key = env.OPENAI_API_KEY ?? "";
  const base = args["openai-base-url"];
  const wsBase = base?.replace(/^http/, "ws");
  const phrases = args.phrases?.split(",").map((p) => p.trim()) ?? DEFAULT_COMMANDS.map((c) => c.phrase);
  const ps = args.stt === "pocketsphinx" ? pocketsphinxStt({ phrases }) : undefined;
  const stt: SttAdapter = ps ?? openAiRealtimeStt({ apiKey: key, ...(wsBase ? { baseUrl: wsBase } : {}) });
  const tts: TtsAdapter =
    args.tts === "espeak" ? espeakTts() : openAiSpeechTts({ apiKey: key, ...(base ? { baseUrl: base } : {}) });
  if (ps) await Effect.runPromise(warmUp(ps));
  const input = await Effect.runPromise(readWavFile(args.in));
  const result = await simulate({
    input,
    stt,
    tts,
    agent: scriptedAgent(),
    mode: args.mode,
    realtime: args.realtime,
    ...(args["end-silence-ms"] ? { endSilenceMs: args["end-silence-ms"] } : {}),
    ...(args.telemetry ? { onTelemetry: (line: string) => console.log(line) } : {}),
  });
  await Effect.runPromise(writeWavFile(args.out, result.reply));
  for (const t of result.transcripts) console.log(`final: ${t}`);
  console.log(formatSummary(result.metrics));
  const s = result.stats;
  console.log(
    `frames_in=${s.framesIn} frames_dropped=${s.framesDropped} utterances=${s.utterances} turns=${s.turns} barge_ins=${s.bargeIns} errors=${s.errors}`,
  );
  console.log(`reply: ${args.out} (${(result.reply.samples.length / result.reply.sampleRate).toFixed(2)} s)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`codex-voice: ${error instanceof Error ? error.message : "failed"}`);
    process.exit(1);
  },
);
