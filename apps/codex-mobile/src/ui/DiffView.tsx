import { useMemo } from "preact/hooks";
import { type DiffFile, parseUnifiedDiff, tokenize } from "./diff-parse.ts";

/** Per-file collapsible unified diff (loaded lazily: not part of the initial bundle). */
export function DiffView({ diff }: { diff: string }) {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  return (
    <div class="diff" data-testid="diff">
      {files.map((f, i) => (
        <FileDiff key={`${f.newPath}-${i}`} file={f} open={files.length <= 3} />
      ))}
    </div>
  );
}

function FileDiff({ file, open }: { file: DiffFile; open: boolean }) {
  const name = file.oldPath !== file.newPath && file.oldPath ? `${file.oldPath} → ${file.newPath}` : file.newPath;
  return (
    <details open={open} data-testid="diff-file">
      <summary>
        <span class="mono grow ellipsis">{name}</span>
        <span class="small exit" data-ok="true">
          +{file.added}
          <span class="sr-only"> lines added</span>
        </span>
        <span class="small exit" data-ok="false">
          −{file.removed}
          <span class="sr-only"> lines removed</span>
        </span>
      </summary>
      <div class="lines">
        {file.lines.map((l, i) => (
          <div key={i} class={`ln ${l.kind}`}>
            {l.kind === "add" || l.kind === "del" || l.kind === "ctx" ? (
              <>
                <span aria-hidden="true">{l.text.slice(0, 1) || " "}</span>
                {l.kind !== "ctx" && <span class="sr-only">{l.kind === "add" ? "added: " : "removed: "}</span>}
                {tokenize(file.newPath, l.text.slice(1)).map((t, j) =>
                  t.t === "p" ? (
                    t.v
                  ) : (
                    <span key={j} class={`tok-${t.t}`}>
                      {t.v}
                    </span>
                  ),
                )}
              </>
            ) : (
              l.text
            )}
          </div>
        ))}
      </div>
    </details>
  );
}
