import { lazy, memo, Suspense } from "preact/compat";
import { useEffect, useRef } from "preact/hooks";
import type { TimelineItem } from "../store/types.ts";
import { ApprovalCard } from "./Approval.tsx";
import { useAppState } from "./context.ts";

const DiffView = lazy(() => import("./DiffView.tsx").then((m) => m.DiffView));

const TOOL_STATUS = { started: "running", completed: "done", failed: "failed", declined: "declined" } as const;
const TASK_MARK = { pending: "○", in_progress: "▸", completed: "✓" } as const;
const TASK_STATUS = { pending: "to do", in_progress: "in progress", completed: "done" } as const;

export function Timeline({ id }: { id: string }) {
  const items = useAppState((s) => s.sessions[id]?.items ?? []);
  const applied = useAppState((s) => s.sessions[id]?.sync.applied ?? 0);
  // A patch approval repeats the diff its file change already shows: show it once.
  const shownDiffs = new Set(items.flatMap((i) => (i.kind === "file_change" && i.diff ? [i.diff] : [])));
  const ref = useRef<HTMLElement>(null);
  const content = useRef<HTMLElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [items]);
  useEffect(() => {
    // Lazy diffs and streamed text grow the timeline after render: stay at the bottom while following.
    const el = ref.current;
    const inner = content.current;
    if (!el || !inner) return;
    const ro = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(inner);
    return () => ro.disconnect();
  }, []);
  return (
    <main
      ref={ref}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      <section
        ref={content}
        class="timeline"
        aria-label="Timeline"
        aria-live="polite"
        data-testid="timeline"
        data-applied={applied}
      >
        {items.length === 0 && <p class="muted">Nothing in this session yet.</p>}
        {items.map((item) => (
          <Item
            key={item.id}
            item={item}
            sessionId={id}
            diffShown={item.kind === "approval" && shownDiffs.has(item.diff ?? "")}
          />
        ))}
      </section>
    </main>
  );
}

const Item = memo(function Item({
  item,
  sessionId,
  diffShown,
}: {
  item: TimelineItem;
  sessionId: string;
  diffShown: boolean;
}) {
  switch (item.kind) {
    case "user":
      return (
        <div class="msg-user" data-testid="user-message" data-source={item.source}>
          {item.source === "scheduled" ? (
            <div class="small muted">Scheduled task</div>
          ) : (
            <span class="sr-only">You: </span>
          )}
          {item.text}
        </div>
      );
    case "text":
      return (
        <div class="msg-agent" data-testid="agent-text" data-done={item.done}>
          {item.text}
          {!item.done && <span aria-hidden="true"> ▍</span>}
        </div>
      );
    case "reasoning":
      return <div class="reasoning">{item.text}</div>;
    case "turn":
      return (
        <div class="turn" data-testid="turn" data-status={item.status}>
          {item.status === "started"
            ? "— turn started —"
            : item.status === "completed"
              ? "— turn completed —"
              : item.status === "interrupted"
                ? "— turn interrupted —"
                : `— turn failed: ${item.message ?? ""} —`}
        </div>
      );
    case "command":
      return (
        <article class="card cmd" data-testid="command" aria-label={`Command ${item.command}`}>
          <div class="row">
            <code class="mono grow ellipsis">$ {item.command}</code>
            {item.running ? (
              <span class="badge" data-state="working">
                running
              </span>
            ) : (
              <span class="badge exit" data-ok={item.exitCode === 0} data-testid="exit-code">
                exit {item.exitCode ?? "?"}
              </span>
            )}
          </div>
          {item.output && (
            <pre class="mono" data-testid="command-output">
              {item.output}
            </pre>
          )}
        </article>
      );
    case "tool":
      return (
        <article class="card tool" data-testid="tool-call" data-status={item.status} aria-label={`Tool ${item.tool}`}>
          <div class="row">
            <strong class="mono">{item.tool}</strong>
            <span class="mono grow ellipsis muted">{item.summary}</span>
            <span class="badge" data-state={item.status === "started" ? "working" : item.status}>
              {TOOL_STATUS[item.status]}
            </span>
          </div>
          {item.output && (
            <details>
              <summary class="small muted">Result</summary>
              <pre class="mono" data-testid="tool-output">
                {item.output}
              </pre>
            </details>
          )}
        </article>
      );
    case "tasks": {
      const done = item.tasks.filter((t) => t.status === "completed").length;
      return (
        <article class="card tasks" data-testid="task-list" aria-label="Tasks">
          <div class="row">
            <strong class="grow">Tasks</strong>
            <span class="small muted">
              {done} of {item.tasks.length} done
            </span>
          </div>
          <ul>
            {item.tasks.map((t) => (
              <li key={t.id} data-testid="task" data-status={t.status}>
                <span class="mark" aria-hidden="true">
                  {TASK_MARK[t.status]}
                </span>{" "}
                <span class="sr-only">{TASK_STATUS[t.status]}: </span>
                {t.subject}
              </li>
            ))}
          </ul>
        </article>
      );
    }
    case "file_change":
      return (
        <article class="card" data-testid="file-change" data-status={item.status}>
          <div class="row small">
            <strong class="grow">
              {item.files.length} file{item.files.length === 1 ? "" : "s"} changed
            </strong>
            <span class="badge">{item.status}</span>
          </div>
          {item.diff && (
            <Suspense fallback={<div class="muted small">Loading diff…</div>}>
              <DiffView diff={item.diff} />
            </Suspense>
          )}
        </article>
      );
    case "approval":
      return <ApprovalCard item={item} sessionId={sessionId} diffShown={diffShown} />;
    case "notice":
      return (
        <div class="card small muted" role="status" data-testid="notice" data-code={item.code}>
          {item.message}
        </div>
      );
    case "error":
      return (
        <div class="card" role="alert" data-testid="error">
          <strong class="exit" data-ok="false">
            {item.code}
          </strong>{" "}
          {item.message}
        </div>
      );
  }
});
