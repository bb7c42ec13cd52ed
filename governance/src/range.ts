import { GovernanceError, GovernanceErrorCode } from "./errors.ts";
import { EMPTY_TREE, type Git } from "./git.ts";

export interface Commit {
  readonly sha: string;
  /** UTC committer date, YYYY-MM-DD. */
  readonly date: string;
  readonly waivers: readonly string[];
}

export interface Range {
  /** The commit the change is measured from (the merge base), or EMPTY_TREE for a range from the first commit. */
  readonly base: string;
  readonly head: string;
  readonly commits: readonly Commit[];
  /** Dates a daily note in this range may carry. */
  readonly dates: readonly string[];
  readonly label: string;
}

function verifyCommit(git: Git, ref: string): string {
  const sha = git.tryRun(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])?.trim();
  if (!sha) {
    const shallow = isShallow(git);
    throw new GovernanceError(
      GovernanceErrorCode.BAD_REF,
      `'${ref}' is not a commit in this repository`,
      shallow
        ? "this is a shallow clone: fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)"
        : "check the ref name; for a pull request fetch its base first (git fetch origin <base>)",
    );
  }
  return sha;
}

function isShallow(git: Git): boolean {
  return git.tryRun(["rev-parse", "--is-shallow-repository"])?.trim() === "true";
}

const SEP = "\x1f";
const REC = "\x1e";

function readCommits(git: Git, revRange: readonly string[]): Commit[] {
  const out = git.run([
    "log",
    "--date=format-local:%Y-%m-%d",
    `--format=%H${SEP}%cd${SEP}%(trailers:key=Governance-Waiver,valueonly,separator=%x1d)${REC}`,
    ...revRange,
  ]);
  return out
    .split(REC)
    .map((r) => r.trim())
    .filter(Boolean)
    .map((record) => {
      const [sha = "", date = "", waivers = ""] = record.split(SEP);
      return {
        sha,
        date,
        waivers: waivers
          .split("\x1d")
          .map((w) => w.trim())
          .filter(Boolean),
      };
    });
}

function rangeFrom(git: Git, base: string, head: string, label: string): Range {
  const commits = base === EMPTY_TREE ? readCommits(git, [head]) : readCommits(git, [`${base}..${head}`]);
  const dates = [...new Set(commits.map((c) => c.date))].sort();
  return { base, head, commits, dates, label };
}

/** BASE...HEAD: the change HEAD makes since it forked from BASE. */
export function explicitRange(git: Git, baseRef: string, headRef: string): Range {
  const base = verifyCommit(git, baseRef);
  const head = verifyCommit(git, headRef);
  const mergeBase = git.tryRun(["merge-base", base, head])?.trim();
  if (!mergeBase) {
    throw new GovernanceError(
      GovernanceErrorCode.SHALLOW,
      `'${baseRef}' and '${headRef}' share no history here`,
      isShallow(git)
        ? "this is a shallow clone: fetch the full history (git fetch --unshallow, or fetch-depth: 0)"
        : "the two refs have unrelated histories",
    );
  }
  return rangeFrom(git, mergeBase, head, `${baseRef}...${headRef}`);
}

/** The commits on HEAD's first-parent line that share HEAD's UTC commit date. */
export function dayRange(git: Git, headRef: string): Range {
  const head = verifyCommit(git, headRef);
  const lines = git
    .run(["log", "--first-parent", "--date=format-local:%Y-%m-%d", `--format=%H %P${SEP}%cd`, head])
    .split("\n")
    .filter(Boolean);
  const first = lines[0]?.split(SEP)[1];
  let oldest: string[] = [];
  for (const line of lines) {
    const [shas = "", date] = line.split(SEP);
    if (date !== first) break;
    oldest = shas.split(" ");
  }
  const parent = oldest[1];
  let base = EMPTY_TREE;
  if (parent) base = parent;
  else if (isShallow(git) && lines.length > 0) {
    const graft = git.tryRun(["rev-parse", "--verify", "--quiet", `${oldest[0]}^`]);
    if (!graft)
      throw new GovernanceError(
        GovernanceErrorCode.SHALLOW,
        `the day's first commit ${oldest[0]?.slice(0, 10)} has no parent in this shallow clone`,
        "fetch the full history (git fetch --unshallow, or fetch-depth: 0)",
      );
  }
  return rangeFrom(
    git,
    base,
    head,
    `day ${first} (${base === EMPTY_TREE ? "from the first commit" : `${base.slice(0, 10)}..${head.slice(0, 10)}`})`,
  );
}
