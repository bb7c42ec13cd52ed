import { z } from "zod";
import { WrapperError } from "../../config/errors.ts";
import { loadSettings } from "../../config/load.ts";
import { AgentChoice, ApprovePolicy } from "../../config/schema.ts";
import { parseCommand } from "../argv.ts";
import { pickAgent } from "../detect.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({
  agent: AgentChoice.optional(),
  json: z.boolean().optional(),
  approve: ApprovePolicy.optional(),
  model: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
});

/** The other half of issue 5 implements the turn itself (src/commands/exec.ts); this is its CLI. */
export async function execCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(
    argv,
    {
      agent: { type: "string" },
      json: { type: "boolean" },
      approve: { type: "string" },
      model: { type: "string" },
      cwd: { type: "string" },
    },
    Flags,
  );
  if (cmd.help) {
    io.out(HELP.exec!);
    return 0;
  }
  const prompt = cmd.positionals.join(" ").trim();
  if (!prompt)
    throw new WrapperError("CLI_USAGE", 'exec needs a prompt: codex-remote exec --agent demo --json "hello"');
  if (!cmd.values.json) throw new WrapperError("CLI_USAGE", "exec prints JSONL only: pass --json", "--json");
  const settings = loadSettings({ agent: cmd.values.agent, approve: cmd.values.approve, model: cmd.values.model });
  const pick = pickAgent(settings.agent, settings);
  if (pick.agent === "shell")
    throw new WrapperError("CLI_USAGE", "exec needs a structured agent (codex, claude or demo)", "--agent");
  const runExec = await loadRunExec();
  return runExec({
    agent: pick.agent,
    prompt,
    approve: settings.approve,
    json: true,
    cwd: cmd.values.cwd ?? process.cwd(),
    ...(settings.model ? { model: settings.model } : {}),
    process: {
      ...(pick.binary ? { binary: pick.binary } : {}),
      ...(cmd.rest.length > 0 ? { args: cmd.rest } : {}),
    },
  });
}

/** What the turn runner (src/commands/exec.ts, the agent side of issue 5) takes from the CLI. */
export interface ExecRequest {
  agent: "codex" | "claude" | "demo";
  prompt: string;
  approve: "ask" | "always" | "never";
  json: boolean;
  cwd: string;
  model?: string;
  process: { binary?: string; args?: readonly string[] };
}

/** Loaded lazily (and looked up by path) so `codex-remote --help` never loads an agent backend. */
async function loadRunExec(): Promise<(req: ExecRequest) => Promise<number>> {
  const spec = "../../commands/exec.ts";
  const mod = (await import(spec)) as { runExec?: unknown };
  if (typeof mod.runExec !== "function")
    throw new WrapperError("AGENT_NOT_FOUND", "exec is not available in this build");
  return mod.runExec as (req: ExecRequest) => Promise<number>;
}
