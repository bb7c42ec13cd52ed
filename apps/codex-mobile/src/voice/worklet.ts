/**
 * The AudioWorklet processor, as source text (loaded from a Blob URL so it needs no separate file).
 * It only copies mic samples out in ~20 ms batches; resampling, framing and VAD happen on the main
 * thread where they can be unit-tested. It never blocks: messages are fire-and-forget transfers.
 */
export const CAPTURE_WORKLET = `
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.round(sampleRate / 50);
    this.buf = new Float32Array(this.size);
    this.fill = 0;
  }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    let o = 0;
    while (o < ch.length) {
      const n = Math.min(this.size - this.fill, ch.length - o);
      this.buf.set(ch.subarray(o, o + n), this.fill);
      this.fill += n;
      o += n;
      if (this.fill === this.size) {
        this.port.postMessage(this.buf, [this.buf.buffer]);
        this.buf = new Float32Array(this.size);
        this.fill = 0;
      }
    }
    return true;
  }
}
registerProcessor("codex-capture", CaptureProcessor);
`;
