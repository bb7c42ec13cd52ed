// `pnpm --filter @codex-remote/codex-cli-wrapper bench` (part 3), or `node
// --conditions=@codex-remote/source bench/voice.ts`: voice through the laptop's bridge, one run, the
// project beside its baseline as a ratio. All on 127.0.0.1, real espeak-ng, pocketsphinx, opusscript.
//  Project: a phone (ScriptedPhone, in this process) holds to talk and sends espeak-ng's "run the
//    tests" as Opus frames in real time through a real relay process, then stops sending (as the app
//    does); measured: its last frame with sound → the first reply audio frame it receives after it
//    (in practice the engine's "accepted" cue; agent speech follows), and → the backend's
//    user_message.
//  Baseline: the same voice engine, adapters and agent adapter in-process, no relay, no Opus, no
//    bridge: the same frames then real-time silence pushed straight into the session; measured: last
//    speech frame → first playback chunk with sound.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeWav, resample, startVoiceSession, toFrames } from "@codex-remote/codex-voice-engine";
import { opusCodec } from "@codex-remote/codex-voice-engine/opus";
import { createBackend } from "../src/backends/factory.ts";
import { loadSettings } from "../src/config/load.ts";
import { createVoiceAdapters } from "../src/voice/adapters.ts";
import { BackendVoiceAgent } from "../src/voice/backend-agent.ts";
import { tempConfigDir } from "../test/helpers/cli.ts";
import { startLaptop, until } from "../test/helpers/laptop.ts";
import { ScriptedPhone } from "../test/helpers/phone.ts";
import { startRelayProcess } from "../test/helpers/relay-process.ts";

const REPS = Number(process.env.BENCH_VOICE_REPS ?? 5);
const PHRASE = "run the tests";
const log = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spoken(text: string): Int16Array[] {
  const wav = execFileSync("espeak-ng", ["--stdout", text]);
  const audio = decodeWav(new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength));
  if (audio instanceof Error) throw audio;
  return [
    ...Array.from({ length: 10 }, () => new Int16Array(320)),
    ...toFrames(resample(audio.samples, audio.sampleRate, 16_000), 320),
  ];
}

/** Calls `send(frame)` every 20 ms of wall clock (catching up after a late timer); resolves with each send time. */
async function realTime(frames: Int16Array[], send: (f: Int16Array) => void): Promise<number[]> {
  const t0 = performance.now();
  const at: number[] = [];
  for (let i = 0; i < frames.length; i++) {
    const due = t0 + i * 20;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    send(frames[i]!);
    at.push(performance.now());
  }
  return at;
}

const loud = (pcm: Int16Array) => pcm.some((s) => Math.abs(s) > 500);
/** End of speech: the last frame with sound in it (espeak-ng's output ends with some silence). */
const lastLoud = (frames: Int16Array[]) => frames.findLastIndex(loud);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]) => Math.max(...xs);

async function projectOnce(frames: Int16Array[]): Promise<{ firstAudio: number; prompt: number }> {
  const relay = await startRelayProcess({ configDir: tempConfigDir() });
  const settings = loadSettings({}, { CODEX_REMOTE_CONFIG_DIR: tempConfigDir() });
  const laptop = await startLaptop(relay.url, tempConfigDir(), {
    controlGrant: "auto",
    host: { voice: { adapters: () => createVoiceAdapters(settings.voice) } },
  });
  const phone = new ScriptedPhone("bench-phone");
  try {
    await phone.pair((await laptop.transport.pair()).link);
    await phone.requestControl();
    await phone.waitFor(() => phone.controller === phone.deviceId, 10_000, "control");
    await laptop.host.voice!.warmUp();
    const opus = opusCodec(16_000);
    let seq = 0;
    const send = (f: Int16Array) =>
      phone.sendBinary({
        type: "audio",
        streamId: 2,
        sequence: seq++,
        codec: "opus",
        sampleRate: 16_000,
        channels: 1,
        frameDurationUs: 20_000,
        data: opus.encode(f),
      });
    // Arrival times, taken where the frames land (same process, same clock).
    const audioAt: number[] = [];
    const pushAudio = phone.audio.push.bind(phone.audio);
    phone.audio.push = (...f) => {
      audioAt.push(performance.now());
      return pushAudio(...f);
    };
    let promptAt = Number.NaN;
    const pushSeen = laptop.seen.push.bind(laptop.seen);
    laptop.seen.push = (...e) => {
      if (e.some((x) => x.kind === "user_message")) promptAt = performance.now();
      return pushSeen(...e);
    };
    const sent = await realTime(frames, send);
    const endAt = sent[lastLoud(frames)]!;
    // The "listening" cue plays while the user speaks; what counts is the first frame after speech.
    await until(() => !Number.isNaN(promptAt) && audioAt.some((t) => t > endAt), "reply", 60_000);
    const firstAudio = audioAt.find((t) => t > endAt)! - endAt;
    const prompt = promptAt - endAt;
    opus.dispose();
    return { firstAudio, prompt };
  } finally {
    phone.close();
    await laptop.close();
    await relay.stop();
  }
}

