import { EMPTY_TREE, type Git, showFile } from "./git.ts";

export interface Module {
  /** The module's name: the last segment of its directory, as used in docs/architecture/<name>/. */
  readonly name: string;
  /** Its directory relative to the repository root, without a trailing slash. */
  readonly dir: string;
}

/** The `packages:` globs of a pnpm-workspace.yaml (block list form). */
export function parseWorkspaceGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const raw of yaml.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (!inPackages) continue;
    const item = /^\s+-\s+(.+?)\s*$/.exec(line);
    if (item?.[1]) globs.push(item[1].replace(/^["']|["']$/g, "").replace(/\/$/, ""));
    else if (/^\S/.test(line)) inPackages = false;
  }
  return globs;
}

function listTree(git: Git, rev: string): string[] {
  if (rev === EMPTY_TREE) return [];
  return git.run(["ls-tree", "-r", "--name-only", rev]).split("\n").filter(Boolean);
}

function listWorkingTree(git: Git): string[] {
  return git.run(["ls-files", "--cached", "--others", "--exclude-standard"]).split("\n").filter(Boolean);
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("/")
    .map((seg) => (seg === "**" ? ".+" : seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]+")))
    .join("/");
  return new RegExp(`^${body}$`);
}

function modulesFrom(yaml: string | undefined, files: readonly string[]): Module[] {
  if (yaml === undefined) return [];
  const globs = parseWorkspaceGlobs(yaml);
  const include = globs.filter((g) => !g.startsWith("!")).map(globToRegExp);
  const exclude = globs.filter((g) => g.startsWith("!")).map((g) => globToRegExp(g.slice(1)));
  const dirs = new Set<string>();
  for (const file of files) {
    if (!file.endsWith("/package.json")) continue;
    const dir = file.slice(0, -"/package.json".length);
    if (include.some((r) => r.test(dir)) && !exclude.some((r) => r.test(dir))) dirs.add(dir);
  }
  return [...dirs]
    .map((dir) => ({ dir, name: dir.split("/").pop() ?? dir }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The workspace's modules as they are at a revision. */
export function modulesAt(git: Git, rev: string): Module[] {
  return modulesFrom(showFile(git, rev, "pnpm-workspace.yaml"), listTree(git, rev));
}

/** The workspace's modules as they are in the working tree. */
export function modulesInWorkingTree(git: Git, readFile: (path: string) => string | undefined): Module[] {
  return modulesFrom(readFile("pnpm-workspace.yaml"), listWorkingTree(git));
}
