import { z } from "zod";

/**
 * The normalized events every CodexBackend emits, whatever the agent (Codex app-server, Claude
 * stream-json, PTY, demo). The wrapper maps agent output to these; the phone renders only these.
 * Ids are the agent's own where it has them (turn id, item id, approval request id).
 */
/** Longest plan an approval carries (characters); a longer one is cut by the backend, with a note. */
export const MAX_PLAN_CHARS = 100_000;
/** Bounds of a `tool_call` event's summary line and output excerpt (characters). */
export const MAX_TOOL_SUMMARY_CHARS = 500;
/** What an event kind looks like (lower-case words joined by `_`). */
export const EVENT_KIND = /^[a-z][a-z_]{0,63}$/;
export const MAX_TOOL_OUTPUT_CHARS = 4000;
/** Bounds of a `task_list` event: the agent's own checklist. */
export const MAX_TASKS = 100;
export const MAX_TASK_SUBJECT_CHARS = 500;

export const TaskStatus = z.enum(["pending", "in_progress", "completed"]);
export type TaskStatus = z.infer<typeof TaskStatus>;
export const AgentTask = z.object({
  /** The agent's own id for the task (claude: "1", "2", …). */
  id: z.string().min(1).max(64),
  subject: z.string().max(MAX_TASK_SUBJECT_CHARS),
  status: TaskStatus,
});
export type AgentTask = z.infer<typeof AgentTask>;

/**
 * How the agent works right now (claude's permission modes): plan changes nothing, accept_edits
 * applies file edits without asking, bypass asks for nothing (only when the user started it so).
 */
export const AgentWorkMode = z.enum(["default", "plan", "accept_edits", "bypass"]);
export type AgentWorkMode = z.infer<typeof AgentWorkMode>;

export const MAX_GOAL_CHARS = 4000;
/**
 * A goal the agent pursues over several turns, continuing by itself until it is done, paused,
 * blocked (it needs the user) or out of budget (codex: `thread/goal`).
 */
export const GoalStatus = z.enum(["active", "paused", "blocked", "usage_limited", "budget_limited", "complete"]);
export type GoalStatus = z.infer<typeof GoalStatus>;
export const AgentGoal = z.object({
  objective: z.string().max(MAX_GOAL_CHARS),
  status: GoalStatus,
  tokensUsed: z.number().int().nonnegative().optional(),
  tokenBudget: z.number().int().positive().optional(),
});
export type AgentGoal = z.infer<typeof AgentGoal>;

const Base = { turnId: z.string().min(1).optional() } as const;

export const ApprovalKind = z.enum(["command", "file_change", "tool"]);
export type ApprovalKind = z.infer<typeof ApprovalKind>;

export const ApprovalDecision = z.enum(["accept", "accept_for_session", "decline", "cancel"]);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const FileChangeKind = z.enum(["add", "delete", "update", "rename"]);

/** A multiple-choice question the agent asks (Claude's AskUserQuestion); "Other" (free text) is always allowed. */
export const ApprovalQuestion = z.object({
  question: z.string().min(1).max(2000),
  /** a short tag for the question (a few words) */
  header: z.string().max(100).optional(),
  multiSelect: z.boolean().default(false),
  options: z
    .array(
      z.object({
        label: z.string().min(1).max(200),
        description: z.string().max(2000).optional(),
        /** what choosing it would look like (a mock-up, a code snippet), shown when it is picked */
        preview: z.string().max(20_000).optional(),
      }),
    )
    .min(1)
    .max(8),
});
export type ApprovalQuestion = z.infer<typeof ApprovalQuestion>;

/**
 * Answers to an approval's questions: question text → the chosen label, several labels joined with
 * ", " (multi-select), or the user's own words.
 */
export const ApprovalAnswers = z
  .record(z.string().min(1).max(2000), z.string().max(4000))
  .refine((a) => Object.keys(a).length <= 8, { message: "at most 8 answers" });
export type ApprovalAnswers = z.infer<typeof ApprovalAnswers>;

