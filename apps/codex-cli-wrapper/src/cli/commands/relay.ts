import { z } from "zod";
import { WrapperError } from "../../config/errors.ts";
import { parseCommand } from "../argv.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({
  host: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  static: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
});

export async function relayCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(
    argv,
    { host: { type: "string" }, port: { type: "string" }, static: { type: "string" }, data: { type: "string" } },
    Flags,
  );
  if (cmd.help) {
    io.out(HELP.relay!);
    return 0;
  }
  throw new WrapperError("RELAY_UNREACHABLE", "the embedded relay is not available in this build yet");
}
