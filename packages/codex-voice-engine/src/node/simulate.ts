import { Effect } from "effect";
import type { SttAdapter, TtsAdapter } from "../adapters.ts";
import type { AgentAdapter } from "../agent/types.ts";
import { startVoiceSession } from "../api.ts";
import { concat, ENGINE_RATE, resample, samplesPerFrame, toFrames } from "../audio/pcm.ts";
import type { PcmAudio } from "../audio/wav.ts";
import type { HistogramSummary, MetricName } from "../metrics.ts";
import type { TuningOptions, VoiceEvent, VoiceStats } from "../session/types.ts";

export interface SimulateOptions extends TuningOptions {
  readonly input: PcmAudio;
  readonly stt: SttAdapter;
  readonly tts: TtsAdapter;
  readonly agent: AgentAdapter;
  /** Push one frame and pull one chunk every 20 ms of wall time (true), or as fast as the pipeline keeps up. */
  readonly realtime?: boolean;
  readonly onEvent?: (event: VoiceEvent) => void;
  readonly onTelemetry?: (line: string) => void;
}

export interface SimulateResult {
  readonly reply: PcmAudio;
  readonly transcripts: string[];
  readonly metrics: Record<MetricName, HistogramSummary>;
  readonly stats: VoiceStats;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a recorded file through the whole pipeline and collects the playback as the reply. */
export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const { input, stt, tts, agent, realtime = false, onEvent, onTelemetry: _telemetry, ...tuning } = options;
  const session = await startVoiceSession({
    ...tuning,
    stt,
    tts,
    agent,
    ...(options.onTelemetry ? { onTelemetry: options.onTelemetry } : {}),
  });
  const transcripts: string[] = [];
  session.onEvent((e) => {
    if (e.type === "final") transcripts.push(e.text);
    onEvent?.(e);
  });
  const rate = tuning.playbackRate ?? ENGINE_RATE;
  const out: Int16Array[] = [];
  const silence = (n: number) => Array.from({ length: n }, () => new Int16Array(samplesPerFrame(ENGINE_RATE)));
  const frames = [
    ...toFrames(resample(input.samples, input.sampleRate, ENGINE_RATE), samplesPerFrame(ENGINE_RATE)),
    ...silence(Math.ceil((tuning.endSilenceMs ?? 500) / 20) + 10),
  ];
  const pull = () => {
    const c = session.nextPlaybackChunk();
    out.push(c ?? new Int16Array(samplesPerFrame(rate)));
  };
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i++) {
    session.pushAudioFrame(frames[i] as Int16Array);
    if (realtime) {
      pull();
      const due = t0 + (i + 1) * 20 - performance.now();
      if (due > 0) await sleep(due);
    } else if (i % 5 === 4) {
      pull();
      await sleep(1);
    }
  }
  // drain: keep listening until the session is idle with nothing left to play (or 60 s pass)
  const deadline = performance.now() + 60_000;
  let quiet = 0;
  while (performance.now() < deadline && quiet < 25) {
    pull();
    const idle = session.state() === "idle" && out.at(-1)?.every((s) => s === 0);
    quiet = idle ? quiet + 1 : 0;
    await sleep(realtime ? 20 : 1);
  }
  const result: SimulateResult = {
    reply: { sampleRate: rate, samples: concat(out) },
    transcripts,
    metrics: session.metrics(),
    stats: session.stats(),
  };
  await session.close();
  return result;
}

export const simulateEffect = (options: SimulateOptions) => Effect.promise(() => simulate(options));
