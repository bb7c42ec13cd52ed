/** A unified diff split per file, for the collapsible diff view. Pure; never throws. */
export interface DiffFile {
  oldPath: string;
  newPath: string;
  added: number;
  removed: number;
  lines: DiffLine[];
}
export interface DiffLine {
  kind: "add" | "del" | "ctx" | "hunk" | "meta";
  text: string;
}

export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let cur: DiffFile | undefined;
  const start = (oldPath: string, newPath: string) => {
    cur = { oldPath, newPath, added: 0, removed: 0, lines: [] };
    files.push(cur);
  };
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      const m = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
      start(m?.[1] ?? "", m?.[2] ?? "");
      continue;
    }
    if (line.startsWith("--- ") && (!cur || cur.lines.some((l) => l.kind === "hunk"))) start("", "");
    if (!cur) start("", "");
    const f = cur!;
    if (line.startsWith("--- ")) {
      const p = stripPrefix(line.slice(4));
      if (p !== null) f.oldPath = p;
    } else if (line.startsWith("+++ ")) {
      const p = stripPrefix(line.slice(4));
      if (p !== null) f.newPath = p;
    } else if (line.startsWith("@@")) f.lines.push({ kind: "hunk", text: line });
    else if (!f.lines.some((l) => l.kind === "hunk")) {
      if (line) f.lines.push({ kind: "meta", text: line });
    } else if (line.startsWith("+")) {
      f.added++;
      f.lines.push({ kind: "add", text: line });
    } else if (line.startsWith("-")) {
      f.removed++;
      f.lines.push({ kind: "del", text: line });
    } else if (line.startsWith("\\")) f.lines.push({ kind: "meta", text: line });
    else if (line !== "" || f.lines.length > 0) f.lines.push({ kind: "ctx", text: line });
  }
  for (const f of files) {
    while (f.lines.at(-1)?.kind === "ctx" && f.lines.at(-1)?.text === "") f.lines.pop();
    if (!f.oldPath) f.oldPath = f.newPath;
    if (!f.newPath) f.newPath = f.oldPath;
  }
  return files.filter((f) => f.lines.length > 0 || f.newPath);
}

function stripPrefix(p: string): string | null {
  const path = p.split("\t")[0]!.trim();
  if (path === "/dev/null") return null;
  return path.replace(/^[ab]\//, "");
}

export type Token = { t: "k" | "s" | "c" | "p"; v: string };

const KEYWORDS = new Set(
  (
    "const let var function return if else for while do switch case break continue new class extends import export " +
    "from default async await try catch finally throw typeof instanceof in of this null undefined true false " +
    "def elif pass lambda with as yield None True False self fn pub mod use struct enum impl match mut type interface"
  ).split(" "),
);
const CODE_EXT = /\.(m?[jt]sx?|c[jt]s|py|rs|go|java|kt|swift|c|h|cc|cpp|rb|sh)$/;

/** Cheap syntax colouring: keywords, strings and line comments for common source files; plain otherwise. */
export function tokenize(path: string, text: string): Token[] {
  if (!CODE_EXT.test(path) || text.length > 400) return [{ t: "p", v: text }];
  const out: Token[] = [];
  const re = /(\/\/.*$|#.*$)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)|([A-Za-z_]\w*)/g;
  const hashComments = /\.(py|rb|sh)$/.test(path);
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]?.startsWith("#") && !hashComments) {
      continue;
    }
    if (m.index > last) out.push({ t: "p", v: text.slice(last, m.index) });
    if (m[1]) out.push({ t: "c", v: m[1] });
    else if (m[2]) out.push({ t: "s", v: m[2] });
    else if (m[3]) out.push({ t: KEYWORDS.has(m[3]) ? "k" : "p", v: m[3] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ t: "p", v: text.slice(last) });
  return out;
}
