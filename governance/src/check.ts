import { addedLines, PLACEHOLDER, unreleasedSpan } from "./changelog.ts";
import { EMPTY_TREE, type Git, showFile } from "./git.ts";
import type { Range } from "./range.ts";
import { type Module, modulesAt } from "./workspace.ts";

export const ViolationCode = {
  NOTE_MISSING: "GOV_NOTE_MISSING",
  NOTE_STALE: "GOV_NOTE_STALE",
  NOTE_UNFILLED: "GOV_NOTE_UNFILLED",
  CHANGELOG_MISSING: "GOV_CHANGELOG_MISSING",
  CHANGELOG_NOT_UNRELEASED: "GOV_CHANGELOG_NOT_UNRELEASED",
  CHANGELOG_UNFILLED: "GOV_CHANGELOG_UNFILLED",
  OVERVIEW_MISSING: "GOV_OVERVIEW_MISSING",
} as const;
export type ViolationCode = (typeof ViolationCode)[keyof typeof ViolationCode];

export interface Violation {
  readonly code: ViolationCode;
  /** The module concerned, or "*" for a workspace-wide rule. */
  readonly module: string;
  readonly message: string;
  /** The exact file to create or change. */
  readonly file: string;
  readonly fix: string;
}

export interface Waiver {
  readonly module: string;
  readonly reason: string;
  readonly commit: string;
}

export interface CheckResult {
  readonly range: string;
  readonly commits: number;
  readonly dates: readonly string[];
  readonly changedModules: readonly string[];
  readonly addedModules: readonly string[];
  readonly removedModules: readonly string[];
  readonly violations: readonly Violation[];
  readonly waived: ReadonlyArray<Violation & { readonly waiver: Waiver }>;
  readonly waivers: readonly Waiver[];
}

interface Change {
  readonly status: string;
  readonly path: string;
  readonly oldPath?: string;
}

/** Files whose change never requires a note: prose and the module's own docs. */
export function isExempt(pathInModule: string): boolean {
  return pathInModule.endsWith(".md") || pathInModule.startsWith("docs/");
}

function diffArgs(range: Range): string[] {
  return range.base === EMPTY_TREE ? [EMPTY_TREE, range.head] : [`${range.base}...${range.head}`];
}

function readChanges(git: Git, range: Range): Change[] {
  const out = git.run(["diff", "--name-status", "-M", "-z", ...diffArgs(range)]);
  const parts = out.split("\0").filter((p) => p.length > 0);
  const changes: Change[] = [];
  for (let i = 0; i < parts.length; ) {
    const status = parts[i++] ?? "";
    if (status.startsWith("R") || status.startsWith("C")) {
      const oldPath = parts[i++] ?? "";
      changes.push({ status: status[0] ?? "R", oldPath, path: parts[i++] ?? "" });
    } else changes.push({ status: status[0] ?? "M", path: parts[i++] ?? "" });
  }
  return changes;
}

function parseWaivers(range: Range, moduleNames: ReadonlySet<string>): Waiver[] {
  const out: Waiver[] = [];
  for (const commit of range.commits) {
    for (const value of commit.waivers) {
      const scoped = /^([\w@./-]+)\s*:\s*(.+)$/.exec(value);
      const target = scoped?.[1];
      if (target && (target === "all" || moduleNames.has(target)))
        out.push({ module: target === "all" ? "*" : target, reason: scoped[2] ?? "", commit: commit.sha });
      else out.push({ module: "*", reason: value, commit: commit.sha });
    }
  }
  return out;
}

function inModule(path: string, mod: Module): boolean {
  return path.startsWith(`${mod.dir}/`);
}

