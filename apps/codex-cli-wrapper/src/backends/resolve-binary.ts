import { accessSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { BackendError } from "./errors.ts";

export type AgentBinaryName = "codex" | "claude";

/** How to run an agent: a command and the arguments that come before the agent's own. */
export interface AgentCommand {
  command: string;
  prefixArgs: string[];
}

const require = createRequire(import.meta.url);

/**
 * The agent from the pinned npm package this module depends on (dev dependency): codex's launcher
 * script run with this Node, or claude's platform-native binary (its postinstall, which would copy
 * it into place, is not allowed to run under pnpm). Undefined when the package is absent.
 */
export function pinnedAgent(name: AgentBinaryName): AgentCommand | undefined {
  try {
    if (name === "codex") {
      const pkg = require.resolve("@openai/codex/package.json");
      return { command: process.execPath, prefixArgs: [join(dirname(pkg), "bin", "codex.js")] };
    }
    const pkg = require.resolve("@anthropic-ai/claude-code/package.json");
    const fromPkg = createRequire(pkg);
    const platform = `${process.platform}-${process.arch}`;
    for (const suffix of [platform, `${platform}-musl`]) {
      try {
        const native = join(dirname(fromPkg.resolve(`@anthropic-ai/claude-code-${suffix}/package.json`)), "claude");
        if (existsSync(native)) return { command: native, prefixArgs: [] };
      } catch {
        // try the next platform package
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The first executable named `name` on PATH. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** An explicit binary, else the user's own on PATH, else the pinned package; `binary_not_found` otherwise. */
export function resolveAgent(name: AgentBinaryName, explicit?: string): AgentCommand {
  if (explicit) {
    // a JavaScript launcher (like @openai/codex's bin/codex.js) runs with this Node
    if (/\.[cm]?js$/.test(explicit)) return { command: process.execPath, prefixArgs: [explicit] };
    return { command: explicit, prefixArgs: [] };
  }
  const found = onPath(name);
  if (found) return { command: found, prefixArgs: [] };
  const pinned = pinnedAgent(name);
  if (pinned) return pinned;
  throw new BackendError("binary_not_found", `${name} is not installed (not on PATH)`);
}
