import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where codex-remote keeps its config and keys: `$CODEX_REMOTE_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/codex-remote`, else `~/.config/codex-remote` (the XDG default).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CODEX_REMOTE_CONFIG_DIR;
  if (explicit && explicit.length > 0) return explicit;
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg?.startsWith("/") ? xdg : join(env.HOME ?? homedir(), ".config");
  return join(base, "codex-remote");
}

export const configFile = (dir: string): string => join(dir, "config.toml");
export const keysFile = (dir: string): string => join(dir, "keys.json");
