/**
 * One run, three figures, each beside its target as a ratio (measured / target; ≤ 1 meets it):
 *  1. CPU per stream for VAD + Opus encode, as a fraction of real time (target ≤ 2%).
 *  2. Barge-in: speech onset in the mic stream → first silent playback pull, p95 (target ≤ 100 ms).
 *  3. Local voice-to-voice with the scripted agent answering instantly, p50 (target ≤ 300 ms).
 * Figures 2 and 3 drive the session in real time: one 20 ms mic frame pushed and one 20 ms playback
 * chunk pulled per tick, as a device would; real espeak-ng, pocketsphinx and energy VAD.
 */
import { cpus, loadavg } from "node:os";
import { Effect } from "effect";
import { scriptedAgent } from "../src/agent/scripted.ts";
import { startVoiceSession, type VoiceSessionHandle } from "../src/api.ts";
import { ENGINE_RATE, levelDb, resample, toFrames } from "../src/audio/pcm.ts";
import { Histogram } from "../src/metrics.ts";
import { espeakTts, speakToPcm } from "../src/node/espeak.ts";
import { pocketsphinxStt, warmUp } from "../src/node/pocketsphinx.ts";
import { opusCodec } from "../src/opus.ts";
import { energyVad } from "../src/vad/energy.ts";
import { makeFvad } from "../src/vad/fvad.ts";
import type { VadAdapter } from "../src/vad/types.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const quietFrame = () => new Int16Array(320);

async function frames(text: string): Promise<Int16Array[]> {
  const audio = await Effect.runPromise(speakToPcm(text));
  const all = toFrames(resample(audio.samples, audio.sampleRate, ENGINE_RATE), 320);
  // trim to the voiced part, so frame 0 is the speech onset and the last frame the end of speech
  const voiced = (f: Int16Array) => levelDb(f) > -45;
  const first = all.findIndex(voiced);
  const last = all.length - 1 - [...all].reverse().findIndex(voiced);
  return all.slice(first, last + 1);
}

/** Drift-corrected 20 ms ticks. */
async function ticks(count: number, onTick: (i: number) => boolean | undefined): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    if (onTick(i) === true) return;
    const due = t0 + (i + 1) * 20 - performance.now();
    await sleep(Math.max(0, due));
  }
}

// ---- 1. CPU per stream ---------------------------------------------------------------------------
async function cpuPerStream(label: string, vad: VadAdapter, rate: 16_000 | 48_000, speech: Int16Array[]) {
  const codec = opusCodec(rate);
  const input = rate === ENGINE_RATE ? speech : speech.map((f) => resample(f, ENGINE_RATE, rate));
  // warm up the wasm
  for (const f of input.slice(0, 100)) {
    vad.isSpeech(f.length === 320 ? f : (speech[0] as Int16Array));
    codec.encode(f);
  }
  const seconds = 120;
  const n = (seconds * 1000) / 20;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const f16 = speech[i % speech.length] as Int16Array;
    vad.isSpeech(f16);
    codec.encode(input[i % input.length] as Int16Array);
  }
  const used = process.cpuUsage(start);
  codec.dispose();
  vad.dispose();
  const fraction = (used.user + used.system) / 1000 / (seconds * 1000);
  return { label, fraction };
}

// ---- shared session driver -------------------------------------------------------------------------
interface Clocked {
  session: VoiceSessionHandle;
  stamps: { transcribing?: number; final?: string; idle?: number; speaking?: number };
}

