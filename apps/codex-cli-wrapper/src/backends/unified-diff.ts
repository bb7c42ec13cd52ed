/**
 * A git-style unified diff of one file from its old and new text: one hunk spanning the changed
 * lines (common leading and trailing lines trimmed, up to 3 lines of context). Enough for a phone to
 * show what an agent is about to write; not a minimal diff.
 */
export function unifiedDiff(path: string, oldText: string | undefined, newText: string | undefined): string {
  const a = toLines(oldText);
  const b = toLines(newText);
  const header =
    oldText === undefined
      ? `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n`
      : newText === undefined
        ? `diff --git a/${path} b/${path}\ndeleted file mode 100644\n--- a/${path}\n+++ /dev/null\n`
        : `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n`;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (start === endA && start === endB) return oldText === newText ? "" : header;
  const ctx = 3;
  const from = Math.max(0, start - ctx);
  const toA = Math.min(a.length, endA + ctx);
  const toB = Math.min(b.length, endB + ctx);
  const lines = [
    ...a.slice(from, start).map((l) => ` ${l}`),
    ...a.slice(start, endA).map((l) => `-${l}`),
    ...b.slice(start, endB).map((l) => `+${l}`),
    ...a.slice(endA, toA).map((l) => ` ${l}`),
  ];
  const oldCount = toA - from;
  const newCount = toB - from;
  const range = (begin: number, count: number) => `${count === 0 ? begin : begin + 1},${count}`;
  return `${header}@@ -${range(from, oldCount)} +${range(from, newCount)} @@\n${lines.map((l) => `${l}\n`).join("")}`;
}

function toLines(text: string | undefined): string[] {
  if (text === undefined || text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
