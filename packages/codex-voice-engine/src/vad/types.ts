/** A voice activity detector judges one 20 ms frame of 16 kHz mono s16 audio. */
export interface VadAdapter {
  readonly name: string;
  /** True when the frame holds speech. Must be synchronous and cheap: it runs on the capture path. */
  isSpeech(frame: Int16Array): boolean;
  reset(): void;
  dispose(): void;
}
