import { levelDb } from "../audio/pcm.ts";
import type { VadAdapter } from "./types.ts";

export interface EnergyVadOptions {
  /** 0 (deaf) .. 1 (hears everything); default 0.5. */
  readonly sensitivity?: number;
}

/**
 * Deterministic energy VAD: a frame is speech when its level is above both an absolute threshold
 * (set by sensitivity) and the tracked noise floor by a margin. Same input, same decisions.
 */
export function energyVad(options: EnergyVadOptions = {}): VadAdapter {
  const sensitivity = Math.min(1, Math.max(0, options.sensitivity ?? 0.5));
  const absoluteDb = -30 - sensitivity * 20; // 0.5 -> -40 dBFS
  const marginDb = 14 - sensitivity * 8; // 0.5 -> 10 dB over the floor
  let floorDb = -70;
  return {
    name: "energy",
    isSpeech(frame) {
      const db = levelDb(frame);
      const speech = db > absoluteDb && db > floorDb + marginDb;
      // The floor follows quiet frames quickly and loud ones very slowly.
      floorDb = speech
        ? floorDb + 0.02 * (db - floorDb) * 0.05
        : floorDb + (db < floorDb ? 0.3 : 0.05) * (db - floorDb);
      return speech;
    },
    reset() {
      floorDb = -70;
    },
    dispose() {},
  };
}
