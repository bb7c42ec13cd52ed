import { z } from "zod";
import { runExec } from "../../commands/exec.ts";
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
  const settings = loadSettings({ agent: cmd.values.agent, approve: cmd.values.approve, model: cmd.values.model });
  const pick = pickAgent(settings.agent, settings);
  if (pick.agent === "shell")
    throw new WrapperError("CLI_USAGE", "exec needs a structured agent (codex, claude or demo)", "--agent");
  return runExec({
    agent: pick.agent,
    prompt,
    approve: settings.approve,
    json: cmd.values.json === true,
    cwd: cmd.values.cwd ?? process.cwd(),
    ...(settings.model ? { model: settings.model } : {}),
    process: {
      ...(pick.binary ? { binary: pick.binary } : {}),
      ...(cmd.rest.length > 0 ? { args: cmd.rest } : {}),
    },
  });
}
