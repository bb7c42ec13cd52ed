import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCue } from "../src/audio/cues.ts";
import { levelDb, Reframer, resample } from "../src/audio/pcm.ts";
import { decodeWav, encodeWav } from "../src/audio/wav.ts";
import { SentenceChunker } from "../src/chunker.ts";
import { commandGrammar, DEFAULT_COMMANDS, matchCommand } from "../src/commands.ts";
import { TurnGate } from "../src/gate.ts";
import { Histogram, telemetryLine } from "../src/metrics.ts";
import { heardText } from "../src/session/playback.ts";
import { energyVad } from "../src/vad/energy.ts";

const speechy = (amp: number) => Int16Array.from({ length: 320 }, (_, i) => Math.round(Math.sin(i / 3) * amp));
const quiet = () => new Int16Array(320);

describe("turn gate", () => {
  const opts = { mode: "auto" as const, minSpeechMs: 60, endSilenceMs: 100, preRollMs: 40, maxUtteranceMs: 1000 };
  it("opens after minimum speech with pre-roll, closes after end silence", () => {
    const gate = new TurnGate(opts);
    const types: string[] = [];
    let preRoll = -1;
    const run = (frame: Int16Array, speech: boolean) =>
      gate.push(frame, speech).forEach((e) => {
        types.push(e.type);
        if (e.type === "start") preRoll = e.preRoll.length;
      });
    run(quiet(), false);
    run(speechy(8000), true);
    run(speechy(8000), true);
    expect(types).toEqual([]);
    run(speechy(8000), true);
    expect(types).toEqual(["onset", "start"]);
    expect(preRoll).toBe(2);
    for (let i = 0; i < 5; i++) run(quiet(), false);
    expect(types.filter((t) => t === "end")).toHaveLength(1);
    expect(types.filter((t) => t === "audio")).toHaveLength(5);
  });
  it("reports a barge-in onset before the utterance start and tolerates one short dip", () => {
    const gate = new TurnGate({ ...opts, bargeInMinSpeechMs: 40 });
    const verdicts = [false, true, true, false, true, true];
    const seen = verdicts.map((v) => gate.push(v ? speechy(8000) : quiet(), v).map((e) => e.type));
    expect(seen[2]).toEqual(["onset"]);
    expect(seen[4]).toEqual(["start"]); // 3 of the last 4 frames voiced, despite the dip
  });
  it("ends sooner once the utterance is known complete, and forgets that for the next one", () => {
    const gate = new TurnGate({ ...opts, endSilenceMs: 400 });
    const endsAfter = (shorten: boolean) => {
      for (let i = 0; i < 3; i++) gate.push(speechy(8000), true);
      if (shorten) gate.shortenEnd(100);
      for (let i = 1; i <= 30; i++) if (gate.push(quiet(), false).some((e) => e.type === "end")) return i * 20;
      return -1;
    };
    expect(endsAfter(true)).toBe(100);
    expect(endsAfter(false)).toBe(400);
  });
  it("push-to-talk opens and closes on the button only", () => {
    const gate = new TurnGate({ ...opts, mode: "push-to-talk" });
    for (let i = 0; i < 5; i++) expect(gate.push(speechy(8000), true).some((e) => e.type === "start")).toBe(false);
    expect(gate.pushToTalk(true)[0]?.type).toBe("start");
    for (let i = 0; i < 10; i++) expect(gate.push(quiet(), false).some((e) => e.type === "end")).toBe(false);
    expect(gate.pushToTalk(false)[0]?.type).toBe("end");
  });
  it("cuts an utterance at the maximum length", () => {
    const gate = new TurnGate({ ...opts, maxUtteranceMs: 200 });
    const all = Array.from({ length: 20 }, () => gate.push(speechy(8000), true)).flat();
    expect(all.some((e) => e.type === "end" && e.reason === "max-length")).toBe(true);
  });
});

describe("energy VAD", () => {
  it("is deterministic and follows sensitivity", () => {
    const a = energyVad();
    const b = energyVad();
    const frames = [quiet(), speechy(200), speechy(6000), quiet(), speechy(6000)];
    expect(frames.map((f) => a.isSpeech(f))).toEqual(frames.map((f) => b.isSpeech(f)));
    expect(energyVad({ sensitivity: 0.5 }).isSpeech(speechy(6000))).toBe(true);
    expect(energyVad({ sensitivity: 0.5 }).isSpeech(speechy(50))).toBe(false);
    expect(energyVad({ sensitivity: 0 }).isSpeech(speechy(600))).toBe(false);
    expect(energyVad({ sensitivity: 1 }).isSpeech(speechy(600))).toBe(true);
  });
});

