import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one relay instance (own registry, so several instances fit in a process). */
export function createMetrics() {
  const registry = new Registry();
  const m = {
    registry,
    connections: new Gauge({ name: "relay_connections", help: "Open WebSocket connections", registers: [registry] }),
    framesIn: new Counter({ name: "relay_frames_in_total", help: "Sealed frames received", registers: [registry] }),
    framesOut: new Counter({ name: "relay_frames_out_total", help: "Sealed frames delivered", registers: [registry] }),
    bytesIn: new Counter({
      name: "relay_bytes_in_total",
      help: "Sealed payload bytes received",
      registers: [registry],
    }),
    bytesOut: new Counter({
      name: "relay_bytes_out_total",
      help: "Sealed payload bytes delivered",
      registers: [registry],
    }),
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
