import { spawnSync } from "node:child_process";
import { GovernanceError, GovernanceErrorCode } from "./errors.ts";

/** git's well-known empty tree: the base of a range that starts at the first commit. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface Git {
  readonly cwd: string;
  run(args: readonly string[]): string;
  tryRun(args: readonly string[]): string | undefined;
}

export function makeGit(cwd: string): Git {
  const exec = (args: readonly string[]) =>
    spawnSync("git", args, {
      cwd,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, TZ: "UTC", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
    });
  return {
    cwd,
    run(args) {
      const r = exec(args);
      if (r.error) throw new GovernanceError(GovernanceErrorCode.GIT, `git could not start: ${r.error.message}`);
      if (r.status !== 0) {
        const msg = r.stderr.trim();
        if (/not a git repository/i.test(msg)) throw new GovernanceError(GovernanceErrorCode.NOT_A_REPO, msg);
        throw new GovernanceError(GovernanceErrorCode.GIT, `git ${args.join(" ")} failed: ${msg}`);
      }
      return r.stdout;
    },
    tryRun(args) {
      const r = exec(args);
      return r.status === 0 ? r.stdout : undefined;
    },
  };
}

/** The file's text at a revision, or undefined when it does not exist there. */
export function showFile(git: Git, rev: string, path: string): string | undefined {
  if (rev === EMPTY_TREE) return undefined;
  return git.tryRun(["show", `${rev}:${path}`]);
}
