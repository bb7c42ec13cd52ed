import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptedAgent, tokenize } from "../src/agent/scripted.ts";
import { startVoiceSession } from "../src/api.ts";
import { espeakTts } from "../src/node/espeak.ts";
import { pocketsphinxStt, warmUp } from "../src/node/pocketsphinx.ts";
import { feed, isType, nextEvent, recordEvents, silenceFrames, sleep, spokenFrames } from "./helpers.ts";

const LONG_REPLY = Array.from({ length: 30 }, (_, i) => `This is sentence number ${i + 1} of a long answer.`).join(" ");

describe("barge-in, backpressure and cancellation (real espeak-ng and pocketsphinx, scripted agent)", () => {
  const stt = pocketsphinxStt();
  let runTests: Int16Array[];
  let stop: Int16Array[];
  beforeAll(async () => {
    await Effect.runPromise(warmUp(stt));
    runTests = [...silenceFrames(100), ...(await spokenFrames("run the tests")), ...silenceFrames(600)];
    stop = await spokenFrames("stop");
  });
  afterAll(async () => {
    await Effect.runPromise(stt.close);
  });

  const open = (agent = scriptedAgent({ reply: () => LONG_REPLY, tokensPerSecond: 0 })) => {
    const tts = espeakTts();
    return startVoiceSession({
      stt: { ...stt, close: Effect.void },
      tts,
      agent,
      cues: false,
      endSilenceMs: 400,
    }).then((session) => ({ session, agent, tts }));
  };

  it("speech while the agent speaks stops playback at once, cancels TTS, interrupts the agent, records what was heard", async () => {
    const { session, agent, tts } = await open();
    const events = recordEvents(session);
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    await feed(session, runTests);
    await speaking;
    // the listener hears about a second of the reply
    let played = 0;
    while (played < 50) {
      if (session.nextPlaybackChunk()) played++;
      else await sleep(5);
    }
    // a synthesis is in flight, held back by the full playback buffer
    expect(tts.running()).toBeGreaterThan(0);
    const bargeIn = nextEvent(session, isType("barge-in"));
    const final = nextEvent(session, isType("final"));
    await feed(session, [...stop, ...silenceFrames(600)]);
    const barge = await bargeIn;
    expect(barge.source).toBe("speech");
    expect(barge.heard.length).toBeGreaterThan(0);
    expect(LONG_REPLY.startsWith(barge.heard.replace(/\s+/g, " ").slice(0, 20))).toBe(true);
    expect(barge.heard.length).toBeLessThan(LONG_REPLY.length / 2);
    // silent right away: no agent audio after the barge-in (cues are off in this session)
    expect(session.nextPlaybackChunk()).toBeUndefined();
    expect((await final).text).toBe("stop");
    await sleep(50);
    expect(agent.interrupts).toBe(1);
    expect(tts.running()).toBe(0); // the espeak-ng process was killed
    expect(agent.tokensSent).toBeLessThan(tokenize(LONG_REPLY).length);
    const turnEnd = events.filter(isType("turn-end"));
    expect(turnEnd[0]?.interrupted).toBe(true);
    expect(session.metrics().barge_in_to_silence_ms.count).toBeGreaterThanOrEqual(1);
    await session.close();
  }, 60_000);

  it("bargeIn() silences playback synchronously and the session takes the next utterance", async () => {
    const { session, agent } = await open();
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    await feed(session, runTests);
    await speaking;
    expect(session.nextPlaybackChunk()).toBeDefined();
    session.bargeIn();
    expect(session.nextPlaybackChunk()).toBeUndefined();
    await sleep(50);
    expect(agent.interrupts).toBe(1);
    agent.configure({ reply: () => "Short answer." });
    const turnEnd = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "turn-end" }> => e.type === "turn-end" && !e.interrupted,
    );
    await feed(session, runTests);
    const pulling = setInterval(() => session.nextPlaybackChunk(), 2);
    expect((await turnEnd).reply).toBe("Short answer.");
    clearInterval(pulling);
    expect(agent.prompts).toEqual(["run the tests", "run the tests"]);
    await session.close();
  }, 60_000);

  it("a listener that stops pulling holds TTS back, which holds the agent's tokens back", async () => {
    const { session, agent } = await open();
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    await feed(session, runTests);
    await speaking;
    // nobody pulls: the token count settles once the playback buffer is full
    let held = -1;
    for (let i = 0; i < 100 && held !== agent.tokensSent; i++) {
      held = agent.tokensSent;
      await sleep(250);
    }
    expect(agent.tokensSent).toBe(held);
    expect(held).toBeLessThan(tokenize(LONG_REPLY).length);
    // once pulled, the whole reply streams through and the turn ends normally
    const turnEnd = nextEvent(session, isType("turn-end"), 60_000);
    const pulling = setInterval(() => {
      for (let i = 0; i < 10; i++) session.nextPlaybackChunk();
    }, 2);
    const end = await turnEnd;
    clearInterval(pulling);
    expect(end.interrupted).toBe(false);
    expect(end.heard).toBe(LONG_REPLY);
    expect(agent.tokensSent).toBe(tokenize(LONG_REPLY).length);
    await session.close();
  }, 90_000);

  it("capture never blocks: a burst beyond the input queue drops the oldest frames and counts them", async () => {
    const { session } = await open();
    const frames = silenceFrames(4000); // 200 frames, pushed with no chance for the pipeline to run
    for (const f of frames) session.pushAudioFrame(f);
    expect(session.stats().framesIn).toBe(200);
    expect(session.stats().framesDropped).toBe(150); // the input queue holds 1 s = 50 frames
    await session.close();
  });

  it("close() during a turn interrupts the agent and ends the event stream", async () => {
    const { session, agent } = await open();
    const speaking = nextEvent(
      session,
      (e): e is Extract<typeof e, { type: "state" }> => e.type === "state" && e.state === "speaking",
    );
    const seen: string[] = [];
    const iterating = (async () => {
      for await (const e of session.events()) seen.push(e.type);
    })();
    await feed(session, runTests);
    await speaking;
    await session.close();
    await iterating;
    expect(agent.interrupts).toBe(1);
    expect(session.state()).toBe("closed");
    expect(seen).toContain("final");
    expect(session.nextPlaybackChunk()).toBeUndefined();
  }, 60_000);
});
