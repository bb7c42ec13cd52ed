import { z } from "zod";

/** Which agent runs behind CodexBackend; `auto` picks codex, then claude, then demo. */
export const AgentName = z.enum(["codex", "claude", "shell", "demo"]);
export type AgentName = z.infer<typeof AgentName>;
export const AgentChoice = z.enum(["auto", "codex", "claude", "shell", "demo"]);
export type AgentChoice = z.infer<typeof AgentChoice>;

/** What happens to an approval request: ask a person (default), accept all, or decline all. */
export const ApprovePolicy = z.enum(["ask", "always", "never"]);
export type ApprovePolicy = z.infer<typeof ApprovePolicy>;

/** Who decides when a paired phone asks for control: the laptop user (default), nobody (granted), or refused. */
export const ControlGrant = z.enum(["ask", "auto", "never"]);
export type ControlGrant = z.infer<typeof ControlGrant>;

/** Terminal mirror byte budget per second; 0 = mirror every byte (no budget). */
export const MirrorBytesPerSecond = z
  .number()
  .int()
  .min(0)
  .max(1024 * 1024 * 1024);

export const RelayUrl = z
  .string()
  .url()
  .refine((u) => /^(wss?|https?):\/\//.test(u), "must start with ws://, wss://, http:// or https://");

/**
 * The TOML config file (`config.toml` under the config dir). Every table is strict, so a typo is
 * reported with its key instead of silently ignored. snake_case keys, as TOML files usually have.
 */
export const ConfigFile = z.strictObject({
  agent: AgentChoice.optional(),
  approve: ApprovePolicy.optional(),
  model: z.string().min(1).optional(),
  relay: z
    .strictObject({
      url: RelayUrl.optional(),
      /** Embedded relay (`codex-remote relay`, `npm start`): where it listens. */
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
    })
    .optional(),
  agents: z
    .strictObject({
      codex_bin: z.string().min(1).optional(),
      claude_bin: z.string().min(1).optional(),
      shell: z.string().min(1).optional(),
    })
    .optional(),
  session: z
    .strictObject({
      /** Most frames kept for the phone while the relay is unreachable (oldest dropped beyond, then a resync). */
      offline_queue_limit: z.number().int().min(1).max(1_000_000).optional(),
      /** Bytes of terminal output allowed in flight to the relay before the mirror drops to a snapshot. */
      terminal_backlog_bytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .optional(),
      /** Terminal output mirrored to phones per second before the mirror drops to a snapshot; 0 = no budget. */
      mirror_bytes_per_second: MirrorBytesPerSecond.optional(),
    })
    .optional(),
  control: z
    .strictObject({
      /** A paired phone asks for control: `ask` the laptop user (y/n), `auto` grant, `never` refuse. */
      grant: ControlGrant.optional(),
    })
    .optional(),
  voice: z
    .strictObject({
      /** Accept voice (audio frames) from the phone in control. */
      enabled: z.boolean().optional(),
      /** Speech-to-text / text-to-speech: offline (pocketsphinx + espeak-ng) or openai (needs a key). */
      stt: z.enum(["pocketsphinx", "openai"]).optional(),
      tts: z.enum(["espeak", "openai"]).optional(),
      /** API key for the openai adapters (else OPENAI_API_KEY). */
      openai_api_key: z.string().min(1).optional(),
      openai_base_url: z.string().url().optional(),
      /** Extra phrases the offline recogniser accepts (each becomes a prompt), beside the commands. */
      phrases: z.array(z.string().min(1).max(200)).max(200).optional(),
    })
    .optional(),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

/** The resolved settings every command works from: defaults < config file < flags. */
export interface Settings {
  readonly configDir: string;
  readonly agent: AgentChoice;
  readonly approve: ApprovePolicy;
  readonly model: string | undefined;
  readonly relayUrl: string | undefined;
  readonly relayHost: string;
  readonly relayPort: number;
  readonly codexBin: string;
  readonly claudeBin: string;
  readonly shell: string;
  readonly offlineQueueLimit: number;
  readonly terminalBacklogBytes: number;
  readonly controlGrant: ControlGrant;
  /** 0 = mirror every byte. */
  readonly mirrorBytesPerSecond: number;
  readonly voice: VoiceSettings;
}

export interface VoiceSettings {
  readonly enabled: boolean;
  readonly stt: "pocketsphinx" | "openai";
  readonly tts: "espeak" | "openai";
  readonly openaiApiKey: string | undefined;
  readonly openaiBaseUrl: string | undefined;
  /** Extra offline phrases (prompts) beside the command phrases. */
  readonly phrases: readonly string[];
}

export const DEFAULTS = {
  agent: "auto",
  approve: "ask",
  relayHost: "127.0.0.1",
  relayPort: 8787,
  codexBin: "codex",
  claudeBin: "claude",
  offlineQueueLimit: 10_000,
  terminalBacklogBytes: 1024 * 1024,
  controlGrant: "ask",
  mirrorBytesPerSecond: 4 * 1024 * 1024,
} as const;
