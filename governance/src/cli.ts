#!/usr/bin/env node
import { parseArgs } from "node:util";
import { z } from "zod";
import { check } from "./check.ts";
import { GovernanceError, GovernanceErrorCode } from "./errors.ts";
import { makeGit } from "./git.ts";
import { createNote } from "./note.ts";
import { dayRange, explicitRange } from "./range.ts";
import { formatReport } from "./report.ts";

const USAGE = `usage: governance <command>
  check --base REF [--head REF] [--json]   every changed module has its daily note and changelog entry
  check --day [--head REF] [--json]        the same for the commits sharing HEAD's UTC commit date
  note <module> [--date YYYY-MM-DD]        create today's architecture note and an Unreleased changelog stub
exit codes: 0 clean, 1 violations, 2 usage or git error`;

const Ref = z
  .string()
  .min(1)
  .regex(/^[^\s~^:?*[\\]+$|^HEAD[~^]\d*$/, "not a valid git ref");
const CheckArgs = z
  .object({
    base: Ref.optional(),
    head: Ref.default("HEAD"),
    day: z.boolean().default(false),
    json: z.boolean().default(false),
    cwd: z.string().optional(),
  })
  .refine((a) => a.day !== (a.base !== undefined), { message: "give exactly one of --base REF or --day" });
const NoteArgs = z.object({
  module: z.string().min(1, "name the module"),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "--date must be YYYY-MM-DD")
    .default(() => new Date().toISOString().slice(0, 10)),
  cwd: z.string().optional(),
});

function usageError(message: string): never {
  throw new GovernanceError(GovernanceErrorCode.USAGE, message, USAGE);
}

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) usageError(r.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; "));
  return r.data;
}

export function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  try {
    if (command === "check") {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          base: { type: "string" },
          head: { type: "string" },
          day: { type: "boolean" },
          json: { type: "boolean" },
          cwd: { type: "string" },
        },
        strict: true,
      });
      const args = parsed(CheckArgs, values);
      const git = makeGit(args.cwd ?? process.cwd());
      const root = git.run(["rev-parse", "--show-toplevel"]).trim();
      const repo = makeGit(root);
      const range = args.day ? dayRange(repo, args.head) : explicitRange(repo, args.base ?? "", args.head);
      const result = check(repo, range);
      process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
      return result.violations.length === 0 ? 0 : 1;
    }
    if (command === "note") {
      const { values, positionals } = parseArgs({
        args: [...rest],
        options: { date: { type: "string" }, cwd: { type: "string" } },
        allowPositionals: true,
        strict: true,
      });
      const args = parsed(NoteArgs, { ...values, module: positionals[0] ?? "" });
      const git = makeGit(args.cwd ?? process.cwd());
      const repo = makeGit(git.run(["rev-parse", "--show-toplevel"]).trim());
      const r = createNote(repo, args.module, args.date);
      process.stdout.write(`${r.note.created ? "created" : "exists "} ${r.note.path}\n`);
      process.stdout.write(
        `${r.changelog.stubAdded ? "stubbed" : "has entry"} ${r.changelog.path} (## [Unreleased])\n`,
      );
      process.stdout.write("Now replace the TODO lines: the check refuses them.\n");
      return 0;
    }
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    return usageError(`unknown command '${command}'`);
  } catch (e) {
    if (e instanceof GovernanceError) {
      process.stderr.write(
        `governance: [${e.code}] ${e.message}\n${e.hint ? `  ${e.hint.replace(/\n/g, "\n  ")}\n` : ""}`,
      );
      return 2;
    }
    if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`governance: [${GovernanceErrorCode.USAGE}] ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) process.exit(main(process.argv.slice(2)));
