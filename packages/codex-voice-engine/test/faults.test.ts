import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TtsAdapter } from "../src/adapters.ts";
import { scriptedAgent } from "../src/agent/scripted.ts";
import { startVoiceSession, type VoiceSessionHandle } from "../src/api.ts";
import { espeakTts } from "../src/node/espeak.ts";
import { pocketsphinxStt, warmUp } from "../src/node/pocketsphinx.ts";
import { energyVad } from "../src/vad/energy.ts";
import type { VadAdapter } from "../src/vad/types.ts";
import { feed, isType, nextEvent, silenceFrames, sleep, spokenFrames } from "./helpers.ts";

/** After an error: the error cue is mixed into playback while there is no agent audio. */
async function pullCue(session: VoiceSessionHandle): Promise<number> {
  let loud = 0;
  for (let i = 0; i < 40; i++) {
    const c = session.nextPlaybackChunk();
    if (c?.some((s) => Math.abs(s) > 1000)) loud++;
    await sleep(1);
  }
  return loud;
}

async function settle(session: VoiceSessionHandle): Promise<void> {
  for (let i = 0; i < 3000 && session.state() !== "idle"; i++) {
    session.nextPlaybackChunk();
    await sleep(2);
  }
  expect(session.state()).toBe("idle");
}

describe("fault injection: typed error, error cue, session keeps working", () => {
  const stt = pocketsphinxStt();
  const phrase = (text: string) => spokenFrames(text).then((f) => [...silenceFrames(100), ...f, ...silenceFrames(600)]);
  let approve: Int16Array[];
  let runTests: Int16Array[];
  beforeAll(async () => {
    await Effect.runPromise(warmUp(stt));
    approve = await phrase("approve");
    runTests = await phrase("run the tests");
  });
  afterAll(async () => {
    await Effect.runPromise(stt.close);
  });

  const open = (overrides: { tts?: TtsAdapter; agent?: ReturnType<typeof scriptedAgent> } = {}) => {
    const agent = overrides.agent ?? scriptedAgent({ reply: () => "All good." });
    return startVoiceSession({
      stt: { ...stt, close: Effect.void },
      tts: overrides.tts ?? espeakTts(),
      agent,
      endSilenceMs: 400,
    }).then((session) => ({ session, agent }));
  };

  it("dropped frames: a lossy utterance still ends in a final transcript and the next one is exact", async () => {
    const { session } = await open();
    const lossy = runTests.filter((_, i) => i % 8 !== 3); // 12.5% of frames lost on the way
    const first = nextEvent(session, isType("final"));
    await feed(session, lossy);
    expect(typeof (await first).text).toBe("string");
    await settle(session);
    const second = nextEvent(session, isType("final"));
    await feed(session, approve);
    expect((await second).text).toBe("approve");
    await session.close();
  }, 60_000);

  it("late frames: a gap then a burst gives the same transcript (the gate counts frames, not time)", async () => {
    const { session } = await open();
    const final = nextEvent(session, isType("final"));
    const half = Math.floor(approve.length / 2);
    await feed(session, approve.slice(0, half));
    await sleep(300); // the network stalls...
    for (const f of approve.slice(half, half + 40)) session.pushAudioFrame(f); // ...then delivers late frames at once
    await feed(session, approve.slice(half + 40));
    expect((await final).text).toBe("approve");
    expect(session.stats().framesDropped).toBe(0);
    await session.close();
  }, 60_000);

  it("speech-to-text failure mid-utterance: VOICE_STT_FAILED, error cue, next utterance recognised", async () => {
    const { session } = await open();
    const error = nextEvent(session, isType("error"));
    const half = Math.floor(runTests.length / 2);
    await feed(session, runTests.slice(0, half));
    const pid = stt.pid();
    expect(pid).toBeDefined();
    process.kill(pid as number, "SIGKILL");
    await feed(session, runTests.slice(half));
    const failure = await error;
    expect(failure.error.code).toBe("VOICE_STT_FAILED");
    expect(failure.error.tag).toBe("SttError");
    expect(await pullCue(session)).toBeGreaterThan(0);
    await settle(session);
    const final = nextEvent(session, isType("final"));
    await feed(session, approve);
    expect((await final).text).toBe("approve");
    expect(stt.pid()).not.toBe(pid);
    await session.close();
  }, 60_000);

  it("agent error mid-turn: VOICE_AGENT_FAILED, error cue, the next turn works", async () => {
    const agent = scriptedAgent({
      reply: () => "One two three four.",
      failAfterTokens: 2, // two tokens stream, then the backend fails mid-turn
      failMessage: "backend went away",
    });
    const { session } = await open({ agent });
    const error = nextEvent(session, isType("error"));
    await feed(session, runTests);
    const failure = await error;
    expect(agent.tokensSent).toBe(2);
    expect(failure.error.code).toBe("VOICE_AGENT_FAILED");
    expect(failure.error.message).toBe("backend went away");
    expect(await pullCue(session)).toBeGreaterThan(0);
    await settle(session);
    agent.configure({ reply: () => "Recovered." });
    const done = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "turn-end" }> => e.type === "turn-end" && e.reply === "Recovered.",
    );
    await feed(session, runTests);
    const pulling = setInterval(() => session.nextPlaybackChunk(), 2);
    expect((await done).interrupted).toBe(false);
    clearInterval(pulling);
    await session.close();
  }, 60_000);

  it("a defect on the capture path (a VAD that throws once) is reported and capture goes on", async () => {
    const inner = energyVad();
    let calls = 0;
    const vad: VadAdapter = {
      name: "energy-with-one-fault",
      isSpeech(frame) {
        calls++;
        if (calls === 3) throw new Error("vad blew up");
        return inner.isSpeech(frame);
      },
      reset: () => inner.reset(),
      dispose: () => inner.dispose(),
    };
    const session = await startVoiceSession({
      stt: { ...stt, close: Effect.void },
      tts: espeakTts(),
      agent: scriptedAgent(),
      vad,
      endSilenceMs: 400,
    });
    const error = nextEvent(session, isType("error"));
    const final = nextEvent(session, isType("final"));
    await feed(session, approve);
    expect((await error).error.code).toBe("VOICE_AUDIO_INVALID");
    expect((await final).text).toBe("approve");
    await session.close();
  }, 60_000);

  it("text-to-speech failure: VOICE_TTS_FAILED, error cue, the next turn is spoken", async () => {
    const good = espeakTts();
    const broken = espeakTts({ binary: "/nonexistent/espeak-ng" }); // a missing binary: spawn fails for real
    let failNext = true;
    const tts: TtsAdapter = {
      name: "espeak-ng",
      synthesize: (text) => {
        const use = failNext ? broken : good;
        failNext = false;
        return use.synthesize(text);
      },
      close: good.close,
    };
    const { session } = await open({ tts });
    const error = nextEvent(session, isType("error"));
    await feed(session, runTests);
    const failure = await error;
    expect(failure.error.code).toBe("VOICE_TTS_FAILED");
    expect(failure.error.tag).toBe("TtsError");
    expect(await pullCue(session)).toBeGreaterThan(0);
    await settle(session);
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    await feed(session, runTests);
    await speaking;
    let loud = 0;
    for (let i = 0; i < 200 && loud === 0; i++) {
      if (session.nextPlaybackChunk()?.some((s) => Math.abs(s) > 3000)) loud++;
      await sleep(1);
    }
    expect(loud).toBe(1);
    await session.close();
  }, 60_000);
});
