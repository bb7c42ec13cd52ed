import { describe, expect, it } from "vitest";
import { parseUnifiedDiff, tokenize } from "../src/ui/diff-parse.ts";

const diff = [
  "diff --git a/src/app.ts b/src/app.ts",
  "index 1111111..2222222 100644",
  "--- a/src/app.ts",
  "+++ b/src/app.ts",
  "@@ -1,3 +1,3 @@",
  ' import x from "x";',
  "-const a = 1;",
  "+const a = 2; // changed",
  " export { a };",
  "diff --git a/README.md b/README.md",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/README.md",
  "@@ -0,0 +1,2 @@",
  "+# Title",
  "+text",
  "",
].join("\n");

describe("unified diff parsing", () => {
  it("splits per file with counts", () => {
    const files = parseUnifiedDiff(diff);
    expect(files.map((f) => [f.newPath, f.added, f.removed])).toEqual([
      ["src/app.ts", 1, 1],
      ["README.md", 2, 0],
    ]);
    expect(files[0]!.lines.filter((l) => l.kind === "hunk")).toHaveLength(1);
    expect(files[1]!.oldPath).toBe("README.md");
  });

  it("handles a diff without git headers", () => {
    const files = parseUnifiedDiff("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n");
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ newPath: "x.py", added: 1, removed: 1 });
  });

  it("never throws on garbage", () => {
    for (const s of ["", "@@", "+++", "diff --git", "\n\n\n", "random text\n+x"]) {
      expect(() => parseUnifiedDiff(s)).not.toThrow();
    }
  });

  it("colours keywords, strings and comments in source files only", () => {
    const toks = tokenize("a.ts", 'const s = "hi"; // note');
    expect(toks.filter((t) => t.t !== "p").map((t) => [t.t, t.v])).toEqual([
      ["k", "const"],
      ["s", '"hi"'],
      ["c", "// note"],
    ]);
    expect(tokenize("notes.txt", "const x")).toEqual([{ t: "p", v: "const x" }]);
    expect(tokenize("a.ts", "x # y").some((t) => t.t === "c")).toBe(false);
    expect(tokenize("a.py", "x # y").some((t) => t.t === "c")).toBe(true);
  });
});
