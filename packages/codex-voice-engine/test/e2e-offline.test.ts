import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptedAgent } from "../src/agent/scripted.ts";
import { startVoiceSession, type VoiceSessionHandle } from "../src/api.ts";
import { DEFAULT_COMMANDS } from "../src/commands.ts";
import { espeakTts } from "../src/node/espeak.ts";
import { pocketsphinxStt, warmUp } from "../src/node/pocketsphinx.ts";
import { feed, isType, nextEvent, player, recordEvents, silenceFrames, spokenFrames } from "./helpers.ts";

const PROMPTS = ["show me the diff", "what changed"];

describe("offline end to end: espeak-ng -> VAD -> pocketsphinx -> scripted agent -> espeak-ng", () => {
  const agent = scriptedAgent({ reply: (p) => `Sure. I will ${p} now.`, firstTokenDelayMs: 20, tokensPerSecond: 200 });
  const stt = pocketsphinxStt({ phrases: [...DEFAULT_COMMANDS.map((c) => c.phrase), ...PROMPTS] });
  let session: VoiceSessionHandle;
  const telemetry: string[] = [];

  beforeAll(async () => {
    await Effect.runPromise(warmUp(stt));
    session = await startVoiceSession({
      stt,
      tts: espeakTts(),
      agent,
      mode: "auto",
      endSilenceMs: 400,
      onTelemetry: (line) => telemetry.push(line),
    });
  });
  afterAll(async () => {
    await session.close();
  });

  it("recognises every phrase and takes its action", async () => {
    const events = recordEvents(session);
    const listener = player(session);
    const phrases = ["run the tests", "approve", "show me the diff", "deny", "read that again", "what changed", "stop"];
    const heard: string[] = [];
    for (const phrase of phrases) {
      const frames = [...silenceFrames(200), ...(await spokenFrames(phrase)), ...silenceFrames(600)];
      const final = nextEvent(session, isType("final"));
      await feed(session, frames);
      heard.push((await final).text);
      // let the reply (if any) play out before the next phrase, so no barge-in happens
      await waitIdle(session);
    }
    listener.stop();
    expect(heard).toEqual(phrases);
    const actions = events.filter(isType("action")).map((e) => e.action);
    expect(actions).toEqual([
      { type: "prompt", text: "run the tests" },
      { type: "approve" },
      { type: "prompt", text: "show me the diff" },
      { type: "deny" },
      { type: "repeat" },
      { type: "prompt", text: "what changed" },
      { type: "stop" },
    ]);
    expect(agent.prompts).toEqual(["run the tests", "show me the diff", "what changed"]);
    expect(agent.approvals).toEqual(["approve", "deny"]);
    // the replies were spoken: playback chunks with real audio came out
    const loud = listener.chunks.filter((c) => c.some((s) => Math.abs(s) > 2000));
    expect(loud.length).toBeGreaterThan(50);
    const turnEnds = events.filter(isType("turn-end"));
    expect(turnEnds.map((e) => e.reply)).toContain("Sure. I will run the tests now.");
    expect(turnEnds.every((e) => !e.interrupted)).toBe(true);
    expect(session.metrics().speech_end_to_final_ms.count).toBe(phrases.length);
    expect(events.filter(isType("partial")).length).toBeGreaterThan(0);
    expect(session.metrics().speech_end_to_first_audio_ms.count).toBe(4);
    expect(telemetry.some((l) => /^\d+\|stt\|final\|chars=\d+/.test(l))).toBe(true);
    expect(telemetry.join("\n")).not.toContain("run the tests");
    expect(session.stats().framesDropped).toBe(0);
  }, 120_000);
});

describe("offline: an approval answered by voice, and the rest of the agent's turn", () => {
  it("speaks what the agent goes on to say after the answer", async () => {
    const agent = scriptedAgent({
      firstTokenDelayMs: 20,
      tokensPerSecond: 200,
      afterApproval: (d) => (d === "approve" ? "Approved. The tests pass." : "Denied. Nothing ran."),
    });
    const stt = pocketsphinxStt({ phrases: DEFAULT_COMMANDS.map((c) => c.phrase) });
    await Effect.runPromise(warmUp(stt));
    const session = await startVoiceSession({ stt, tts: espeakTts(), agent, mode: "auto", endSilenceMs: 400 });
    try {
      const events = recordEvents(session);
      const listener = player(session);
      for (const phrase of ["approve", "deny"]) {
        const ended = nextEvent(session, isType("turn-end"));
        await feed(session, [...silenceFrames(200), ...(await spokenFrames(phrase)), ...silenceFrames(600)]);
        await ended;
        await waitIdle(session);
      }
      listener.stop();
      expect(agent.approvals).toEqual(["approve", "deny"]);
      const turnEnds = events.filter(isType("turn-end"));
      expect(turnEnds.map((e) => e.reply)).toEqual(["Approved. The tests pass.", "Denied. Nothing ran."]);
      expect(turnEnds.every((e) => !e.interrupted && e.heard.length > 0)).toBe(true);
      expect(listener.chunks.filter((c) => c.some((v) => Math.abs(v) > 2000)).length).toBeGreaterThan(10);
    } finally {
      await session.close();
    }
  }, 120_000);
});

async function waitIdle(session: VoiceSessionHandle): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (session.state() === "idle") return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`session stuck in ${session.state()}`);
}