describe("sentence chunker", () => {
  it("releases sentences as tokens arrive and flushes the rest", () => {
    const c = new SentenceChunker();
    expect(c.push("Hello")).toEqual([]);
    expect(c.push(" there.")).toEqual([]);
    expect(c.push(" How")).toEqual(["Hello there."]);
    expect(c.push(" are you? Fine")).toEqual(["How are you?"]);
    expect(c.flush()).toEqual(["Fine"]);
  });
  it("splits a long sentence at a clause boundary", () => {
    const c = new SentenceChunker(40);
    const out = c.push("one two three four five six, seven eight nine ten eleven twelve thirteen");
    expect(out[0]).toBe("one two three four five six,");
  });
});

describe("voice commands", () => {
  it("maps phrases to actions and everything else to a prompt", () => {
    expect(matchCommand("Approve", DEFAULT_COMMANDS)).toEqual({ type: "approve" });
    expect(matchCommand("read that again", DEFAULT_COMMANDS)).toEqual({ type: "repeat" });
    expect(matchCommand("stop!", DEFAULT_COMMANDS)).toEqual({ type: "stop" });
    expect(matchCommand("fix the bug", DEFAULT_COMMANDS)).toEqual({ type: "prompt", text: "fix the bug" });
    expect(matchCommand("  ", DEFAULT_COMMANDS)).toBeUndefined();
  });
  it("generates a closed JSGF grammar", () => {
    expect(commandGrammar(["Approve", "run the tests", "approve"])).toBe(
      "#JSGF V1.0;\ngrammar commands;\npublic <command> = approve | run the tests;\n",
    );
  });
});

describe("audio helpers", () => {
  it("resamples, reframes and round-trips WAV", () => {
    const tone = Int16Array.from({ length: 22050 }, (_, i) =>
      Math.round(Math.sin((2 * Math.PI * 440 * i) / 22050) * 10000),
    );
    const r = resample(tone, 22050, 16000);
    expect(r.length).toBe(16000);
    expect(Math.abs(levelDb(r) - levelDb(tone))).toBeLessThan(0.5);
    const reframer = new Reframer(320);
    expect(reframer.push(r.subarray(0, 500))).toHaveLength(1);
    expect(reframer.flush()).toHaveLength(1);
    const wav = decodeWav(encodeWav({ sampleRate: 16000, samples: r }));
    expect(wav).toMatchObject({ sampleRate: 16000 });
    expect("samples" in wav && Array.from(wav.samples)).toEqual(Array.from(r));
  });
  it("renders distinct, audible cues", () => {
    for (const name of ["listening", "accepted", "thinking", "error"] as const) {
      const cue = renderCue(name, 16000);
      expect(cue.length).toBeGreaterThan(800);
      expect(levelDb(cue)).toBeGreaterThan(-30);
    }
  });
  it("tells what was heard from the samples actually played", () => {
    const s = (text: string, synthesized: number, played: number, complete = true) => ({
      text,
      synthesizedSamples: synthesized,
      playedSamples: played,
      complete,
    });
    expect(heardText([s("One two.", 100, 100), s("Three four five six.", 100, 50), s("Seven.", 100, 0)])).toBe(
      "One two. Three four",
    );
  });
});

describe("metrics", () => {
  it("summarises a histogram and formats telemetry lines", () => {
    const h = new Histogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    expect(h.summary()).toMatchObject({ count: 100, p50: 50, p95: 95, max: 100 });
    expect(telemetryLine(1700, "stt", "final", { chars: 12, a: "x|y" })).toBe("1700|stt|final|chars=12,a=x_y");
  });
});

describe("platform neutrality", () => {
  it("the core entry point reaches no node: module", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:import|export)[^"']*?from\s+["']([^"']+)["']/g)) {
        const spec = m[1] ?? "";
        expect(spec.startsWith("node:"), `${file} imports ${spec}`).toBe(false);
        expect(["fs", "path", "child_process", "os"].includes(spec), `${file} imports ${spec}`).toBe(false);
        if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      }
    };
    const src = join(import.meta.dirname, "..", "src");
    visit(join(src, "index.ts"));
    visit(join(src, "vad", "fvad.ts"));
    visit(join(src, "cloud", "index.ts"));
    expect(seen.size).toBeGreaterThan(10);
  });
});
