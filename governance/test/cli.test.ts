import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TestRepo } from "./repo.ts";

const CLI = join(import.meta.dirname, "..", "src", "cli.ts");
let repo: TestRepo;
afterEach(() => repo?.dispose());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.dir, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("governance CLI", () => {
  it("exits 0 when clean, 1 with violations, and prints the file and fix", () => {
    repo = TestRepo.withWorkspace();
    repo.git("tag", "base");
    expect(cli("check", "--base", "base").code).toBe(0);
    repo.write("packages/alpha/src/index.ts", "export const x = 2;\n");
    repo.commit("alpha", "2026-11-24T09:00:00Z");
    const r = cli("check", "--base", "base");
    expect(r.code).toBe(1);
    expect(r.out).toContain("file: docs/architecture/alpha/2026-11-24.md");
    expect(r.out).toContain("fix:  pnpm governance note alpha");
  });

  it("--json prints a machine-readable result", () => {
    repo = TestRepo.withWorkspace();
    repo.git("tag", "base");
    repo.write("apps/beta/src/index.ts", "export const y = 2;\n");
    repo.commit("beta", "2026-11-24T09:00:00Z");
    const r = cli("check", "--base", "base", "--json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { violations: Array<{ code: string; file: string }> };
    expect(json.violations.map((v) => v.code).sort()).toEqual(["GOV_CHANGELOG_MISSING", "GOV_NOTE_MISSING"]);
  });

  it("exits 2 with a typed error on a bad ref and on bad usage", () => {
    repo = TestRepo.withWorkspace();
    const bad = cli("check", "--base", "nope");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("GOV_ERR_BAD_REF");
    const both = cli("check", "--base", "HEAD", "--day");
    expect(both.code).toBe(2);
    expect(both.err).toContain("exactly one of --base REF or --day");
    expect(cli("check", "--bogus").code).toBe(2);
    expect(cli("frobnicate").code).toBe(2);
  });

  it("says how to fix a shallow clone", () => {
    repo = TestRepo.withWorkspace();
    repo.write("apps/beta/src/index.ts", "export const y = 3;\n");
    repo.commit("second", "2026-11-25T09:00:00Z");
    const shallow = new TestRepo();
    spawnSync("git", ["clone", "-q", "--depth", "1", `file://${repo.dir}`, shallow.dir], { encoding: "utf8" });
    const r = spawnSync(process.execPath, [CLI, "check", "--base", "HEAD~1"], { cwd: shallow.dir, encoding: "utf8" });
    shallow.dispose();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("shallow clone");
    expect(r.stderr).toContain("fetch-depth: 0");
  });

  it("note creates today's note and a changelog stub that the check still refuses until filled", () => {
    repo = TestRepo.withWorkspace();
    repo.git("tag", "base");
    repo.write("packages/alpha/src/index.ts", "export const x = 9;\n");
    const r = cli("note", "alpha", "--date", "2026-11-24");
    expect(r.code).toBe(0);
    const note = join(repo.dir, "docs/architecture/alpha/2026-11-24.md");
    expect(existsSync(note)).toBe(true);
    const changelog = readFileSync(join(repo.dir, "packages/alpha/CHANGELOG.md"), "utf8");
    expect(changelog).toMatch(/## \[Unreleased\]\n\n- TODO: .*\(2026-11-24\)/);
    expect(cli("note", "alpha", "--date", "2026-11-24").out).toContain("exists");
    repo.commit("alpha with stubs", "2026-11-24T09:00:00Z");
    expect(cli("check", "--base", "base").code).toBe(1);

    repo.note("alpha", "2026-11-24", "x is now 9 because the tests need it.");
    repo.write("packages/alpha/CHANGELOG.md", changelog.replace(/- TODO: .*/, "- x is 9 (2026-11-24)."));
    repo.commit("filled", "2026-11-24T10:00:00Z");
    expect(cli("check", "--base", "base").out).toContain("ok:");
  });

  it("note refuses an unknown module and lists the real ones", () => {
    repo = TestRepo.withWorkspace();
    const r = cli("note", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toContain("GOV_ERR_UNKNOWN_MODULE");
    expect(r.err).toContain("alpha, beta");
  });
});
