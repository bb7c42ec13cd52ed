import { FRAME_MS } from "./audio/pcm.ts";

export type TurnMode = "push-to-talk" | "auto" | "hybrid";

export interface GateOptions {
  readonly mode: TurnMode;
  /** Speech needed before an utterance starts (one short dip, e.g. a stop consonant, is tolerated). */
  readonly minSpeechMs: number;
  /** Speech needed before the agent is interrupted (barge-in); shorter than minSpeechMs to stop playback sooner. */
  readonly bargeInMinSpeechMs?: number;
  /** Silence that ends an utterance in auto mode. */
  readonly endSilenceMs: number;
  /** Audio kept from before the detected onset and handed to speech-to-text. */
  readonly preRollMs: number;
  /** Longest utterance before it is cut. */
  readonly maxUtteranceMs: number;
}

export type GateEvent =
  | { readonly type: "onset" } // speech detected (VAD), whether or not an utterance opens
  | { readonly type: "start"; readonly preRoll: ReadonlyArray<Int16Array> }
  | { readonly type: "audio"; readonly frame: Int16Array }
  | { readonly type: "end"; readonly reason: "silence" | "release" | "max-length" };

/**
 * Frame-counting turn gate. Pure and deterministic: decisions depend on frames and VAD verdicts,
 * never on wall-clock time, so late or bursty frames give the same result as timely ones.
 */
export class TurnGate {
  private readonly opts: GateOptions;
  private readonly ring: Int16Array[] = [];
  private readonly ringMax: number;
  private readonly history: boolean[] = [];
  private silenceRun = 0;
  private onsetReported = false;
  private open = false;
  private openFrames = 0;
  private ptt = false;
  private endSilenceOverride: number | undefined;

  constructor(opts: GateOptions) {
    this.opts = opts;
    this.ringMax = Math.max(0, Math.round(opts.preRollMs / FRAME_MS));
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Push-to-talk edge; returns events (start on press, end on release) for the ptt and hybrid modes. */
  pushToTalk(down: boolean): GateEvent[] {
    // In auto mode a press still opens a turn at once (and its release closes it).
    this.ptt = down;
    if (down && !this.open) return [this.startEvent()];
    if (!down && this.open) return [this.endEvent("release")];
    return [];
  }

  push(frame: Int16Array, speech: boolean): GateEvent[] {
    const events: GateEvent[] = [];
    const minFrames = Math.max(1, Math.round(this.opts.minSpeechMs / FRAME_MS));
    const bargeFrames = Math.max(1, Math.round((this.opts.bargeInMinSpeechMs ?? this.opts.minSpeechMs) / FRAME_MS));
    this.history.push(speech);
    if (this.history.length > Math.max(minFrames, bargeFrames) + 1) this.history.shift();
    this.silenceRun = speech ? 0 : this.silenceRun + 1;
    // a new onset may be reported once the speaker has paused for 100 ms
    if (this.silenceRun * FRAME_MS >= 100) this.onsetReported = false;
    const onset = !this.onsetReported && this.voiced(bargeFrames);
    if (onset) {
      this.onsetReported = true;
      events.push({ type: "onset" });
    }
    if (!this.open) {
      this.remember(frame);
      if (this.opts.mode === "auto" && !this.ptt && this.voiced(minFrames)) events.push(this.startEvent());
      return events;
    }
    events.push({ type: "audio", frame });
    this.openFrames++;
    const endSilence = Math.min(this.opts.endSilenceMs, this.endSilenceOverride ?? Number.POSITIVE_INFINITY);
    if (this.opts.mode === "auto" && !this.ptt && this.silenceRun * FRAME_MS >= endSilence) {
      events.push(this.endEvent("silence"));
    } else if (this.openFrames * FRAME_MS >= this.opts.maxUtteranceMs) {
      events.push(this.endEvent("max-length"));
    }
    return events;
  }

  /** The current frame is speech and at least `frames` of the last `frames + 1` were. */
  private voiced(frames: number): boolean {
    if (!this.history.at(-1)) return false;
    let n = 0;
    for (const v of this.history.slice(-(frames + 1))) if (v) n++;
    return n >= frames;
  }

  /** The open utterance is known complete (e.g. a whole command phrase): end it after `ms` of silence. */
  shortenEnd(ms: number): void {
    if (this.open) this.endSilenceOverride = ms;
  }

  reset(): void {
    this.ring.length = 0;
    this.history.length = 0;
    this.silenceRun = 0;
    this.onsetReported = false;
    this.open = false;
    this.openFrames = 0;
  }

  private remember(frame: Int16Array): void {
    if (this.ringMax === 0) return;
    this.ring.push(frame);
    if (this.ring.length > this.ringMax) this.ring.shift();
  }

  private startEvent(): GateEvent {
    this.open = true;
    this.endSilenceOverride = undefined;
    this.openFrames = 0;
    this.silenceRun = 0;
    const preRoll = this.ring.splice(0, this.ring.length);
    return { type: "start", preRoll };
  }

  private endEvent(reason: "silence" | "release" | "max-length"): GateEvent {
    this.open = false;
    this.openFrames = 0;
    return { type: "end", reason };
  }
}