function checkChangelog(git: Git, range: Range, mod: Module, changed: ReadonlySet<string>): Violation | undefined {
  const file = `${mod.dir}/CHANGELOG.md`;
  const fix = `add a line under "## [Unreleased]" in ${file} saying what changed`;
  if (!changed.has(file))
    return {
      code: ViolationCode.CHANGELOG_MISSING,
      module: mod.name,
      file,
      fix,
      message: `${mod.name} changed but ${file} did not`,
    };
  const text = showFile(git, range.head, file) ?? "";
  const span = unreleasedSpan(text);
  const added = addedLines(git.run(["diff", "-U0", ...diffArgs(range), "--", file])).filter(
    (a) => a.text.trim().length > 0 && span && a.line > span.start && a.line < span.end,
  );
  if (!span || added.length === 0)
    return {
      code: ViolationCode.CHANGELOG_NOT_UNRELEASED,
      module: mod.name,
      file,
      fix,
      message: `${file} changed, but not under "## [Unreleased]"`,
    };
  if (added.every((a) => PLACEHOLDER.test(a.text) || /^#+\s/.test(a.text.trim())))
    return {
      code: ViolationCode.CHANGELOG_UNFILLED,
      module: mod.name,
      file,
      fix: `replace the TODO stub in ${file} with what changed`,
      message: `${file} only has a TODO stub under "## [Unreleased]"`,
    };
  return undefined;
}

function checkNote(git: Git, range: Range, mod: Module, changes: readonly Change[]): Violation | undefined {
  const prefix = `docs/architecture/${mod.name}/`;
  const today = range.dates.at(-1) ?? new Date().toISOString().slice(0, 10);
  const wanted = `${prefix}${today}.md`;
  const notes = changes.filter(
    (c) => c.status !== "D" && c.path.startsWith(prefix) && /^\d{4}-\d{2}-\d{2}\.md$/.test(c.path.slice(prefix.length)),
  );
  const current = notes.filter((c) => range.dates.includes(c.path.slice(prefix.length, -3)));
  const fix = `pnpm governance note ${mod.name}, then write what changed in the design and why`;
  if (current.length === 0) {
    if (notes.length > 0)
      return {
        code: ViolationCode.NOTE_STALE,
        module: mod.name,
        file: wanted,
        fix,
        message: `${mod.name}: the changed note ${notes.map((n) => n.path).join(", ")} is not dated on a day of this range (${range.dates.join(", ")})`,
      };
    return {
      code: ViolationCode.NOTE_MISSING,
      module: mod.name,
      file: wanted,
      fix,
      message: `${mod.name} changed without an architecture note for ${today}`,
    };
  }
  const unfilled = current.find((c) => PLACEHOLDER.test(showFile(git, range.head, c.path) ?? ""));
  if (unfilled && current.length === 1)
    return {
      code: ViolationCode.NOTE_UNFILLED,
      module: mod.name,
      file: unfilled.path,
      fix: `replace the TODO lines in ${unfilled.path}`,
      message: `${unfilled.path} still holds the template's TODO lines`,
    };
  return undefined;
}

export function check(git: Git, range: Range): CheckResult {
  const before = range.base === EMPTY_TREE ? [] : modulesAt(git, range.base);
  const after = modulesAt(git, range.head);
  const beforeDirs = new Set(before.map((m) => m.dir));
  const afterDirs = new Set(after.map((m) => m.dir));
  const added = after.filter((m) => !beforeDirs.has(m.dir));
  const removed = before.filter((m) => !afterDirs.has(m.dir));

  const changes = readChanges(git, range);
  const changedPaths = new Set(changes.flatMap((c) => (c.oldPath ? [c.path, c.oldPath] : [c.path])));
  const violations: Violation[] = [];

  const changedModules = after.filter((mod) =>
    [...changedPaths].some((p) => inModule(p, mod) && !isExempt(p.slice(mod.dir.length + 1))),
  );
  for (const mod of changedModules) {
    const note = checkNote(git, range, mod, changes);
    if (note) violations.push(note);
    const changelog = checkChangelog(git, range, mod, changedPaths);
    if (changelog) violations.push(changelog);
  }
  if (
    (added.length > 0 || removed.length > 0) &&
    range.base !== EMPTY_TREE &&
    !changedPaths.has("PROJECT_OVERVIEW.md")
  ) {
    const what = [...added.map((m) => `added ${m.dir}`), ...removed.map((m) => `removed ${m.dir}`)].join(", ");
    violations.push({
      code: ViolationCode.OVERVIEW_MISSING,
      module: "*",
      file: "PROJECT_OVERVIEW.md",
      fix: "describe the new set of modules in PROJECT_OVERVIEW.md",
      message: `the workspace's modules changed (${what}) but PROJECT_OVERVIEW.md did not`,
    });
  }
  if (range.base === EMPTY_TREE && after.length > 0 && !changedPaths.has("PROJECT_OVERVIEW.md")) {
    violations.push({
      code: ViolationCode.OVERVIEW_MISSING,
      module: "*",
      file: "PROJECT_OVERVIEW.md",
      fix: "describe the modules in PROJECT_OVERVIEW.md",
      message: "the repository's first modules come without PROJECT_OVERVIEW.md",
    });
  }

  const waivers = parseWaivers(range, new Set([...after, ...before].map((m) => m.name)));
  const waived: Array<Violation & { waiver: Waiver }> = [];
  const remaining: Violation[] = [];
  for (const v of violations) {
    const waiver = waivers.find((w) => w.module === "*" || w.module === v.module);
    if (waiver) waived.push({ ...v, waiver });
    else remaining.push(v);
  }
  return {
    range: range.label,
    commits: range.commits.length,
    dates: range.dates,
    changedModules: changedModules.map((m) => m.name),
    addedModules: added.map((m) => m.name),
    removedModules: removed.map((m) => m.name),
    violations: remaining,
    waived,
    waivers,
  };
}
