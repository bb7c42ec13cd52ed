/** Latency histograms and `ts|phase|event|fields` telemetry lines. */

export const METRIC_NAMES = [
  "speech_end_to_final_ms",
  "final_to_first_token_ms",
  "first_token_to_first_audio_ms",
  "speech_end_to_first_audio_ms",
  "barge_in_to_silence_ms",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface HistogramSummary {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

export class Histogram {
  private readonly values: number[] = [];
  record(value: number): void {
    if (Number.isFinite(value)) this.values.push(value);
  }
  get count(): number {
    return this.values.length;
  }
  quantile(q: number): number {
    if (this.values.length === 0) return Number.NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[idx] ?? Number.NaN;
  }
  summary(): HistogramSummary {
    const n = this.values.length;
    const mean = n === 0 ? Number.NaN : this.values.reduce((a, b) => a + b, 0) / n;
    return {
      count: n,
      min: n === 0 ? Number.NaN : Math.min(...this.values),
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      max: n === 0 ? Number.NaN : Math.max(...this.values),
      mean,
    };
  }
}

export class VoiceMetrics {
  readonly histograms: Record<MetricName, Histogram> = Object.fromEntries(
    METRIC_NAMES.map((n) => [n, new Histogram()]),
  ) as Record<MetricName, Histogram>;
  record(name: MetricName, value: number): void {
    this.histograms[name].record(value);
  }
  snapshot(): Record<MetricName, HistogramSummary> {
    return Object.fromEntries(METRIC_NAMES.map((n) => [n, this.histograms[n].summary()])) as Record<
      MetricName,
      HistogramSummary
    >;
  }
}

export type TelemetryFields = Readonly<Record<string, string | number | boolean>>;

/** One telemetry line. Fields carry sizes, counts and durations only, never transcripts or audio. */
export function telemetryLine(ts: number, phase: string, event: string, fields: TelemetryFields = {}): string {
  const clean = (v: string) => v.replace(/[|\n,=]/g, "_");
  const body = Object.entries(fields)
    .map(([k, v]) => `${clean(k)}=${clean(typeof v === "number" ? String(Math.round(v * 100) / 100) : String(v))}`)
    .join(",");
  return `${Math.round(ts)}|${clean(phase)}|${clean(event)}|${body}`;
}

export function formatSummary(snapshot: Record<MetricName, HistogramSummary>): string {
  const f = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(1));
  return METRIC_NAMES.map((n) => {
    const s = snapshot[n];
    return `${n.padEnd(32)} n=${String(s.count).padStart(3)} p50=${f(s.p50).padStart(7)} p95=${f(s.p95).padStart(7)} max=${f(s.max).padStart(7)}`;
  }).join("\n");
}
