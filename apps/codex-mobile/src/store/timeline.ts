import type { AgentEvent } from "@codex-remote/protocol";
import type { TimelineItem } from "./types.ts";

/** Applies one agent event to a timeline, returning a new array (the old one is never mutated). */
export function applyToTimeline(
  items: readonly TimelineItem[],
  event: AgentEvent,
  seq: number,
): readonly TimelineItem[] {
  switch (event.kind) {
    case "session_started":
    case "usage":
    case "goal":
    case "agent_mode":
      return items;
    case "turn_started":
      return [...items, { kind: "turn", id: turnId(seq, event.turnId), status: "started" }];
    case "turn_completed":
      return [...items, { kind: "turn", id: turnId(seq, event.turnId), status: "completed" }];
    case "turn_interrupted":
      return [...items, { kind: "turn", id: turnId(seq, event.turnId), status: "interrupted" }];
    case "turn_failed":
      return [...items, { kind: "turn", id: turnId(seq, event.turnId), status: "failed", message: event.message }];
    case "user_message":
      return [
        ...items,
        {
          kind: "user",
          id: `user-${seq}`,
          text: event.text,
          ...(event.source ? { source: event.source } : {}),
        },
      ];
    case "text_delta":
      return upsert(
        items,
        event.itemId,
        "text",
        (old) => ({ ...old, text: old.text + event.delta }),
        () => ({ kind: "text", id: event.itemId, text: event.delta, done: false }),
      );
    case "text_completed":
      return upsert(
        items,
        event.itemId,
        "text",
        (old) => ({ ...old, text: event.text, done: true }),
        () => ({ kind: "text", id: event.itemId, text: event.text, done: true }),
      );
    case "reasoning_delta":
      return upsert(
        items,
        event.itemId,
        "reasoning",
        (old) => ({ ...old, text: old.text + event.delta }),
        () => ({ kind: "reasoning", id: event.itemId, text: event.delta }),
      );
    case "tool_call": {
      const output = event.output !== undefined ? { output: event.output } : {};
      return upsert(
        items,
        event.itemId,
        "tool",
        (old) => ({ ...old, status: event.status, summary: event.summary || old.summary, ...output }),
        () => ({
          kind: "tool",
          id: event.itemId,
          tool: event.tool,
          summary: event.summary,
          status: event.status,
          ...output,
        }),
      );
    }
    case "task_list": {
      // one checklist per turn, showing its latest state
      const id = `tasks-${event.turnId ?? "session"}`;
      return upsert(
        items,
        id,
        "tasks",
        (old) => ({ ...old, tasks: event.tasks }),
        () => ({ kind: "tasks", id, tasks: event.tasks }),
      );
    }
    case "command_begin":
      return upsert(
        items,
        event.itemId,
        "command",
        (old) => ({ ...old, command: event.command, running: true }),
        () => ({
          kind: "command",
          id: event.itemId,
          command: event.command,
          ...(event.cwd ? { cwd: event.cwd } : {}),
          output: "",
          running: true,
          exitCode: undefined,
        }),
      );
    case "command_output_delta":
      return upsert(
        items,
        event.itemId,
        "command",
        (old) => ({ ...old, output: old.output + event.chunk }),
        () => ({
          kind: "command",
          id: event.itemId,
          command: "",
          output: event.chunk,
          running: true,
          exitCode: undefined,
        }),
      );
    case "command_end":
      return upsert(
        items,
        event.itemId,
        "command",
        (old) => ({
          ...old,
          running: false,
          exitCode: event.exitCode,
          ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
        }),
        () => ({
          kind: "command",
          id: event.itemId,
          command: "",
          output: "",
          running: false,
          exitCode: event.exitCode,
        }),
      );
    case "file_change":
      return upsert(
        items,
        event.itemId,
        "file_change",
        (old) => ({ ...old, files: event.files, diff: event.diff || old.diff, status: event.status }),
        () => ({ kind: "file_change", id: event.itemId, files: event.files, diff: event.diff, status: event.status }),
      );
    case "approval_requested":
      return upsert(
        items,
        `approval-${event.requestId}`,
        "approval",
        (old) => old,
        () => ({
          kind: "approval",
          id: `approval-${event.requestId}`,
          requestId: event.requestId,
          approval: event.approval,
          summary: event.summary,
          ...(event.command !== undefined ? { command: event.command } : {}),
          ...(event.diff !== undefined ? { diff: event.diff } : {}),
          ...(event.reason !== undefined ? { reason: event.reason } : {}),
          ...(event.questions !== undefined ? { questions: event.questions } : {}),
          ...(event.plan !== undefined ? { plan: event.plan } : {}),
        }),
      );
    case "approval_resolved":
      return upsert(
        items,
        `approval-${event.requestId}`,
        "approval",
        (old) => ({
          ...old,
          decision: event.decision,
          by: event.by,
          ...(event.answers !== undefined ? { answers: event.answers } : {}),
        }),
        () => ({
          kind: "approval",
          id: `approval-${event.requestId}`,
          requestId: event.requestId,
          approval: "tool",
          summary: "",
          decision: event.decision,
          by: event.by,
        }),
      );
    case "error":
      return [
        ...items,
        { kind: "error", id: `error-${seq}`, code: event.code, message: event.message, fatal: event.fatal },
      ];
    default:
      // An event kind newer than this app: nothing to draw, and nothing breaks.
      return items;
  }
}

/** Ids come from the event's sequence, so the same events always give the same timeline. */
function turnId(seq: number, id: string | undefined): string {
  return `turn-${id ?? "?"}-${seq}`;
}

type ItemOf<K extends TimelineItem["kind"]> = Extract<TimelineItem, { kind: K }>;

function upsert<K extends TimelineItem["kind"]>(
  items: readonly TimelineItem[],
  id: string,
  kind: K,
  update: (old: ItemOf<K>) => ItemOf<K>,
  create: () => ItemOf<K>,
): readonly TimelineItem[] {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.id === id && item.kind === kind) {
      const next = items.slice();
      next[i] = update(item as ItemOf<K>);
      return next;
    }
  }
  return [...items, create()];
}

/** Pending approvals (asked, not yet resolved by anyone). */
export function pendingApprovals(items: readonly TimelineItem[]): ItemOf<"approval">[] {
  return items.filter((i): i is ItemOf<"approval"> => i.kind === "approval" && i.decision === undefined);
}
