import type { AgentEvent, ApprovalQuestion } from "@codex-remote/protocol";

const dim = (s: string, color: boolean) => (color ? `\x1b[2m${s}\x1b[22m` : s);
const bold = (s: string, color: boolean) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const yellow = (s: string, color: boolean) => (color ? `\x1b[33m${s}\x1b[39m` : s);

const TASK_MARK = { pending: "○", in_progress: "▸", completed: "✓" } as const;

/**
 * The laptop's compact live view of a structured agent: one AgentEvent → the text to write (no
 * trailing newline handling beyond what the event implies). Deltas stream inline.
 */
export function renderEvent(e: AgentEvent, color = false): string {
  switch (e.kind) {
    case "session_started":
      return dim(
        `[${e.agent}${e.threadId ? ` thread ${e.threadId}` : ""}${e.model ? ` model ${e.model}` : ""}]\n`,
        color,
      );
    case "turn_started":
      return "";
    case "user_message":
      return e.source && e.source !== "local" ? `${bold(`${e.source}>`, color)} ${e.text}\n` : "";
    case "text_delta":
      return e.delta;
    case "text_completed":
      return "\n";
    case "reasoning_delta":
      return dim(e.delta, color);
    case "command_begin":
      return `${bold("$", color)} ${e.command}\n`;
    case "command_output_delta":
      return e.chunk;
    case "command_end":
      return dim(
        `[exit ${e.exitCode ?? "?"}${e.durationMs !== undefined ? `, ${Math.round(e.durationMs)} ms` : ""}]\n`,
        color,
      );
    case "file_change":
      return `${bold(`patch ${e.status}:`, color)} ${e.files.map((f) => `${f.change} ${f.path}`).join(", ")}\n${e.diff}${e.diff.endsWith("\n") ? "" : "\n"}`;
    case "approval_requested":
      if (e.questions) return `${yellow(`question [${e.requestId}]`, color)}\n${questionsText(e.questions)}`;
      if (e.plan) {
        const plan = e.plan.replace(/^/gm, "  │ ");
        return `${yellow(`plan to approve [${e.requestId}]`, color)}\n${plan}\n  → y to go ahead / n to keep planning\n`;
      }
      return `${yellow(`approval needed [${e.requestId}]`, color)} ${e.approval}: ${e.summary}\n${e.diff ? `${e.diff}\n` : ""}  → y / n (or /approve, /deny)\n`;
    case "approval_resolved":
      return dim(
        `[${e.requestId}: ${e.decision} by ${e.by}${e.answers ? `: ${Object.values(e.answers).join(" / ")}` : ""}]\n`,
        color,
      );
    case "tool_call":
      if (e.status === "started") return dim(`[${e.tool}${e.summary ? `: ${e.summary}` : ""}]\n`, color);
      return dim(`[${e.tool} ${e.status}]\n`, color);
    case "task_list":
      return dim(
        `[tasks: ${e.tasks.map((t) => `${TASK_MARK[t.status]} ${t.subject}`).join(" · ") || "none"}]\n`,
        color,
      );
    case "agent_mode":
      return dim(`[mode: ${e.mode.replace("_", " ")}]\n`, color);
    case "goal":
      return e.goal
        ? `${bold("goal", color)} ${e.goal.status.replace("_", " ")}: ${e.goal.objective}\n`
        : dim("[goal cleared]\n", color);
    case "usage":
      return dim(`[tokens in ${e.inputTokens}, out ${e.outputTokens}]\n`, color);
    case "turn_completed":
      return dim("[turn done]\n", color);
    case "turn_failed":
      return `turn failed: ${e.message}\n`;
    case "turn_interrupted":
      return dim("[interrupted]\n", color);
    case "error":
      return `error ${e.code}: ${e.message}\n`;
    case "unsupported":
      return "";
  }
}

/** An agent's questions with numbered options, and how to answer them. */
function questionsText(questions: readonly ApprovalQuestion[]): string {
  const lines: string[] = [];
  questions.forEach((q, i) => {
    const head = questions.length > 1 ? `${i + 1}. ` : "";
    lines.push(`  ${head}${q.question}${q.header ? ` [${q.header}]` : ""}${q.multiSelect ? " (one or more)" : ""}`);
    q.options.forEach((o, k) => {
      lines.push(`     ${k + 1}) ${o.label}${o.description ? ` — ${o.description}` : ""}`);
    });
  });
  const how =
    questions.length > 1 ? "one choice per question, in order" : questions[0]?.multiSelect ? "e.g. 1,3" : "a number";
  lines.push(`  → /answer with ${how}, or your own words; n to skip`);
  return `${lines.join("\n")}\n`;
}
