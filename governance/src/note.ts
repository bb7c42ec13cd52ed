import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { unreleasedSpan, unreleasedStub } from "./changelog.ts";
import { GovernanceError, GovernanceErrorCode } from "./errors.ts";
import type { Git } from "./git.ts";
import { modulesInWorkingTree } from "./workspace.ts";

export interface NoteResult {
  readonly note: { readonly path: string; readonly created: boolean };
  readonly changelog: { readonly path: string; readonly stubAdded: boolean };
}

export function noteTemplate(module: string, date: string): string {
  return `# ${module} — ${date}

## What changed in the design
TODO: the shape of the module after today's change (types, files, data flow).

## Why
TODO: the reason, and the alternatives that were weighed.

## Consequences
TODO: what other modules, users or operators now see; what remains open.
`;
}

const CHANGELOG_HEADER = "# Changelog\n\n## [Unreleased]\n";

/** Creates today's note from the template and an Unreleased changelog stub, each only when missing. */
export function createNote(git: Git, moduleName: string, date: string): NoteResult {
  const root = git.cwd;
  const read = (p: string) => (existsSync(join(root, p)) ? readFileSync(join(root, p), "utf8") : undefined);
  const modules = modulesInWorkingTree(git, read);
  const mod = modules.find((m) => m.name === moduleName || m.dir === moduleName);
  if (!mod)
    throw new GovernanceError(
      GovernanceErrorCode.UNKNOWN_MODULE,
      `no workspace module named '${moduleName}'`,
      `modules: ${modules.map((m) => m.name).join(", ") || "(none: is pnpm-workspace.yaml there?)"}`,
    );

  const notePath = `docs/architecture/${mod.name}/${date}.md`;
  const noteFile = join(root, notePath);
  const created = !existsSync(noteFile);
  if (created) {
    mkdirSync(dirname(noteFile), { recursive: true });
    writeFileSync(noteFile, noteTemplate(mod.name, date));
  }

  const changelogPath = `${mod.dir}/CHANGELOG.md`;
  let text = read(changelogPath) ?? CHANGELOG_HEADER;
  let span = unreleasedSpan(text);
  if (!span) {
    text = text.replace(/^(# .*\n(?:\n?[^#\n].*\n)*)/, `$1\n## [Unreleased]\n`);
    if (!unreleasedSpan(text)) text = `${text.trimEnd()}\n\n## [Unreleased]\n`;
    span = unreleasedSpan(text);
  }
  const lines = text.split("\n");
  const section = span ? lines.slice(span.start, span.end - 1) : [];
  const stubAdded = !section.some((l) => l.includes(`(${date})`) || l.includes(date));
  if (stubAdded && span) {
    lines.splice(span.start, 0, "", unreleasedStub(date));
    text = lines.join("\n").replace(/\n{3,}/g, "\n\n");
  }
  if (stubAdded || read(changelogPath) === undefined) writeFileSync(join(root, changelogPath), text);
  return { note: { path: notePath, created }, changelog: { path: changelogPath, stubAdded } };
}
