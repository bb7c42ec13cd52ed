import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { z } from "zod";
import { WrapperError } from "./errors.ts";
import { configFile, configDir as defaultConfigDir } from "./paths.ts";
import {
  type AgentChoice,
  type ApprovePolicy,
  ConfigFile,
  type ControlGrant,
  DEFAULTS,
  RelayUrl,
  type Settings,
} from "./schema.ts";

/** Flags that override the file (undefined = not given). */
export interface SettingsOverrides {
  readonly agent?: AgentChoice | undefined;
  readonly approve?: ApprovePolicy | undefined;
  readonly model?: string | undefined;
  readonly relayUrl?: string | undefined;
  readonly relayHost?: string | undefined;
  readonly relayPort?: number | undefined;
  readonly controlGrant?: ControlGrant | undefined;
  readonly mirrorBytesPerSecond?: number | undefined;
  readonly voice?: boolean | undefined;
}

/** `relay.port: expected number, received string` — the dotted key first, so the user finds the line. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
        return `${keys.join(", ")}: unknown key${keys.length > 1 ? "s" : ""}`;
      }
      return `${path || "(root)"}: ${issue.message}`;
    })
    .join("; ");
}

/** The config file's contents, validated; an absent file is an empty config. */
export function readConfigFile(dir: string): ConfigFile {
  const file = configFile(dir);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new WrapperError("CONFIG_READ", `cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new WrapperError("CONFIG_PARSE", `${file} is not valid TOML: ${first}`);
  }
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const key = first ? first.path.map(String).join(".") : undefined;
    throw new WrapperError("CONFIG_INVALID", `${file}: ${describeIssues(parsed.error.issues)}`, key);
  }
  return parsed.data;
}

/** Defaults < config file < flags. */
export function loadSettings(overrides: SettingsOverrides = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const dir = defaultConfigDir(env);
  const file = readConfigFile(dir);
  let envRelay: string | undefined;
  if (env.CODEX_REMOTE_RELAY) {
    const r = RelayUrl.safeParse(env.CODEX_REMOTE_RELAY);
    if (!r.success)
      throw new WrapperError(
        "CONFIG_INVALID",
        `CODEX_REMOTE_RELAY: ${describeIssues(r.error.issues)}`,
        "CODEX_REMOTE_RELAY",
      );
    envRelay = r.data;
  }
  return {
    configDir: dir,
    agent: overrides.agent ?? file.agent ?? DEFAULTS.agent,
    approve: overrides.approve ?? file.approve ?? DEFAULTS.approve,
    model: overrides.model ?? file.model,
    relayUrl: overrides.relayUrl ?? envRelay ?? file.relay?.url,
    relayHost: overrides.relayHost ?? file.relay?.host ?? DEFAULTS.relayHost,
    relayPort: overrides.relayPort ?? file.relay?.port ?? DEFAULTS.relayPort,
    codexBin: file.agents?.codex_bin ?? DEFAULTS.codexBin,
    claudeBin: file.agents?.claude_bin ?? DEFAULTS.claudeBin,
    shell: file.agents?.shell ?? env.SHELL ?? "/bin/sh",
    offlineQueueLimit: file.session?.offline_queue_limit ?? DEFAULTS.offlineQueueLimit,
    terminalBacklogBytes: file.session?.terminal_backlog_bytes ?? DEFAULTS.terminalBacklogBytes,
    controlGrant: overrides.controlGrant ?? file.control?.grant ?? DEFAULTS.controlGrant,
    mirrorBytesPerSecond:
      overrides.mirrorBytesPerSecond ?? file.session?.mirror_bytes_per_second ?? DEFAULTS.mirrorBytesPerSecond,
    voice: {
      enabled: overrides.voice ?? file.voice?.enabled ?? true,
      stt: file.voice?.stt ?? "pocketsphinx",
      tts: file.voice?.tts ?? "espeak",
      openaiApiKey: file.voice?.openai_api_key ?? env.OPENAI_API_KEY,
      openaiBaseUrl: file.voice?.openai_base_url,
      phrases: file.voice?.phrases ?? [],
    },
  };
}
