import { Effect, Stream } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptedAgent } from "../src/agent/scripted.ts";
import { startVoiceSession } from "../src/api.ts";
import { openAiRealtimeStt, openAiSpeechTts } from "../src/cloud/index.ts";
import { pocketsphinxStt, warmUp } from "../src/node/pocketsphinx.ts";
import { type FakeOpenAi, startFakeOpenAi } from "./fake-openai.ts";
import { feed, isType, nextEvent, recordEvents, silenceFrames, sleep, spokenFrames } from "./helpers.ts";

const KEY = "sk-test-local-only";

describe("cloud adapters against a local server speaking the OpenAI protocol", () => {
  const recogniser = pocketsphinxStt();
  let fake: FakeOpenAi;
  beforeAll(async () => {
    await Effect.runPromise(warmUp(recogniser));
    fake = await startFakeOpenAi(KEY, recogniser);
  });
  afterAll(async () => {
    await fake.close();
    await Effect.runPromise(recogniser.close);
  });

  it("streams speech from /audio/speech as 24 kHz pcm", async () => {
    const tts = openAiSpeechTts({ apiKey: KEY, baseUrl: fake.httpBase });
    const chunks = Array.from(await Effect.runPromise(Stream.runCollect(tts.synthesize("Hello there."))));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.sampleRate === 24_000)).toBe(true);
    const total = chunks.reduce((n, c) => n + c.samples.length, 0);
    expect(total).toBeGreaterThan(12_000);
    expect(fake.log).toContain("speech:Hello there.");
  });

  it("a bad key is a typed TTS error", async () => {
    const tts = openAiSpeechTts({ apiKey: "wrong", baseUrl: fake.httpBase });
    const exit = await Effect.runPromiseExit(Stream.runCollect(tts.synthesize("Hi.")));
    expect(exit._tag).toBe("Failure");
    expect(JSON.stringify(exit)).toContain("VOICE_TTS_FAILED");
  });

  it("a whole session runs on the cloud adapters: realtime transcription, agent, streamed speech", async () => {
    const agent = scriptedAgent({ reply: () => "Running them now." });
    const session = await startVoiceSession({
      stt: openAiRealtimeStt({ apiKey: KEY, baseUrl: fake.wsBase }),
      tts: openAiSpeechTts({ apiKey: KEY, baseUrl: fake.httpBase }),
      agent,
      endSilenceMs: 400,
    });
    const events = recordEvents(session);
    const utterance = [...silenceFrames(100), ...(await spokenFrames("run the tests")), ...silenceFrames(600)];
    const done = nextEvent(session, isType("turn-end"));
    const pulling = setInterval(() => {
      for (let i = 0; i < 5; i++) session.nextPlaybackChunk();
    }, 2);
    await feed(session, utterance);
    const end = await done;
    clearInterval(pulling);
    expect(events.filter(isType("final")).map((e) => e.text)).toEqual(["run the tests"]);
    expect(events.filter(isType("partial")).length).toBeGreaterThan(0);
    expect(agent.prompts).toEqual(["run the tests"]);
    expect(end.reply).toBe("Running them now.");
    expect(end.heard).toBe("Running them now.");
    expect(fake.log).toContain("realtime:commit:true");
    expect(fake.log).toContain("speech:Running them now.");

    // a server-side transcription error: typed, and the next utterance works
    fake.failNextTranscription();
    const error = nextEvent(session, isType("error"));
    await feed(session, utterance);
    expect((await error).error.code).toBe("VOICE_STT_FAILED");
    await sleep(20);
    const final = nextEvent(session, isType("final"));
    await feed(session, utterance);
    expect((await final).text).toBe("run the tests");
    await session.close();
  }, 60_000);

  it("a refused connection is a typed STT error", async () => {
    const stt = openAiRealtimeStt({ apiKey: "wrong", baseUrl: fake.wsBase });
    const exit = await Effect.runPromiseExit(
      Effect.gen(function* () {
        const s = yield* stt.start(() => undefined);
        s.push(new Int16Array(320));
        return yield* s.finish;
      }),
    );
    expect(exit._tag).toBe("Failure");
    expect(JSON.stringify(exit)).toContain("VOICE_STT_FAILED");
  });
});
