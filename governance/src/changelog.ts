/** Line span (1-based, exclusive end) of the `## [Unreleased]` section, or undefined when there is none. */
export function unreleasedSpan(text: string): { start: number; end: number } | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^##\s+\[?unreleased\]?\s*$/i.test(l.trim()));
  if (start < 0) return undefined;
  let end = lines.length + 1;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^##\s/.test(lines[i] ?? "")) {
      end = i + 1;
      break;
    }
  }
  return { start: start + 1, end };
}

/** Line numbers (1-based, in the new file) that a unified diff with -U0 adds, with their text. */
export function addedLines(diff: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let next = 0;
  for (const l of diff.split("\n")) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (hunk) {
      next = Number(hunk[1]);
      continue;
    }
    if (next === 0 || l.startsWith("+++")) continue;
    if (l.startsWith("+")) out.push({ line: next++, text: l.slice(1) });
    else if (!l.startsWith("-") && !l.startsWith("\\")) next++;
  }
  return out;
}

/** A placeholder left by `governance note`, which the check refuses to count as a real entry. */
export const PLACEHOLDER = /^\s*(?:[-*]\s+)?TODO:/m;

export const unreleasedStub = (date: string) => `- TODO: say what changed for users of this module (${date}).`;
