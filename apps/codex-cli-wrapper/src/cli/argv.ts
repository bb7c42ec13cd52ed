import { parseArgs } from "node:util";
import type { z } from "zod";
import { WrapperError } from "../config/errors.ts";
import { describeIssues } from "../config/load.ts";

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export interface ParsedCommand<T> {
  readonly values: T;
  readonly positionals: string[];
  /** Everything after a bare `--`, passed to the agent untouched. */
  readonly rest: string[];
  readonly help: boolean;
}

/** Splits at the first bare `--`. */
export function splitAtDoubleDash(argv: readonly string[]): { own: string[]; rest: string[] } {
  const i = argv.indexOf("--");
  return i < 0 ? { own: [...argv], rest: [] } : { own: argv.slice(0, i), rest: argv.slice(i + 1) };
}

/**
 * node:util parseArgs (strict: unknown flags are errors) then zod over the values, so every flag is
 * validated the same way as the config file. Errors are CLI_USAGE naming the flag.
 */
export function parseCommand<S extends z.ZodType>(
  argv: readonly string[],
  options: OptionSpec,
  schema: S,
): ParsedCommand<z.infer<S>> {
  const { own, rest } = splitAtDoubleDash(argv);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: own,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    const msg = String((e as Error).message).split("\n")[0] ?? "bad arguments";
    throw new WrapperError("CLI_USAGE", msg.replace(/^Unknown option/, "unknown option"));
  }
  const { help, ...values } = parsed.values as Record<string, unknown>;
  if (help === true) return { values: {} as z.infer<S>, positionals: parsed.positionals, rest, help: true };
  const checked = schema.safeParse(values);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => ({ ...i, path: i.path.map((p) => `--${String(p)}`) }));
    const flag = issues[0]?.path[0];
    throw new WrapperError("CLI_USAGE", describeIssues(issues as typeof checked.error.issues), flag);
  }
  return { values: checked.data, positionals: parsed.positionals, rest, help: false };
}
