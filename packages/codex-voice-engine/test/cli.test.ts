import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import { levelDb } from "../src/audio/pcm.ts";
import { decodeWav } from "../src/audio/wav.ts";
import { pocketsphinxStt } from "../src/node/pocketsphinx.ts";
import { startFakeOpenAi } from "./fake-openai.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "codex-voice-cli-"));
const cli = join(import.meta.dirname, "..", "src", "cli.ts");

describe("codex-voice simulate (CLI, node type stripping)", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs a WAV through the offline pipeline, writes the reply and prints the metrics", async () => {
    const speech = join(dir, "speech.wav");
    const reply = join(dir, "reply.wav");
    await run("espeak-ng", ["-m", "-w", speech, "<speak>read that again<break time='1500ms'/>run the tests</speak>"]);
    // a 22.05 kHz file: the CLI resamples; "read that again" has nothing to repeat yet, then a prompt
    const { stdout } = await run(process.execPath, [
      cli,
      "simulate",
      "--in",
      speech,
      "--out",
      reply,
      "--stt",
      "pocketsphinx",
      "--tts",
      "espeak",
      "--agent",
      "scripted",
      "--phrases",
      "run the tests,read that again",
    ]);
    expect(stdout).toContain("final: read that again\nfinal: run the tests");
    expect(stdout).toMatch(/speech_end_to_first_audio_ms\s+n=\s+1 p50=\s+\d+\.\d/);
    expect(stdout).toMatch(/frames_dropped=0/);
    const wav = decodeWav(new Uint8Array(readFileSync(reply)));
    if (!("samples" in wav)) throw wav;
    expect(wav.sampleRate).toBe(16_000);
    expect(levelDb(wav.samples)).toBeGreaterThan(-40);
  }, 60_000);

  it("runs the cloud adapters against the local fake OpenAI server", async () => {
    const recogniser = pocketsphinxStt({ phrases: ["run the tests", "read that again"] });
    const fake = await startFakeOpenAi("sk-cli-local", recogniser);
    try {
      const speech = join(dir, "cloud.wav");
      const reply = join(dir, "cloud-reply.wav");
      await run("espeak-ng", ["-w", speech, "run the tests"]);
      const { stdout } = await run(
        process.execPath,
        [
          cli,
          "simulate",
          "--in",
          speech,
          "--out",
          reply,
          "--stt",
          "openai",
          "--tts",
          "openai",
          "--openai-base-url",
          fake.httpBase,
        ],
        { env: { ...process.env, OPENAI_API_KEY: "sk-cli-local" } },
      );
      expect(stdout).toContain("final: run the tests");
      expect(stdout).not.toContain("sk-cli-local");
      expect(fake.log).toContain("realtime:commit:true");
      expect(fake.log.some((l) => l.startsWith("speech:"))).toBe(true);
    } finally {
      await fake.close();
      await Effect.runPromise(recogniser.close);
    }
  }, 60_000);

  it("rejects bad arguments with exit code 2 and the usage", async () => {
    const failure = await run(process.execPath, [cli, "simulate", "--in", "x.wav"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("usage: codex-voice simulate");
  });
});
