import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Per-frame counts as plain numbers: the hot path adds to these (a prom-client `inc` hashes labels and
 * validates on every call); the counters below read them when scraped.
 */
export interface FrameCounts {
  framesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
}

/** Prometheus metrics of one relay instance (own registry, so several instances fit in a process). */
export function createMetrics() {
  const registry = new Registry();
  const counts: FrameCounts = { framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0 };
  // a counter that, when collected, catches up with counts[key]
  const fromCounts = (key: keyof FrameCounts, name: string, help: string) => {
    let reported = 0;
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = counts[key];
        if (now > reported) this.inc(now - reported);
        reported = now;
      },
    });
  };
  const m = {
    registry,
    counts,
    connections: new Gauge({ name: "relay_connections", help: "Open WebSocket connections", registers: [registry] }),
    framesIn: fromCounts("framesIn", "relay_frames_in_total", "Sealed frames received"),
    framesOut: fromCounts("framesOut", "relay_frames_out_total", "Sealed frames delivered"),
    bytesIn: fromCounts("bytesIn", "relay_bytes_in_total", "Sealed payload bytes received"),
    bytesOut: fromCounts("bytesOut", "relay_bytes_out_total", "Sealed payload bytes delivered"),
    drops: new Counter({
      name: "relay_drops_total",
      help: "Frames or connections refused, by reason code",
      labelNames: ["reason"],
      registers: [registry],
    }),
    storeLatency: new Histogram({
      name: "relay_store_seconds",
      help: "Store operation latency",
      labelNames: ["op"],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    push: new Counter({
      name: "relay_push_total",
      help: "Push sends by provider and outcome",
      labelNames: ["provider", "outcome"],
      registers: [registry],
    }),
    gaps: new Counter({ name: "relay_gaps_total", help: "Gaps reported to readers", registers: [registry] }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
