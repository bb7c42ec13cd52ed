import { afterEach, describe, expect, it } from "vitest";
import { check } from "../src/check.ts";
import { GovernanceError } from "../src/errors.ts";
import { makeGit } from "../src/git.ts";
import { dayRange, explicitRange } from "../src/range.ts";
import { TestRepo } from "./repo.ts";

let repo: TestRepo;
afterEach(() => repo?.dispose());

function run(base = "base", head = "HEAD") {
  return check(makeGit(repo.dir), explicitRange(makeGit(repo.dir), base, head));
}

function start(): TestRepo {
  repo = TestRepo.withWorkspace();
  repo.git("tag", "base");
  return repo;
}

const codes = (r: ReturnType<typeof run>) => r.violations.map((v) => `${v.module}:${v.code}`).sort();

describe("governance check on real git repositories", () => {
  it("passes a clean change: code, dated note and changelog entry", () => {
    start()
      .write("packages/alpha/src/index.ts", "export const x = 2;\n")
      .note("alpha", "2026-11-24")
      .changelogEntry("packages/alpha", "x is 2");
    repo.commit("alpha: x", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.changedModules).toEqual(["alpha"]);
    expect(r.violations).toEqual([]);
  });

  it("flags code without a note and names the file to create", () => {
    start().write("packages/alpha/src/index.ts", "export const x = 3;\n").changelogEntry("packages/alpha", "x is 3");
    repo.commit("alpha: x", "2026-11-24T09:00:00Z");
    const r = run();
    expect(codes(r)).toEqual(["alpha:GOV_NOTE_MISSING"]);
    expect(r.violations[0]?.file).toBe("docs/architecture/alpha/2026-11-24.md");
    expect(r.violations[0]?.fix).toContain("pnpm governance note alpha");
  });

  it("flags a note without a changelog entry", () => {
    start().write("packages/alpha/src/index.ts", "export const x = 4;\n").note("alpha", "2026-11-24");
    repo.commit("alpha", "2026-11-24T09:00:00Z");
    const r = run();
    expect(codes(r)).toEqual(["alpha:GOV_CHANGELOG_MISSING"]);
    expect(r.violations[0]?.file).toBe("packages/alpha/CHANGELOG.md");
  });

  it("flags a changelog change that is not under Unreleased", () => {
    start()
      .write("packages/alpha/src/index.ts", "export const x = 4;\n")
      .note("alpha", "2026-11-24")
      .write("packages/alpha/CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n- first\n- sneaked in\n");
    repo.commit("alpha", "2026-11-24T09:00:00Z");
    expect(codes(run())).toEqual(["alpha:GOV_CHANGELOG_NOT_UNRELEASED"]);
  });

  it("flags a stale-dated note", () => {
    start()
      .write("packages/alpha/src/index.ts", "export const x = 5;\n")
      .note("alpha", "2026-11-01")
      .changelogEntry("packages/alpha", "x is 5");
    repo.commit("alpha", "2026-11-24T09:00:00Z");
    const r = run();
    expect(codes(r)).toEqual(["alpha:GOV_NOTE_STALE"]);
    expect(r.violations[0]?.file).toBe("docs/architecture/alpha/2026-11-24.md");
  });

  it("accepts a note dated on any commit day of the range", () => {
    start().write("packages/alpha/src/index.ts", "export const x = 6;\n").changelogEntry("packages/alpha", "x");
    repo.commit("alpha code", "2026-11-23T22:00:00Z");
    repo.note("alpha", "2026-11-23");
    repo.commit("alpha note", "2026-11-24T01:00:00Z");
    expect(run().violations).toEqual([]);
  });

  it("judges two modules separately when one is compliant", () => {
    start()
      .write("packages/alpha/src/index.ts", "export const x = 7;\n")
      .note("alpha", "2026-11-24")
      .changelogEntry("packages/alpha", "x is 7")
      .write("apps/beta/src/index.ts", "export const y = 1;\n");
    repo.commit("both", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.changedModules).toEqual(["alpha", "beta"]);
    expect(codes(r)).toEqual(["beta:GOV_CHANGELOG_MISSING", "beta:GOV_NOTE_MISSING"]);
  });

  it("treats a module rename as a new module needing a note, a changelog and an overview change", () => {
    start();
    repo.git("mv", "apps/beta", "apps/gamma");
    repo.commit("rename beta to gamma", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.addedModules).toEqual(["gamma"]);
    expect(r.removedModules).toEqual(["beta"]);
    expect(codes(r)).toEqual([
      "*:GOV_OVERVIEW_MISSING",
      "gamma:GOV_CHANGELOG_NOT_UNRELEASED",
      "gamma:GOV_NOTE_MISSING",
    ]);

    repo
      .note("gamma", "2026-11-24")
      .changelogEntry("apps/gamma", "renamed from beta")
      .write("PROJECT_OVERVIEW.md", "# Overview\ngamma\n");
    repo.commit("docs for gamma", "2026-11-24T10:00:00Z");
    expect(run().violations).toEqual([]);
  });

  it("requires only an overview change when a module is deleted", () => {
    start().remove("apps/beta");
    repo.commit("drop beta", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.removedModules).toEqual(["beta"]);
    expect(codes(r)).toEqual(["*:GOV_OVERVIEW_MISSING"]);
    repo.write("PROJECT_OVERVIEW.md", "# Overview\nno beta\n");
    repo.commit("overview", "2026-11-24T10:00:00Z");
    expect(run().violations).toEqual([]);
  });

  it("asks nothing of a root-only change", () => {
    start().write("package.json", '{"name":"root","private":true}\n').write("scripts/x.sh", "echo\n");
    repo.commit("root", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.changedModules).toEqual([]);
    expect(r.violations).toEqual([]);
  });

  it("exempts a docs-only change inside a module", () => {
    start()
      .write("packages/alpha/README.md", "# alpha\nmore words\n")
      .write("packages/alpha/docs/guide.txt", "guide\n");
    repo.commit("docs", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.changedModules).toEqual([]);
    expect(r.violations).toEqual([]);
  });

  it("requires an overview change for a new module", () => {
    start().module("packages/delta").note("delta", "2026-11-24").changelogEntry("packages/delta", "new");
    repo.commit("delta", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.addedModules).toEqual(["delta"]);
    expect(codes(r)).toEqual(["*:GOV_OVERVIEW_MISSING"]);
  });

  it("reports a waiver trailer instead of failing, scoped to one module or all", () => {
    start()
      .write("packages/alpha/src/index.ts", "export const x = 8;\n")
      .write("apps/beta/src/index.ts", "export const y = 8;\n");
    repo.commit("hotfix\n\nGovernance-Waiver: alpha: emergency fix, note follows", "2026-11-24T09:00:00Z");
    const r = run();
    expect(r.waived.map((w) => `${w.module}:${w.code}`).sort()).toEqual([
      "alpha:GOV_CHANGELOG_MISSING",
      "alpha:GOV_NOTE_MISSING",
    ]);
    expect(r.waived[0]?.waiver.reason).toBe("emergency fix, note follows");
    expect(codes(r)).toEqual(["beta:GOV_CHANGELOG_MISSING", "beta:GOV_NOTE_MISSING"]);

    repo.write("apps/beta/src/index.ts", "export const y = 9;\n");
    repo.commit("more\n\nGovernance-Waiver: release freeze", "2026-11-24T10:00:00Z");
    const all = run();
    expect(all.violations).toEqual([]);
    expect(all.waivers.map((w) => w.module).sort()).toEqual(["*", "alpha"]);
  });

  it("refuses the template's TODO lines as a note or a changelog entry", () => {
    start()
      .write("packages/alpha/src/index.ts", "export const x = 10;\n")
      .note("alpha", "2026-11-24", "TODO: the shape of the module")
      .changelogEntry("packages/alpha", "TODO: say what changed (2026-11-24).");
    repo.commit("alpha", "2026-11-24T09:00:00Z");
    expect(codes(run())).toEqual(["alpha:GOV_CHANGELOG_UNFILLED", "alpha:GOV_NOTE_UNFILLED"]);
  });

  it("fails with a typed error on a bad ref", () => {
    start();
    expect(() => explicitRange(makeGit(repo.dir), "no-such-branch", "HEAD")).toThrow(GovernanceError);
    try {
      explicitRange(makeGit(repo.dir), "no-such-branch", "HEAD");
    } catch (e) {
      expect((e as GovernanceError).code).toBe("GOV_ERR_BAD_REF");
    }
  });

  it("--day covers exactly the commits that share HEAD's UTC date", () => {
    start().write("packages/alpha/src/index.ts", "export const x = 11;\n");
    repo.commit("yesterday, no note", "2026-11-23T23:59:00Z");
    repo
      .write("apps/beta/src/index.ts", "export const y = 11;\n")
      .note("beta", "2026-11-24")
      .changelogEntry("apps/beta", "y");
    repo.commit("today one", "2026-11-24T00:10:00Z");
    repo.write("apps/beta/src/index.ts", "export const y = 12;\n");
    repo.commit("today two", "2026-11-24T08:00:00Z");
    const range = dayRange(makeGit(repo.dir), "HEAD");
    expect(range.commits).toHaveLength(2);
    expect(range.dates).toEqual(["2026-11-24"]);
    const r = check(makeGit(repo.dir), range);
    expect(r.changedModules).toEqual(["beta"]);
    expect(r.violations).toEqual([]);
  });

  it("--day from the repository's first commit checks the whole tree", () => {
    repo = TestRepo.withWorkspace();
    const r = check(makeGit(repo.dir), dayRange(makeGit(repo.dir), "HEAD"));
    expect(r.changedModules).toEqual(["alpha", "beta"]);
    expect(codes(r)).toContain("alpha:GOV_NOTE_MISSING");
  });
});
