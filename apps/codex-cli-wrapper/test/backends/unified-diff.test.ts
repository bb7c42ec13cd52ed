import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/backends/unified-diff.ts";

describe("unifiedDiff", () => {
  it("diffs a new file", () => {
    expect(unifiedDiff("a.txt", undefined, "x\ny\n")).toBe(
      "diff --git a/a.txt b/a.txt\nnew file mode 100644\n--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n",
    );
  });
  it("diffs a change in the middle with context", () => {
    const old = "1\n2\n3\n4\n5\n6\n7\n8\n";
    const next = "1\n2\n3\n4\nfive\n6\n7\n8\n";
    expect(unifiedDiff("n.txt", old, next)).toBe(
      "diff --git a/n.txt b/n.txt\n--- a/n.txt\n+++ b/n.txt\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
    );
  });
  it("diffs a deleted file and returns nothing for no change", () => {
    expect(unifiedDiff("d.txt", "gone\n", undefined)).toContain("@@ -1,1 +0,0 @@\n-gone\n");
    expect(unifiedDiff("s.txt", "same\n", "same\n")).toBe("");
  });
});
