import { z } from "zod";

/**
 * Relay configuration: defaults, then environment (CODEX_RELAY_*), then command-line flags
 * (--port 8080 or --port=8080). Every value is validated; a bad one is reported by name.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);

export const RelayConfig = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: int(0, 65535).default(8787),
  /** Public base URL (for logs and the wrapper's QR); defaults to ws://host:port. */
  publicUrl: z.string().url().optional(),
  store: z.enum(["sqlite", "memory", "redis"]).default("sqlite"),
  sqlitePath: z.string().min(1).default("./codex-relay.sqlite"),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .default("redis://127.0.0.1:6379"),
  redisPrefix: z.string().min(1).max(64).default("codex-relay"),
  allowRegistration: bool.default(true),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  staticDir: z.string().min(1).optional(),
  // retention
  retentionFrames: int(1, 100_000_000).default(100_000),
  retentionBytes: int(1024, 2 ** 40).default(256 * 1024 * 1024),
  retentionAgeMs: int(1000, 365 * 86_400_000).default(7 * 86_400_000),
  // limits
  maxFrameBytes: int(64, 64 * 1024 * 1024).default(1024 * 1024),
  rateMessagesPerSec: int(1, 10_000_000).default(50_000),
  rateBytesPerSec: int(1024, 2 ** 40).default(256 * 1024 * 1024),
  maxRoomsPerDevice: int(1, 100_000).default(64),
  maxConnectionsPerDevice: int(1, 100_000).default(8),
  /** Ping period; a peer silent (no pong, no message) for two periods is closed with idle_timeout. */
  pingIntervalMs: int(100, 3_600_000).default(30_000),
  authTimeoutMs: int(100, 600_000).default(10_000),
  /** A reader whose socket holds more than this many unsent bytes is disconnected (it resumes from the log). */
  maxBufferedBytes: int(1024, 2 ** 32).default(8 * 1024 * 1024),
  drainTimeoutMs: int(0, 600_000).default(10_000),
  // push
  apnsKeyPath: z.string().min(1).optional(),
  apnsKeyId: z.string().min(1).optional(),
  apnsTeamId: z.string().min(1).optional(),
  apnsTopic: z.string().min(1).optional(),
  apnsProduction: bool.default(false),
  /** Test/override only: APNs host:port. */
  apnsAddress: z.string().min(1).optional(),
  /** Extra CA (PEM file) trusted for push endpoints: a private push service, or the tests' local servers. */
  pushCaPath: z.string().min(1).optional(),
  vapidPublicKey: z.string().min(1).optional(),
  vapidPrivateKey: z.string().min(1).optional(),
  vapidSubject: z.string().min(1).optional(),
});
export type RelayConfig = z.infer<typeof RelayConfig>;
export type RelayConfigInput = z.input<typeof RelayConfig>;

const ENV_PREFIX = "CODEX_RELAY_";

function envName(key: string): string {
  return ENV_PREFIX + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export class ConfigError extends Error {
  readonly code = "bad_config";
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid relay configuration:\n  ${issues.join("\n  ")}`);
    this.issues = issues;
  }
}

/** Parses a config object; throws ConfigError listing every bad value with where it came from. */
export function parseConfig(input: Record<string, unknown>, source: (key: string) => string = (k) => k): RelayConfig {
  const r = RelayConfig.safeParse(input);
  if (r.success) return r.data;
  throw new ConfigError(r.error.issues.map((i) => `${source(String(i.path[0] ?? ""))}: ${i.message}`));
}

/** Reads env then flags (flags win). Unknown flags are an error too. */
export function loadConfig(env: Record<string, string | undefined>, argv: readonly string[]): RelayConfig {
  const keys = Object.keys(RelayConfig.shape);
  const input: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const k of keys) {
    const v = env[envName(k)];
    if (v !== undefined && v !== "") {
      input[k] = v;
      from[k] = envName(k);
    }
  }
  const byFlag = new Map(keys.map((k) => [flagName(k), k]));
  const bad: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      bad.push(`${arg}: unexpected argument`);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const key = byFlag.get(name);
    if (!key) {
      bad.push(`--${name}: unknown flag`);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      bad.push(`--${name}: needs a value`);
      continue;
    }
    input[key] = value;
    from[key] = `--${name}`;
  }
  if (bad.length > 0) throw new ConfigError(bad);
  return parseConfig(input, (k) => from[k] ?? k);
}
