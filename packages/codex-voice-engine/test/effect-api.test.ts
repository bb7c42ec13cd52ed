import { join } from "node:path";
import { Effect, Fiber, Layer, Stream } from "effect";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { scriptedAgent } from "../src/agent/scripted.ts";
import { agentLayer, VoiceEngine, VoiceEngineLive } from "../src/index.ts";
import { offlineAdaptersLayer } from "../src/node/index.ts";
import { fvadLayer } from "../src/vad/fvad.ts";
import { silenceFrames, spokenFrames } from "./helpers.ts";

describe("the Effect service", () => {
  it("VoiceEngine over the offline adapter layers runs a turn inside a scope", async () => {
    const agent = scriptedAgent({ reply: () => "Done." });
    const frames = [...silenceFrames(100), ...(await spokenFrames("run the tests")), ...silenceFrames(600)];
    // one layer per adapter: pocketsphinx + espeak-ng (offline set), WebRTC VAD, scripted agent
    const layer = VoiceEngineLive.pipe(
      Layer.provide(Layer.mergeAll(offlineAdaptersLayer(), fvadLayer(), agentLayer(agent))),
    );
    const program = Effect.gen(function* () {
      const engine = yield* VoiceEngine;
      const session = yield* engine.start({ endSilenceMs: 400, cues: false });
      const collected = yield* Effect.forkChild(
        session.events.pipe(
          Stream.filter((e) => e.type === "final" || e.type === "turn-end"),
          Stream.take(2),
          Stream.runCollect,
        ),
      );
      yield* Effect.yieldNow;
      for (let i = 0; i < frames.length; i += 5) {
        for (const f of frames.slice(i, i + 5)) session.pushAudioFrame(f);
        yield* Effect.sleep("1 millis");
        session.nextPlaybackChunk();
      }
      // a listener pulling playback until the scope closes
      yield* Effect.forkChild(
        Effect.forever(Effect.sync(() => session.nextPlaybackChunk()).pipe(Effect.andThen(Effect.sleep("2 millis")))),
      );
      return Array.from(yield* Fiber.join(collected));
    });
    const events = await Effect.runPromise(
      Effect.scoped(program).pipe(Effect.provide(layer), Effect.timeout("30 seconds")),
    );
    expect(events.map((e) => e.type)).toEqual(["final", "turn-end"]);
    expect(events[0]).toMatchObject({ type: "final", text: "run the tests" });
    expect(events[1]).toMatchObject({ type: "turn-end", reply: "Done.", interrupted: false });
    expect(agent.prompts).toEqual(["run the tests"]);
  }, 60_000);
});

describe("platform neutrality", () => {
  const bundle = (entryPoints: string[], external: string[]) =>
    build({
      entryPoints,
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      outdir: "out",
      logLevel: "silent",
      external,
    }).catch((error: { errors?: Array<{ text: string }> }) => ({
      errors: error.errors?.map((e) => e.text) ?? ["failed"],
      outputFiles: [],
    }));
  const src = join(import.meta.dirname, "..", "src");

  it("the core and cloud entry points bundle for the browser with no node: module", async () => {
    const result = await bundle([join(src, "index.ts"), join(src, "cloud", "index.ts")], []);
    expect(result.errors).toEqual([]);
    expect(result.outputFiles.map((f) => f.text).join("\n")).not.toMatch(/(?:from|import\(|require\()\s*["']node:/);
  }, 60_000);

  it("the fvad entry bundles for the browser (its emscripten glue imports 'module' only under Node)", async () => {
    const result = await bundle([join(src, "vad", "fvad.ts")], ["*.wasm", "module"]);
    expect(result.errors).toEqual([]);
  }, 60_000);
});
