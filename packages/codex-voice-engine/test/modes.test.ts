import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptedAgent } from "../src/agent/scripted.ts";
import { startVoiceSession, VoiceSessionError } from "../src/api.ts";
import { ENGINE_RATE, resample, toFrames } from "../src/audio/pcm.ts";
import type { TurnMode } from "../src/gate.ts";
import { espeakTts } from "../src/node/espeak.ts";
import { pocketsphinxStt, warmUp } from "../src/node/pocketsphinx.ts";
import { feed, isType, nextEvent, recordEvents, silenceFrames, sleep, spokenFrames } from "./helpers.ts";

describe("turn modes, resampling and settings", () => {
  const stt = pocketsphinxStt();
  let approve: Int16Array[];
  beforeAll(async () => {
    await Effect.runPromise(warmUp(stt));
    approve = [...silenceFrames(100), ...(await spokenFrames("approve")), ...silenceFrames(600)];
  });
  afterAll(async () => {
    await Effect.runPromise(stt.close);
  });
  const open = (mode: TurnMode, agent = scriptedAgent()) =>
    startVoiceSession({ stt: { ...stt, close: Effect.void }, tts: espeakTts(), agent, mode, endSilenceMs: 400 });

  it("push-to-talk: speech alone opens no turn; press and release frame the utterance", async () => {
    const session = await open("push-to-talk");
    const events = recordEvents(session);
    await feed(session, approve);
    await sleep(100);
    expect(events.filter(isType("final"))).toHaveLength(0);
    const final = nextEvent(session, isType("final"));
    session.pushToTalk(true);
    await feed(session, approve);
    session.pushToTalk(false);
    expect((await final).text).toBe("approve");
    await session.close();
  }, 60_000);

  it("hybrid: push-to-talk frames turns, VAD speech only barges in", async () => {
    const agent = scriptedAgent({
      reply: () => "A long reply. It has several sentences. And it keeps going for a while.",
      tokensPerSecond: 0,
    });
    const session = await open("hybrid", agent);
    const events = recordEvents(session);
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    session.pushToTalk(true);
    await feed(
      session,
      approve.map((f) => f),
    ); // "approve" under push-to-talk
    session.pushToTalk(false);
    // approve resolves an approval and does not speak; ask for a spoken turn through the same path
    await sleep(50);
    session.pushToTalk(true);
    await feed(session, [...silenceFrames(100), ...(await spokenFrames("run the tests")), ...silenceFrames(200)]);
    session.pushToTalk(false);
    await speaking;
    const barge = nextEvent(session, isType("barge-in"));
    await feed(session, approve); // speech without the button
    expect((await barge).source).toBe("speech");
    await sleep(100);
    // the VAD-detected speech did not open an utterance: only the two push-to-talk finals exist
    expect(events.filter(isType("final")).map((e) => e.text)).toEqual(["approve", "run the tests"]);
    expect(agent.interrupts).toBe(1);
    await session.close();
  }, 60_000);

  it("48 kHz input frames are resampled to 16 kHz and recognised", async () => {
    const session = await open("auto");
    const pcm16 = new Int16Array(approve.length * 320);
    for (const [i, f] of approve.entries()) pcm16.set(f, i * 320);
    const frames48 = toFrames(resample(pcm16, ENGINE_RATE, 48_000), 960);
    const final = nextEvent(session, isType("final"));
    for (let i = 0; i < frames48.length; i += 5) {
      for (const f of frames48.slice(i, i + 5)) session.pushAudioFrame(f, 48_000);
      await sleep(1);
    }
    expect((await final).text).toBe("approve");
    await session.close();
  }, 60_000);

  it("cues: listening and accepted tones play for a command that has no spoken reply", async () => {
    const session = await open("auto");
    const final = nextEvent(session, isType("final"));
    const chunks: Int16Array[] = [];
    const pulling = setInterval(() => {
      const c = session.nextPlaybackChunk();
      if (c) chunks.push(c);
    }, 2);
    await feed(session, approve);
    expect((await final).text).toBe("approve");
    // Wait for the cues to be pulled, not for a fixed time: a busy machine may run the puller late.
    for (let waited = 0; chunks.length < 6 && waited < 10_000; waited += 50) await sleep(50);
    clearInterval(pulling);
    // "approve" is answered without speech: everything audible is the listening + accepted cues. They
    // are mixed, so they overlap when the phrase ends early: at least the listening cue's 120 ms plays.
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(chunks.some((c) => c.some((v) => Math.abs(v) > 3000))).toBe(true);
    await session.close();
  }, 60_000);

  it("plays back at 48 kHz when asked (the rate Opus uses on the phone)", async () => {
    const session = await startVoiceSession({
      stt: { ...stt, close: Effect.void },
      tts: espeakTts(),
      agent: scriptedAgent({ reply: () => "Fine." }),
      playbackRate: 48_000,
      cues: false,
      endSilenceMs: 400,
    });
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    await feed(session, [...silenceFrames(100), ...(await spokenFrames("run the tests")), ...silenceFrames(600)]);
    await speaking;
    const chunk = session.nextPlaybackChunk();
    expect(chunk?.length).toBe(960);
    await session.close();
  }, 60_000);

  it("rejects out-of-range settings with a typed error code", async () => {
    const attempt = startVoiceSession({
      stt,
      tts: espeakTts(),
      agent: scriptedAgent(),
      playbackBufferMs: 5000,
    });
    await expect(attempt).rejects.toBeInstanceOf(VoiceSessionError);
    await expect(attempt).rejects.toMatchObject({ code: "VOICE_CONFIG_INVALID" });
  });
});
