import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { displayPath } from "../codex/diff.ts";
import { unifiedDiff } from "../unified-diff.ts";
import type { StructuredHunk } from "./schemas.ts";

/** Claude Code tools that change files; their approvals are `file_change`, not `tool`. */
export const FILE_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit"]);

function readIfExists(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The file a file tool targets, as an absolute path and as shown (relative to cwd). */
export function toolFile(input: Record<string, unknown>, cwd: string): { abs: string; shown: string } | undefined {
  const raw = str(input.file_path) ?? str(input.notebook_path);
  if (!raw) return undefined;
  const abs = isAbsolute(raw) ? raw : join(cwd, raw);
  return { abs, shown: displayPath(abs, cwd) };
}

/** The diff a file tool call would make, computed from the file as it is now and the tool's input. */
export function proposedToolDiff(tool: string, input: Record<string, unknown>, cwd: string): string {
  const file = toolFile(input, cwd);
  if (!file) return "";
  const before = readIfExists(file.abs);
  if (tool === "Write") return unifiedDiff(file.shown, before, str(input.content) ?? "");
  if (tool === "Edit" || tool === "MultiEdit") {
    const edits =
      tool === "Edit"
        ? [{ old_string: input.old_string, new_string: input.new_string, replace_all: input.replace_all }]
        : Array.isArray(input.edits)
          ? (input.edits as Array<Record<string, unknown>>)
          : [];
    let after = before ?? "";
    for (const e of edits) {
      const from = str(e.old_string) ?? "";
      const to = str(e.new_string) ?? "";
      after = e.replace_all === true ? after.split(from).join(to) : after.replace(from, () => to);
    }
    return unifiedDiff(file.shown, before, after);
  }
  if (tool === "NotebookEdit") return notebookCellDiff(file.shown, before, input);
  return "";
}

const Notebook = z.object({
  cells: z.array(z.object({ id: z.string().optional(), source: z.union([z.string(), z.array(z.string())]) })),
});

/**
 * A NotebookEdit as a diff of the one cell it changes (the notebook's JSON would bury it): the cell
 * by `cell_id` (an id, or `cell-N` for the N-th), and `edit_mode` replace (default), insert or delete.
 */
function notebookCellDiff(shown: string, before: string | undefined, input: Record<string, unknown>): string {
  let cells: z.infer<typeof Notebook>["cells"] = [];
  try {
    const nb = Notebook.safeParse(JSON.parse(before ?? ""));
    if (nb.success) cells = nb.data.cells;
  } catch {}
  const id = str(input.cell_id);
  const byIndex = id ? /^cell-(\d+)$/.exec(id) : null;
  const index = id ? cells.findIndex((c, i) => c.id === id || (byIndex !== null && Number(byIndex[1]) === i)) : -1;
  const source = (c: (typeof cells)[number] | undefined) =>
    c === undefined ? "" : typeof c.source === "string" ? c.source : c.source.join("");
  const mode = str(input.edit_mode) ?? "replace";
  const next = str(input.new_source) ?? "";
  const label = `${shown} (cell ${id ?? "new"})`;
  const withNewline = (t: string) => (t === "" || t.endsWith("\n") ? t : `${t}\n`);
  if (mode === "insert") return unifiedDiff(label, undefined, withNewline(next));
  const old = withNewline(source(cells[index]));
  return unifiedDiff(label, old, mode === "delete" ? "" : withNewline(next));
}

/** A unified diff from Claude Code's own `structuredPatch` (what it reports after an edit). */
export function structuredPatchDiff(shown: string, hunks: readonly StructuredHunk[], created: boolean): string {
  const header = created
    ? `diff --git a/${shown} b/${shown}\nnew file mode 100644\n--- /dev/null\n+++ b/${shown}\n`
    : `diff --git a/${shown} b/${shown}\n--- a/${shown}\n+++ b/${shown}\n`;
  return (
    header +
    hunks
      .map(
        (h) =>
          `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n${h.lines.map((l) => `${l}\n`).join("")}`,
      )
      .join("")
  );
}
