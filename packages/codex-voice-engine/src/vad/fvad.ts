import fvadModule from "@echogarden/fvad-wasm/fvad.js";
import { Effect, Layer } from "effect";
import { VoiceConfigError } from "../errors.ts";
import { VoiceActivity } from "../service.ts";
import type { VadAdapter } from "./types.ts";

interface FvadWasm {
  _fvad_new(): number;
  _fvad_free(handle: number): void;
  _fvad_reset(handle: number): void;
  _fvad_set_mode(handle: number, mode: number): number;
  _fvad_set_sample_rate(handle: number, rate: number): number;
  _fvad_process(handle: number, ptr: number, samples: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAP16: Int16Array;
}

export interface FvadOptions {
  /** 0 (deaf) .. 1 (hears everything); maps onto WebRTC aggressiveness 3..0. Default 0.5. */
  readonly sensitivity?: number;
}

/** WebRTC VAD compiled to wasm (`@echogarden/fvad-wasm`): runs in Node and in browsers. */
export const makeFvad = (options: FvadOptions = {}): Effect.Effect<VadAdapter, VoiceConfigError> =>
  Effect.gen(function* () {
    const mod = yield* Effect.tryPromise({
      try: () => fvadModule() as Promise<FvadWasm>,
      catch: (cause) => new VoiceConfigError({ message: `fvad wasm failed to load: ${String(cause)}` }),
    });
    const sensitivity = Math.min(1, Math.max(0, options.sensitivity ?? 0.5));
    const mode = Math.round((1 - sensitivity) * 3);
    const handle = mod._fvad_new();
    if (handle === 0 || mod._fvad_set_mode(handle, mode) !== 0 || mod._fvad_set_sample_rate(handle, 16_000) !== 0) {
      return yield* new VoiceConfigError({ message: "fvad could not be configured" });
    }
    const samples = 320;
    const ptr = mod._malloc(samples * 2);
    let live = true;
    return {
      name: "fvad",
      isSpeech(frame) {
        if (!live) return false;
        const n = Math.min(samples, frame.length);
        mod.HEAP16.set(frame.subarray(0, n), ptr >> 1);
        return mod._fvad_process(handle, ptr, samples) === 1;
      },
      reset() {
        if (live) mod._fvad_reset(handle);
      },
      dispose() {
        if (!live) return;
        live = false;
        mod._free(ptr);
        mod._fvad_free(handle);
      },
    } satisfies VadAdapter;
  });

/** WebRTC VAD for the `VoiceEngine` service, one instance per session. */
export const fvadLayer = (options: FvadOptions = {}): Layer.Layer<VoiceActivity> =>
  Layer.succeed(VoiceActivity, { make: makeFvad(options) });