async function waitState(c: Clocked, state: string, maxMs = 20_000): Promise<void> {
  const end = performance.now() + maxMs;
  while (c.session.state() !== state) {
    if (performance.now() > end) throw new Error(`bench: session did not reach ${state} (is ${c.session.state()})`);
    c.session.nextPlaybackChunk();
    await sleep(5);
  }
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((v) => v.toFixed(1))
    .join(" ");
  console.log(`codex-voice-engine bench (one run; ${cpus().length} CPUs, load average ${load})\n`);
  const speech = (
    await Promise.all(["run the tests", "read that again", "show me the diff", "approve"].map(frames))
  ).flatMap((f) => [...f, ...Array.from({ length: 25 }, quietFrame)]);

  const cpu = [
    await cpuPerStream("energy VAD + Opus encode 16 kHz", energyVad(), 16_000, speech),
    await cpuPerStream("WebRTC VAD (fvad) + Opus encode 16 kHz", await Effect.runPromise(makeFvad()), 16_000, speech),
    await cpuPerStream("energy VAD + Opus encode 48 kHz", energyVad(), 48_000, speech),
  ];

  // ---- 2 and 3: real-time sessions ----
  const prompts = ["run the tests", "show me the diff", "what changed", "explain the error", "open the file"];
  const stt = pocketsphinxStt({ phrases: ["approve", "deny", "stop", "read that again", ...prompts] });
  await Effect.runPromise(warmUp(stt));
  const promptFrames = await Promise.all(prompts.map(frames));
  const stopFrames = await frames("stop");
  const endSilenceMs = 300;

  // 2. barge-in
  const bargeAgent = scriptedAgent({
    reply: () => Array.from({ length: 12 }, (_, i) => `Here is a fairly long sentence number ${i + 1}.`).join(" "),
  });
  const barge = await startVoiceSession({
    stt: { ...stt, close: Effect.void },
    tts: espeakTts(),
    agent: bargeAgent,
    cues: false,
    endSilenceMs,
  });
  const bargeHist = new Histogram();
  const engineBarge = new Histogram();
  barge.onEvent((e) => {
    if (e.type === "metric" && e.name === "barge_in_to_silence_ms") engineBarge.record(e.valueMs);
  });
  const bargeTrials = 30;
  for (let t = 0; t < bargeTrials; t++) {
    const c: Clocked = { session: barge, stamps: {} };
    // ask (pushed in real time), then listen to the reply for 300 ms
    const ask = [...(promptFrames[0] as Int16Array[]), ...Array.from({ length: endSilenceMs / 20 + 5 }, quietFrame)];
    await ticks(ask.length, (i) => {
      barge.pushAudioFrame(ask[i] as Int16Array);
      barge.nextPlaybackChunk();
      return undefined;
    });
    await waitState(c, "speaking");
    let onsetAt = 0;
    let measured = false;
    const talk = [
      ...Array.from({ length: 15 }, quietFrame),
      ...stopFrames,
      ...Array.from({ length: endSilenceMs / 20 + 10 }, quietFrame),
    ];
    await ticks(talk.length, (i) => {
      barge.pushAudioFrame(talk[i] as Int16Array);
      if (i === 15) onsetAt = performance.now();
      const chunk = barge.nextPlaybackChunk();
      if (i >= 15 && !measured && chunk === undefined) {
        measured = true;
        bargeHist.record(performance.now() - onsetAt);
      }
      return undefined;
    });
    await waitState(c, "idle");
  }
  await barge.close();

  // 3. voice-to-voice, agent answering at once
  const v2vAgent = scriptedAgent({ reply: () => "Okay, on it.", firstTokenDelayMs: 0, tokensPerSecond: 0 });
  const v2v = await startVoiceSession({
    stt: { ...stt, close: Effect.void },
    tts: espeakTts(),
    agent: v2vAgent,
    cues: false,
    endSilenceMs,
  });
  const fromGate = new Histogram();
  const fromVoice = new Histogram();
  const engineV2v = new Histogram();
  let gateClosedAt = 0;
  const finals: string[] = [];
  v2v.onEvent((e) => {
    if (e.type === "state" && e.state === "transcribing") gateClosedAt = performance.now();
    if (e.type === "final") finals.push(e.text);
    if (e.type === "metric" && e.name === "speech_end_to_first_audio_ms") engineV2v.record(e.valueMs);
  });
  const v2vTrials = 15;
  const expected: string[] = [];
  for (let t = 0; t < v2vTrials; t++) {
    const words = promptFrames[t % promptFrames.length] as Int16Array[];
    expected.push(prompts[t % prompts.length] as string);
    const utter = [...Array.from({ length: 10 }, quietFrame), ...words, ...Array.from({ length: 80 }, quietFrame)];
    const lastVoiced = 10 + words.length - 1;
    let lastVoicedAt = 0;
    let heard = false;
    gateClosedAt = 0;
    await ticks(utter.length, (i) => {
      v2v.pushAudioFrame(utter[i] as Int16Array);
      if (i === lastVoiced) lastVoicedAt = performance.now();
      const chunk = v2v.nextPlaybackChunk();
      if (!heard && chunk !== undefined && i > lastVoiced) {
        heard = true;
        const now = performance.now();
        fromVoice.record(now - lastVoicedAt);
        if (gateClosedAt > 0) fromGate.record(now - gateClosedAt);
      }
      return heard && v2v.state() === "idle";
    });
    await waitState({ session: v2v, stamps: {} }, "idle");
  }
  await v2v.close();
  await Effect.runPromise(stt.close);

  // ---- report ----
  const rows: Array<[string, string, string, string]> = [];
  const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  for (const r of cpu)
    rows.push([`CPU per stream: ${r.label}`, pct(r.fraction), "≤ 2%", (r.fraction / 0.02).toFixed(3)]);
  rows.push([
    `barge-in p95: speech onset → silent playback (n=${bargeHist.count})`,
    ms(bargeHist.quantile(0.95)),
    "≤ 100 ms",
    (bargeHist.quantile(0.95) / 100).toFixed(3),
  ]);
  const bargeMax = bargeHist.summary().max;
  rows.push([`  barge-in max (same)`, ms(bargeMax), "≤ 100 ms", (bargeMax / 100).toFixed(3)]);
  rows.push([
    `  barge-in p50 (same)`,
    ms(bargeHist.quantile(0.5)),
    "≤ 100 ms",
    (bargeHist.quantile(0.5) / 100).toFixed(3),
  ]);
  rows.push([
    `  engine barge_in_to_silence_ms p95 (TTS killed, agent interrupted)`,
    ms(engineBarge.quantile(0.95)),
    "≤ 100 ms",
    (engineBarge.quantile(0.95) / 100).toFixed(3),
  ]);
  rows.push([
    `voice-to-voice p50: end of speech (gate close) → first audio heard (n=${fromGate.count})`,
    ms(fromGate.quantile(0.5)),
    "≤ 300 ms",
    (fromGate.quantile(0.5) / 300).toFixed(3),
  ]);
  rows.push([
    `  engine speech_end_to_first_audio_ms p50 (audio queued)`,
    ms(engineV2v.quantile(0.5)),
    "≤ 300 ms",
    (engineV2v.quantile(0.5) / 300).toFixed(3),
  ]);
  rows.push([
    `  last voiced frame → first audio heard p50 (end silence ${endSilenceMs} ms, 160 ms after a whole phrase)`,
    ms(fromVoice.quantile(0.5)),
    "≤ 300 ms",
    (fromVoice.quantile(0.5) / 300).toFixed(3),
  ]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"figure".padEnd(w0)} | ${"measured".padStart(11)} | ${"target".padStart(8)} | ratio`);
  for (const r of rows) console.log(`${r[0].padEnd(w0)} | ${r[1].padStart(11)} | ${r[2].padStart(8)} | ${r[3]}`);
  const correct = finals.filter((f, i) => f === expected[i]).length;
  console.log(`\nvoice-to-voice transcripts correct: ${correct}/${expected.length} (finals: ${finals.length})`);
  console.log(
    `ticks are 20 ms (a device pulls playback every 20 ms), so real-time figures carry up to 20 ms of tick quantisation.`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
