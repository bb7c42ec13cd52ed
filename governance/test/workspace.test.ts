import { describe, expect, it } from "vitest";
import { addedLines, PLACEHOLDER, unreleasedSpan } from "../src/changelog.ts";
import { parseWorkspaceGlobs } from "../src/workspace.ts";

describe("workspace and changelog parsing", () => {
  it("reads the packages globs of pnpm-workspace.yaml and nothing else", () => {
    const yaml = 'packages:\n  - apps/*\n  - "packages/*" # libs\n  - governance\n\ncatalog:\n  zod: 4\n';
    expect(parseWorkspaceGlobs(yaml)).toEqual(["apps/*", "packages/*", "governance"]);
  });

  it("finds the Unreleased section and the lines a diff adds", () => {
    const text = "# C\n\n## [Unreleased]\n- a\n\n## [1.0.0]\n- b\n";
    expect(unreleasedSpan(text)).toEqual({ start: 3, end: 6 });
    const diff = "+++ b/CHANGELOG.md\n@@ -3,0 +4 @@\n+- a\n@@ -6 +7 @@\n-x\n+- b\n";
    expect(addedLines(diff)).toEqual([
      { line: 4, text: "- a" },
      { line: 7, text: "- b" },
    ]);
  });

  it("treats only line-leading TODO: as a placeholder, not a mention of it", () => {
    expect(PLACEHOLDER.test("TODO: the shape of the module")).toBe(true);
    expect(PLACEHOLDER.test("- TODO: say what changed (2026-11-24).")).toBe(true);
    expect(PLACEHOLDER.test("The check refuses the template's `TODO:` lines.")).toBe(false);
  });
});