export const AgentEvent = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("session_started"),
    agent: z.string(),
    threadId: z.string().optional(),
    cwd: z.string().optional(),
    model: z.string().optional(),
  }),
  z.object({ kind: z.literal("turn_started"), ...Base }),
  z.object({ kind: z.literal("turn_completed"), ...Base }),
  z.object({ kind: z.literal("turn_failed"), ...Base, message: z.string() }),
  z.object({ kind: z.literal("turn_interrupted"), ...Base }),
  z.object({
    kind: z.literal("user_message"),
    ...Base,
    text: z.string(),
    /** scheduled: the prompt of a job the agent scheduled itself, falling due (nobody typed it now) */
    source: z.enum(["local", "remote", "voice", "scheduled"]).optional(),
  }),
  z.object({ kind: z.literal("text_delta"), ...Base, itemId: z.string(), delta: z.string() }),
  z.object({ kind: z.literal("text_completed"), ...Base, itemId: z.string(), text: z.string() }),
  z.object({ kind: z.literal("reasoning_delta"), ...Base, itemId: z.string(), delta: z.string() }),
  z.object({
    kind: z.literal("command_begin"),
    ...Base,
    itemId: z.string(),
    command: z.string(),
    cwd: z.string().optional(),
  }),
  z.object({
    kind: z.literal("command_output_delta"),
    ...Base,
    itemId: z.string(),
    stream: z.enum(["stdout", "stderr"]).default("stdout"),
    chunk: z.string(),
  }),
  z.object({
    kind: z.literal("command_end"),
    ...Base,
    itemId: z.string(),
    exitCode: z.number().int().nullable(),
    durationMs: z.number().nonnegative().optional(),
  }),
  z.object({
    kind: z.literal("file_change"),
    ...Base,
    itemId: z.string(),
    files: z.array(z.object({ path: z.string(), change: FileChangeKind, movePath: z.string().optional() })),
    /** Unified diff of the whole change (git style, a/ b/ prefixes). */
    diff: z.string(),
    status: z.enum(["proposed", "applied", "declined", "failed"]).default("applied"),
  }),
  z.object({
    kind: z.literal("approval_requested"),
    ...Base,
    requestId: z.string(),
    approval: ApprovalKind,
    itemId: z.string().optional(),
    /** What the user is asked to approve: the command line, or a summary of the patch. */
    summary: z.string(),
    command: z.string().optional(),
    diff: z.string().optional(),
    reason: z.string().optional(),
    /** The agent asks these instead of a yes/no: answered with `answers` and `accept`. */
    questions: z.array(ApprovalQuestion).min(1).max(4).optional(),
    /**
     * A plan the agent asks to go ahead with (Markdown), shown in full: `accept` lets it start,
     * `decline` keeps it planning.
     */
    plan: z.string().min(1).max(MAX_PLAN_CHARS).optional(),
  }),
  z.object({
    kind: z.literal("approval_resolved"),
    ...Base,
    requestId: z.string(),
    decision: ApprovalDecision,
    /** Which side answered: the laptop, a phone (device id), or a policy. */
    by: z.string(),
    answers: ApprovalAnswers.optional(),
  }),
  z.object({
    /**
     * Any other tool the agent runs (web search, a fetch, a file read, an MCP server's tool, a
     * subagent…): what it is, one line of what it does, and how it ended.
     */
    kind: z.literal("tool_call"),
    ...Base,
    itemId: z.string(),
    tool: z.string().min(1).max(200),
    summary: z.string().max(MAX_TOOL_SUMMARY_CHARS),
    status: z.enum(["started", "completed", "failed", "declined"]),
    /** The start of its result (text), once it ended. */
    output: z.string().max(MAX_TOOL_OUTPUT_CHARS).optional(),
  }),
  z.object({
    /**
     * The agent's task list (its plan as a checklist) after a change: the whole list each time, in
     * the agent's order, so a late reader needs only the newest.
     */
    kind: z.literal("task_list"),
    ...Base,
    tasks: z.array(AgentTask).max(MAX_TASKS),
  }),
  z.object({
    /** The agent's working mode changed (see AgentWorkMode). */
    kind: z.literal("agent_mode"),
    ...Base,
    mode: AgentWorkMode,
  }),
  z.object({
    /** The session's goal changed (set, its status moved, or `null`: cleared). */
    kind: z.literal("goal"),
    ...Base,
    goal: AgentGoal.nullable(),
  }),
  z.object({
    kind: z.literal("usage"),
    ...Base,
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cachedInputTokens: z.number().int().nonnegative().optional(),
  }),
  z.object({
    kind: z.literal("error"),
    ...Base,
    code: z.string(),
    message: z.string(),
    fatal: z.boolean().default(false),
  }),
  z.object({
    /**
     * An event of a kind this version does not know (a newer peer sent it). The decoder puts it in
     * place of the event so its sequence still counts; readers skip it. Never sent.
     */
    kind: z.literal("unsupported"),
    ...Base,
    original: z.string().regex(EVENT_KIND),
  }),
]);
export type AgentEvent = z.infer<typeof AgentEvent>;
export type AgentEventKind = AgentEvent["kind"];
/** Every event kind this version knows. */
export const AGENT_EVENT_KINDS: ReadonlySet<string> = new Set(AgentEvent.options.map((o) => o.shape.kind.value));
