import { Queue } from "effect";
import { type CueName, renderCue } from "../audio/cues.ts";
import { mixInto } from "../audio/pcm.ts";

/** A sentence as it is spoken, to tell afterwards how much of it was actually heard. */
export interface SpokenSentence {
  readonly text: string;
  synthesizedSamples: number;
  playedSamples: number;
  complete: boolean;
}

export type PlaybackItem =
  | { readonly kind: "audio"; readonly gen: number; readonly sentence: SpokenSentence; readonly samples: Int16Array }
  | { readonly kind: "end"; readonly gen: number };

/** The words of the spoken sentences that reached the listener (whole sentences, then a word-cut prefix). */
export function heardText(sentences: ReadonlyArray<SpokenSentence>): string {
  const parts: string[] = [];
  for (const s of sentences) {
    if (s.playedSamples === 0) break;
    if (s.complete && s.playedSamples >= s.synthesizedSamples) {
      parts.push(s.text);
      continue;
    }
    const fraction = s.synthesizedSamples === 0 ? 0 : s.playedSamples / s.synthesizedSamples;
    const words = s.text.split(/\s+/);
    const n = Math.floor(words.length * Math.min(1, fraction));
    if (n > 0) parts.push(words.slice(0, n).join(" "));
    break;
  }
  return parts.join(" ");
}

/**
 * The playback side: a bounded queue of 20 ms frames (its capacity is the playback buffer and holds
 * text-to-speech back) plus a cue mixer. Pulled synchronously by `nextPlaybackChunk`.
 */
export class Playback {
  readonly queue: Queue.Queue<PlaybackItem>;
  readonly frameSamples: number;
  private readonly rate: number;
  private readonly cueCache = new Map<CueName, Int16Array>();
  private cues: Array<{ pcm: Int16Array; pos: number }> = [];
  /** Generation of the current turn; frames of older generations are dropped on the floor. */
  gen = 0;
  constructor(queue: Queue.Queue<PlaybackItem>, rate: number, frameSamples: number) {
    this.queue = queue;
    this.rate = rate;
    this.frameSamples = frameSamples;
  }

  playCue(name: CueName): void {
    let pcm = this.cueCache.get(name);
    if (!pcm) {
      pcm = renderCue(name, this.rate);
      this.cueCache.set(name, pcm);
    }
    this.cues.push({ pcm, pos: 0 });
  }

  /** Drops everything queued for playback (barge-in): later pulls see no agent audio. */
  flush(): number {
    this.gen++;
    let dropped = 0;
    while (Queue.takeUnsafe(this.queue) !== undefined) dropped++;
    return dropped;
  }

  /** Next frame: agent audio of the current generation mixed with cues; undefined when silent. */
  pull(onEnd: (gen: number) => void): { frame: Int16Array | undefined; agentAudio: boolean } {
    let out: Int16Array | undefined;
    let agentAudio = false;
    for (;;) {
      const exit = Queue.takeUnsafe(this.queue);
      if (exit === undefined || exit._tag !== "Success") break;
      const item = exit.value;
      if (item.gen !== this.gen) continue;
      if (item.kind === "end") {
        onEnd(item.gen);
        continue;
      }
      item.sentence.playedSamples += item.samples.length;
      out = item.samples.slice();
      agentAudio = true;
      break;
    }
    if (this.cues.length > 0) {
      const mix = out ?? new Int16Array(this.frameSamples);
      for (const cue of this.cues) {
        mixInto(mix, cue.pcm.subarray(cue.pos, cue.pos + this.frameSamples));
        cue.pos += this.frameSamples;
      }
      this.cues = this.cues.filter((c) => c.pos < c.pcm.length);
      out = mix;
    }
    return { frame: out, agentAudio };
  }

  get cuePlaying(): boolean {
    return this.cues.length > 0;
  }
}
