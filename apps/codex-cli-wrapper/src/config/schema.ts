import { z } from "zod";

/** Which agent runs behind CodexBackend; `auto` picks codex, then claude, then demo. */
export const AgentName = z.enum(["codex", "claude", "shell", "demo"]);
export type AgentName = z.infer<typeof AgentName>;
export const AgentChoice = z.enum(["auto", "codex", "claude", "shell", "demo"]);
export type AgentChoice = z.infer<typeof AgentChoice>;

/** What happens to an approval request: ask a person (default), accept all, or decline all. */
export const ApprovePolicy = z.enum(["ask", "always", "never"]);
export type ApprovePolicy = z.infer<typeof ApprovePolicy>;

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
} as const;
