import { WrapperError } from "../config/errors.ts";
import type { Settings } from "../config/schema.ts";
import type { AgentPick } from "./detect.ts";
import type { CliIo } from "./io.ts";

export interface InteractiveOptions {
  readonly settings: Settings;
  readonly pick: AgentPick;
  readonly agentArgs: readonly string[];
  readonly cwd: string;
  readonly showPairing: boolean;
  readonly io: CliIo;
}

export async function runInteractive(_opts: InteractiveOptions): Promise<number> {
  throw new WrapperError("AGENT_NOT_FOUND", "interactive sessions are not available in this build yet");
}
