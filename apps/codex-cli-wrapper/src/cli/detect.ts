import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { AgentChoice, AgentName, Settings } from "../config/schema.ts";

/** The executable's full path when `bin` (a name or a path) can be run, else undefined. */
export function which(bin: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates =
    isAbsolute(bin) || bin.includes("/") ? [bin] : (env.PATH ?? "").split(delimiter).map((d) => join(d, bin));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

/** `codex --version` → "codex-cli 0.169.0"; undefined if it does not answer within 5 s. */
export function versionOf(path: string): string | undefined {
  const r = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) return undefined;
  return r.stdout.trim().split("\n")[0];
}

export interface AgentPick {
  readonly agent: AgentName;
  /** The executable, for codex/claude. */
  readonly binary: string | undefined;
  /** One line for the user: which agent and why. */
  readonly reason: string;
}

/** `auto` → codex if on PATH, else claude, else the built-in demo; an explicit choice is checked. */
export function pickAgent(
  choice: AgentChoice,
  settings: Pick<Settings, "codexBin" | "claudeBin" | "shell">,
  env = process.env,
): AgentPick {
  if (choice === "demo")
    return { agent: "demo", binary: undefined, reason: "demo agent (built in, scripted — not a real model)" };
  if (choice === "shell")
    return { agent: "shell", binary: settings.shell, reason: `shell: ${settings.shell} in a terminal` };
  if (choice === "codex" || choice === "claude") {
    const bin = choice === "codex" ? settings.codexBin : settings.claudeBin;
    // Not on PATH: the backend falls back to the pinned npm package of the agent.
    const found = which(bin, env);
    return { agent: choice, binary: found, reason: `${choice}${found ? ` at ${found}` : " (pinned package)"}` };
  }
  const codex = which(settings.codexBin, env);
  if (codex) return { agent: "codex", binary: codex, reason: `codex found at ${codex}` };
  const claude = which(settings.claudeBin, env);
  if (claude) return { agent: "claude", binary: claude, reason: `claude found at ${claude} (no codex on PATH)` };
  return {
    agent: "demo",
    binary: undefined,
    reason: "neither codex nor claude is on PATH: using the built-in demo agent (scripted — not a real model)",
  };
}
