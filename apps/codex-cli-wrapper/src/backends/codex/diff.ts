import { isAbsolute, relative } from "node:path";
import type { FileUpdate } from "./schemas.ts";

export type FileChangeKind = "add" | "delete" | "update" | "rename";

export function displayPath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel.startsWith("..") ? path : rel;
}

export function changeFiles(changes: readonly FileUpdate[], cwd: string | undefined) {
  return changes.map((c) => {
    const path = displayPath(c.path, cwd);
    if (c.kind.type === "update" && c.kind.move_path) {
      return { path, change: "rename" as FileChangeKind, movePath: displayPath(c.kind.move_path, cwd) };
    }
    return { path, change: c.kind.type as FileChangeKind };
  });
}

function lines(text: string): string[] {
  const out = text.split("\n");
  if (out.at(-1) === "") out.pop();
  return out;
}

/**
 * A git-style unified diff for a proposed change, before codex applied it (codex's own turn diff
 * only exists after the fact). Adds and deletes carry the whole content; updates carry codex's hunks.
 */
export function proposedDiff(changes: readonly FileUpdate[], cwd: string | undefined): string {
  return changes
    .map((c) => {
      const path = displayPath(c.path, cwd);
      if (c.kind.type === "add") {
        const body = lines(c.diff);
        return `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${body.length} @@\n${body.map((l) => `+${l}\n`).join("")}`;
      }
      if (c.kind.type === "delete") {
        const body = lines(c.diff);
        return `diff --git a/${path} b/${path}\ndeleted file mode 100644\n--- a/${path}\n+++ /dev/null\n@@ -1,${body.length} +0,0 @@\n${body.map((l) => `-${l}\n`).join("")}`;
      }
      const to = c.kind.move_path ? displayPath(c.kind.move_path, cwd) : path;
      const hunks = c.diff.endsWith("\n") || c.diff === "" ? c.diff : `${c.diff}\n`;
      return `diff --git a/${path} b/${to}\n--- a/${path}\n+++ b/${to}\n${hunks}`;
    })
    .join("");
}