async function baselineOnce(frames: Int16Array[]): Promise<{ firstAudio: number; prompt: number }> {
  const settings = loadSettings({}, { CODEX_REMOTE_CONFIG_DIR: tempConfigDir() });
  const { stt, tts } = await createVoiceAdapters(settings.voice);
  const backend = await createBackend("demo");
  await backend.start({ cwd: mkdtempSync(join(tmpdir(), "cr-bench-voice-")), approvalPolicy: "ask" });
  let promptAt = Number.NaN;
  const agent = new BackendVoiceAgent({
    backend,
    sendPrompt: (t) => {
      promptAt = performance.now();
      return backend.sendMessage(t, { source: "voice" });
    },
    answerOldestApproval: () => false,
    interrupt: () => backend.interrupt(),
  });
  const session = await startVoiceSession({ stt, tts, agent, mode: "auto", endSilenceMs: 500, inputQueueMs: 5000 });
  const loudAt: number[] = [];
  const pump = setInterval(() => {
    for (let i = 0; i < 2; i++) {
      const c = session.nextPlaybackChunk();
      if (c && loud(c)) loudAt.push(performance.now());
    }
  }, 20);
  try {
    const silence = Array.from({ length: 60 }, () => new Int16Array(320));
    // The microphone keeps sending: speech, then real-time silence.
    const sent = await realTime([...frames, ...silence], (f) => session.pushAudioFrame(f));
    const endAt = sent[lastLoud(frames)]!;
    await until(() => !Number.isNaN(promptAt) && loudAt.some((t) => t > endAt), "baseline reply", 60_000);
    const firstAt = loudAt.find((t) => t > endAt)!;
    return { firstAudio: firstAt - endAt, prompt: promptAt - endAt };
  } finally {
    clearInterval(pump);
    await backend.interrupt().catch(() => {});
    await session.close();
    await backend.close();
  }
}

const frames = spoken(PHRASE);
log(`3. Voice: "${PHRASE}" spoken (${frames.length * 20} ms incl. 200 ms lead-in), ${REPS} interleaved runs each`);
const project: { firstAudio: number; prompt: number }[] = [];
const baseline: { firstAudio: number; prompt: number }[] = [];
for (let r = 0; r < REPS; r++) {
  baseline.push(await baselineOnce(frames));
  project.push(await projectOnce(frames));
}
const row = (name: string, xs: { firstAudio: number; prompt: number }[]) =>
  `   ${name.padEnd(44)} end of speech → prompt at the backend: median ${median(xs.map((x) => x.prompt)).toFixed(0)} ms (max ${max(xs.map((x) => x.prompt)).toFixed(0)}); → first audio back: median ${median(xs.map((x) => x.firstAudio)).toFixed(0)} ms (max ${max(xs.map((x) => x.firstAudio)).toFixed(0)})`;
log(row("baseline: engine in-process, mic keeps going", baseline));
log(row("phone → relay → bridge → engine → Opus back", project));
log(
  `   ratio (median, phone/bridge vs in-process): prompt ${(median(project.map((x) => x.prompt)) / median(baseline.map((x) => x.prompt))).toFixed(2)}x, first audio ${(median(project.map((x) => x.firstAudio)) / median(baseline.map((x) => x.firstAudio))).toFixed(2)}x`,
);
process.exit(0);
