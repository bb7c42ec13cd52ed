import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  type AgentEvent,
  type AgentWorkMode,
  type ApprovalAnswers,
  type ApprovalDecision,
  type ApprovalKind,
  type ApprovalQuestion,
  MAX_PLAN_CHARS,
} from "@codex-remote/protocol";
import { clip, toolCall, toolSummary, userMessage } from "../agent-events.ts";
import { ApprovalTable } from "../approvals.ts";
import { BackendError } from "../errors.ts";
import { EventHub } from "../event-stream.ts";
import { JsonLinesProcess } from "../json-lines-process.ts";
import { resolveAgent } from "../resolve-binary.ts";
import type {
  AgentMode,
  AgentProcessOptions,
  BackendStartOptions,
  CodexBackend,
  SendMessageOptions,
} from "../types.ts";
import { FILE_TOOLS, proposedToolDiff, structuredPatchDiff, toolFile } from "./file-tools.ts";
import { ScheduledJobs } from "./scheduled-jobs.ts";
import {
  AnyLine,
  AskUserQuestionInput,
  AssistantMessage,
  CanUseTool,
  ControlCancel,
  ControlResponse,
  OtherControlRequest,
  Result,
  StreamEvent,
  SystemInit,
  UserMessage,
} from "./schemas.ts";
import { ClaudeTaskList, TASK_TOOLS } from "./task-list.ts";

/** The flags that make `claude` a structured, many-turn, approval-asking agent on stdio. */
export const CLAUDE_STREAM_ARGS = [
  "-p",
  "--input-format",
  "stream-json",
  "--output-format",
  "stream-json",
  "--verbose",
  "--permission-prompt-tool",
  "stdio",
  "--include-partial-messages",
] as const;

interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  turnId: string;
  declined: boolean;
  /** The diff shown when the call was proposed (file tools). */
  diff: string;
}

interface Turn {
  id: string;
  interruptRequested: boolean;
}

/**
 * Claude Code through `claude -p` in stream-json mode: one process serves many turns; tool
 * permissions arrive as `can_use_tool` control requests that the wrapper's ApprovalPolicy answers
 * or forwards. Resume restarts the process with `--resume <session id>`.
 */
export class ClaudeStreamBackend implements CodexBackend {
  readonly kind = "claude" as const;
  readonly events = new EventHub<AgentEvent>();
  #procOpts: AgentProcessOptions;
  #proc: JsonLinesProcess | undefined;
  #opts: BackendStartOptions | undefined;
  #sessionId: string | undefined;
  #turn: Turn | undefined;
  #approvals: ApprovalTable;
  #control = new Map<string, { resolve(): void; reject(e: Error): void }>();
  #tools = new Map<string, ToolCall>();
  /** The jobs claude scheduled (CronCreate), to show the prompt of one that falls due. */
  #scheduled = new ScheduledJobs();
  /** Claude's checklist (its task tools), kept for the session. */
  #taskList = new ClaudeTaskList();
  #messageId = "";
  #blocks = new Map<number, { type: string; text: string }>();
  #closing = false;
  #turnWaiters: Array<() => void> = [];

  constructor(proc: AgentProcessOptions = {}) {
    this.#procOpts = proc;
    this.#approvals = new ApprovalTable("ask", (e) => this.events.emit(e));
  }

  get threadId(): string | undefined {
    return this.#sessionId;
  }

  /** The agent process id (diagnostics, `doctor`). */
  get agentPid(): number | undefined {
    return this.#proc?.pid;
  }

  get turnActive(): boolean {
    return this.#turn !== undefined;
  }

  async start(opts: BackendStartOptions): Promise<void> {
    if (this.#opts) throw new BackendError("already_started");
    this.#opts = opts;
    this.#approvals.policy = opts.approvalPolicy;
    await this.#spawn(opts.resumeThreadId);
  }

  async #spawn(resumeId: string | undefined): Promise<void> {
    const opts = this.#opts!;
    // a session another claude (the TUI) just left may still be on its way to disk
    if (resumeId) await waitForTranscript(claudeTranscript(opts.cwd, resumeId, this.#procOpts.env), 5000);
    const agent = resolveAgent("claude", this.#procOpts.binary);
    const args: string[] = [...CLAUDE_STREAM_ARGS];
    if (opts.model) args.push("--model", opts.model);
    if (resumeId) args.push("--resume", resumeId);
    else {
      // a session id chosen up front, so the thread id is known before the first turn
      this.#sessionId = randomUUID();
      args.push("--session-id", this.#sessionId);
    }
    args.push(...(this.#procOpts.args ?? []));
    if (resumeId) this.#sessionId = resumeId;
    const proc = new JsonLinesProcess({
      agent,
      args,
      cwd: opts.cwd,
      env: this.#procOpts.env ?? {},
      onLine: (line) => this.#onLine(line),
      onBadLine: () =>
        this.events.emit({
          kind: "error",
          code: "protocol_violation",
          message: "claude wrote a non-JSON line",
          fatal: false,
        }),
      onExit: (code, signal) => this.#onExit(proc, code, signal),
    });
    this.#proc = proc;
    try {
      await this.#controlRequest({ subtype: "initialize" }, 30_000);
    } catch (cause) {
      const tail = proc.stderrTail.trim().split("\n").slice(-3).join(" | ");
      await proc.stop();
      if (resumeId) throw new BackendError("resume_failed", `claude could not resume ${resumeId}: ${tail}`, { cause });
      throw new BackendError("handshake_failed", `claude did not initialize: ${tail}`, { cause });
    }
    const started: AgentEvent = { kind: "session_started", agent: "claude", cwd: opts.cwd };
    if (this.#sessionId) started.threadId = this.#sessionId;
    if (opts.model) started.model = opts.model;
    this.events.emit(started);
  }

  #controlRequest(request: Record<string, unknown>, timeoutMs = 10_000): Promise<void> {
    const proc = this.#requireProc();
    const requestId = `cr_${randomUUID()}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#control.delete(requestId);
        reject(new BackendError("timeout", `claude did not answer ${String(request.subtype)}`));
      }, timeoutMs);
      this.#control.set(requestId, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      proc.send({ type: "control_request", request_id: requestId, request });
    });
  }

  /**
   * Starts a turn, or, while one runs, adds the text to it: claude hands a message that arrives
   * mid-turn to the model at its next step ("The user sent a new message while you were working"),
   * as its own UI does with a message typed while it works.
   */
  async sendMessage(text: string, opts: SendMessageOptions = {}): Promise<void> {
    const proc = this.#requireProc();
    const running = this.#turn;
    const turnId = running?.id ?? `turn_${randomUUID()}`;
    if (!running) this.#turn = { id: turnId, interruptRequested: false };
    this.events.emit(userMessage(text, opts, turnId));
    if (!running) this.events.emit({ kind: "turn_started", turnId });
    proc.send({ type: "user", message: { role: "user", content: [{ type: "text", text }] } });
  }

  async respondApproval(
    requestId: string,
    decision: ApprovalDecision,
    by = "local",
    answers?: ApprovalAnswers,
  ): Promise<boolean> {
    return this.#approvals.resolve(requestId, decision, by, answers);
  }

  async interrupt(): Promise<void> {
    if (!this.#turn) throw new BackendError("no_active_turn");
    this.#turn.interruptRequested = true;
    await this.#controlRequest({ subtype: "interrupt" });
  }

  /** Claude's own permission modes, through its `set_permission_mode` control request. */
  async setMode(mode: AgentMode): Promise<void> {
    await this.#controlRequest({ subtype: "set_permission_mode", mode: CLAUDE_MODE[mode] });
    this.#modeIs(mode);
  }

  #mode: AgentWorkMode | undefined;
  /**
   * Claude reports its permission mode at the start of every turn (its `init` line), and it changes
   * by itself too (EnterPlanMode, leaving plan mode): an `agent_mode` event when it differs.
   */
  #modeIs(mode: AgentWorkMode): void {
    if (mode === this.#mode) return;
    const first = this.#mode === undefined;
    this.#mode = mode;
    // the first report only says where a session starts; "default" there is not news
    if (first && mode === "default") return;
    this.events.emit({ kind: "agent_mode", ...(this.#turn ? { turnId: this.#turn.id } : {}), mode });
  }

  async resume(threadId: string): Promise<void> {
    this.#requireProc();
    if (this.#turn) throw new BackendError("turn_in_progress");
    const old = this.#proc!;
    this.#proc = undefined;
    await old.stop();
    await this.#spawn(threadId);
  }

  idle(): Promise<void> {
    if (!this.#turn) return Promise.resolve();
    return new Promise((resolve) => this.#turnWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#approvals.withdrawAll("closed");
    await this.#proc?.stop();
    this.#endTurn();
    this.events.end();
  }

  /**
   * The running turn's id. Claude also starts turns by itself (a job scheduled with CronCreate runs
   * its prompt when due, in this same process): output with no turn running opens one, so its text,
   * commands and approvals reach the laptop and the phone like any other turn's.
   */
  #turnOf(): string {
    if (!this.#turn) {
      const turnId = `turn_${randomUUID()}`;
      this.#turn = { id: turnId, interruptRequested: false };
      const prompt = this.#scheduled.fired();
      if (prompt !== undefined) this.events.emit(userMessage(prompt, { source: "scheduled" }, turnId));
      this.events.emit({ kind: "turn_started", turnId });
    }
    return this.#turn.id;
  }

  #requireProc(): JsonLinesProcess {
    if (!this.#proc || this.#closing || this.#proc.exited) throw new BackendError("not_started");
    return this.#proc;
  }

  #endTurn(): void {
    this.#turn = undefined;
    for (const wake of this.#turnWaiters.splice(0)) wake();
  }

  #onExit(proc: JsonLinesProcess, code: number | null, signal: NodeJS.Signals | null): void {
    for (const c of this.#control.values()) c.reject(new BackendError("process_exited"));
    this.#control.clear();
    if (this.#closing || proc !== this.#proc) return;
    this.#approvals.withdrawAll("agent");
    const message = `claude exited (${signal ?? code})`;
    if (this.#turn) this.events.emit({ kind: "turn_failed", turnId: this.#turn.id, message });
    this.events.emit({ kind: "error", code: "process_exited", message, fatal: true });
    this.#endTurn();
    this.events.end();
  }

  #onLine(line: unknown): void {
    const head = AnyLine.safeParse(line);
    if (!head.success) return;
    switch (head.data.type) {
      case "system": {
        const init = SystemInit.safeParse(line);
        if (init.success) {
          this.#sessionId = init.data.session_id;
          const mode = WORK_MODE.get(init.data.permissionMode ?? "");
          if (mode) this.#modeIs(mode);
        }
        return;
      }
      case "stream_event": {
        const p = StreamEvent.safeParse(line);
        if (p.success && !p.data.parent_tool_use_id) this.#onStreamEvent(this.#turnOf(), p.data.event);
        return;
      }
      // a subagent's (Agent tool) commands and file changes are shown like the main agent's: its
      // approvals reach the phone either way, and an approval for a command nobody saw start is
      // confusing; its text stays out of the turn's text (the Agent tool's result carries it back)
      case "assistant": {
        const p = AssistantMessage.safeParse(line);
        if (p.success) this.#onAssistant(this.#turnOf(), p.data.message.content);
        return;
      }
      case "user": {
        const p = UserMessage.safeParse(line);
        if (p.success) this.#onToolResults(p.data);
        return;
      }
      case "result": {
        const p = Result.safeParse(line);
        if (p.success) this.#onResult(p.data);
        return;
      }
      case "control_request": {
        const p = CanUseTool.safeParse(line);
        if (p.success) {
          this.#turnOf();
          this.#onCanUseTool(p.data);
        } else {
          const other = OtherControlRequest.safeParse(line);
          if (other.success) {
            this.#proc?.send({
              type: "control_response",
              response: { subtype: "error", request_id: other.data.request_id, error: "not supported by codex-remote" },
            });
          }
        }
        return;
      }
      case "control_cancel_request": {
        const p = ControlCancel.safeParse(line);
        if (p.success) this.#approvals.withdraw(`claude-${p.data.request_id}`, "agent");
        return;
      }
      case "control_response": {
        const p = ControlResponse.safeParse(line);
        if (!p.success) return;
        const pending = this.#control.get(p.data.response.request_id);
        if (!pending) return;
        this.#control.delete(p.data.response.request_id);
        if (p.data.response.subtype === "success") pending.resolve();
        else pending.reject(new BackendError("agent_error", p.data.response.error ?? "control request failed"));
        return;
      }
      default:
        return;
    }
  }

  #onStreamEvent(turnId: string, event: { type: string } & Record<string, unknown>): void {
    const e = event as
      | { type: "message_start"; message: { id: string } }
      | { type: "content_block_start"; index: number; content_block: { type: string } }
      | { type: "content_block_delta"; index: number; delta: { type: string; text?: string; thinking?: string } }
      | { type: "content_block_stop"; index: number };
    if (e.type === "message_start") {
      this.#messageId = e.message.id;
      this.#blocks.clear();
    } else if (e.type === "content_block_start") {
      this.#blocks.set(e.index, { type: e.content_block.type, text: "" });
    } else if (e.type === "content_block_delta") {
      const itemId = `${this.#messageId}-${e.index}`;
      const block = this.#blocks.get(e.index);
      if (e.delta.type === "text_delta" && e.delta.text !== undefined) {
        if (block) block.text += e.delta.text;
        this.events.emit({ kind: "text_delta", turnId, itemId, delta: e.delta.text });
      } else if (e.delta.type === "thinking_delta" && e.delta.thinking !== undefined) {
        this.events.emit({ kind: "reasoning_delta", turnId, itemId, delta: e.delta.thinking });
      }
    } else if (e.type === "content_block_stop") {
      const block = this.#blocks.get(e.index);
      if (block?.type === "text") {
        this.events.emit({ kind: "text_completed", turnId, itemId: `${this.#messageId}-${e.index}`, text: block.text });
      }
    }
  }

  #onAssistant(turnId: string, content: Array<{ type: string } & Record<string, unknown>>): void {
    const cwd = this.#opts!.cwd;
    for (const block of content) {
      if (block.type !== "tool_use") continue;
      const b = block as unknown as { id: string; name: string; input: Record<string, unknown> };
      if (this.#tools.has(b.id)) continue;
      const call: ToolCall = { name: b.name, input: b.input, turnId, declined: false, diff: "" };
      this.#tools.set(b.id, call);
      if (b.name === "Bash") {
        this.events.emit({ kind: "command_begin", turnId, itemId: b.id, command: String(b.input.command ?? ""), cwd });
      } else if (FILE_TOOLS.has(b.name)) {
        const file = toolFile(b.input, cwd);
        call.diff = proposedToolDiff(b.name, b.input, cwd);
        this.events.emit({
          kind: "file_change",
          turnId,
          itemId: b.id,
          files: file ? [{ path: file.shown, change: call.diff.includes("new file mode") ? "add" : "update" }] : [],
          diff: call.diff,
          status: "proposed",
        });
      } else if (!OWN_CARD_TOOLS.has(b.name)) {
        this.events.emit(
          toolCall({ turnId, itemId: b.id, tool: b.name, summary: toolSummary(b.input, cwd), status: "started" }),
        );
      }
    }
  }

  #onToolResults(msg: ReturnType<typeof UserMessage.parse>): void {
    if (typeof msg.message.content === "string") return;
    const cwd = this.#opts!.cwd;
    for (const block of msg.message.content) {
      if (block.type !== "tool_result") continue;
      const r = block as {
        tool_use_id: string;
        content?: string | Array<{ type: string; text?: string }>;
        is_error?: boolean;
      };
      const call = this.#tools.get(r.tool_use_id);
      if (!call) continue;
      this.#tools.delete(r.tool_use_id);
      const text = typeof r.content === "string" ? r.content : (r.content ?? []).map((c) => c.text ?? "").join("");
      if (!r.is_error) this.#scheduled.apply(call.name, call.input, text);
      // the model moving in and out of plan mode (the next turn's init line confirms the mode)
      if (!r.is_error && call.name === "EnterPlanMode") this.#modeIs("plan");
      if (!r.is_error && call.name === "ExitPlanMode") this.#modeIs("default");
      if (call.name === "Bash") {
        if (!call.declined && text) {
          this.events.emit({
            kind: "command_output_delta",
            turnId: call.turnId,
            itemId: r.tool_use_id,
            stream: r.is_error ? "stderr" : "stdout",
            chunk: text,
          });
        }
        this.events.emit({
          kind: "command_end",
          turnId: call.turnId,
          itemId: r.tool_use_id,
          exitCode: call.declined ? null : r.is_error ? 1 : 0,
        });
      } else if (FILE_TOOLS.has(call.name)) {
        const file = toolFile(call.input, cwd);
        const files = file
          ? [{ path: file.shown, change: call.diff.includes("new file mode") ? ("add" as const) : ("update" as const) }]
          : [];
        if (r.is_error) {
          this.events.emit({
            kind: "file_change",
            turnId: call.turnId,
            itemId: r.tool_use_id,
            files,
            diff: call.diff,
            status: call.declined ? "declined" : "failed",
          });
          continue;
        }
        const result = msg.tool_use_result as
          | { structuredPatch?: Parameters<typeof structuredPatchDiff>[1]; type?: string }
          | undefined;
        const diff =
          result &&
          typeof result === "object" &&
          Array.isArray(result.structuredPatch) &&
          result.structuredPatch.length > 0 &&
          file
            ? structuredPatchDiff(file.shown, result.structuredPatch, result.type === "create")
            : call.diff;
        this.events.emit({
          kind: "file_change",
          turnId: call.turnId,
          itemId: r.tool_use_id,
          files,
          diff,
          status: "applied",
        });
      } else if (TASK_TOOLS.has(call.name)) {
        if (!r.is_error && this.#taskList.apply(call.name, call.input, text))
          this.events.emit({ kind: "task_list", turnId: call.turnId, tasks: this.#taskList.tasks() });
      } else if (!OWN_CARD_TOOLS.has(call.name)) {
        this.events.emit(
          toolCall({
            turnId: call.turnId,
            itemId: r.tool_use_id,
            tool: call.name,
            summary: toolSummary(call.input, cwd),
            status: call.declined ? "declined" : r.is_error ? "failed" : "completed",
            output: text,
          }),
        );
      }
    }
  }

  #onResult(result: ReturnType<typeof Result.parse>): void {
    const turn = this.#turn;
    if (!turn) return;
    this.#sessionId = result.session_id;
    this.#approvals.withdrawAll("agent");
    if (result.usage && result.usage.input_tokens + result.usage.output_tokens > 0) {
      const usage: AgentEvent = {
        kind: "usage",
        turnId: turn.id,
        inputTokens: result.usage.input_tokens,
        outputTokens: result.usage.output_tokens,
      };
      if (result.usage.cache_read_input_tokens !== undefined)
        usage.cachedInputTokens = result.usage.cache_read_input_tokens;
      this.events.emit(usage);
    }
    // the turn is over before its end event goes out, so a listener may send the next message at once
    this.#endTurn();
    if (turn.interruptRequested) this.events.emit({ kind: "turn_interrupted", turnId: turn.id });
    else if (result.subtype === "success" && !result.is_error)
      this.events.emit({ kind: "turn_completed", turnId: turn.id });
    else this.events.emit({ kind: "turn_failed", turnId: turn.id, message: result.result ?? result.subtype });
  }

  #onCanUseTool(req: ReturnType<typeof CanUseTool.parse>): void {
    const { tool_name: tool, input } = req.request;
    const cwd = this.#opts!.cwd;
    const requestId = `claude-${req.request_id}`;
    const call = req.request.tool_use_id ? this.#tools.get(req.request.tool_use_id) : undefined;
    const approval: ApprovalKind = tool === "Bash" ? "command" : FILE_TOOLS.has(tool) ? "file_change" : "tool";
    const event: AgentEvent = { kind: "approval_requested", requestId, approval, summary: tool };
    if (this.#turn) event.turnId = this.#turn.id;
    if (req.request.tool_use_id) event.itemId = req.request.tool_use_id;
    if (approval === "command") {
      event.command = String(input.command ?? "");
      event.summary = event.command;
    } else if (approval === "file_change") {
      const file = toolFile(input, cwd);
      event.summary = `${tool} ${file?.shown ?? ""}`.trim();
      event.diff = proposedToolDiff(tool, input, cwd);
    } else {
      event.summary = req.request.description ? `${tool}: ${req.request.description}` : tool;
      const asked = tool === "AskUserQuestion" ? questionsOf(input) : undefined;
      if (asked) {
        event.questions = asked;
        event.summary = asked.map((q) => q.question).join(" / ");
      }
      // leaving plan mode asks to go ahead with the plan: the user needs to read it to decide
      const plan = tool === "ExitPlanMode" ? planOf(input) : undefined;
      if (plan) {
        event.plan = plan;
        const title = plan
          .split("\n")
          .find((l) => l.trim())!
          .trim()
          .replace(/^#+\s*/, "");
        event.summary = `Plan ready: ${title.slice(0, 120)}`;
      }
    }
    if (req.request.decision_reason) event.reason = req.request.decision_reason;
    // "accept for session" allows this tool use (Claude's own addRules suggestion) for the session
    // only: never a mode change, never written to the user's settings files
    const sessionRules = (req.request.permission_suggestions ?? [])
      .filter((sug) => sug.type === "addRules")
      .map((sug) => ({ ...sug, destination: "session" }));
    this.#approvals.ask(event, (decision, answers) => {
      let response: Record<string, unknown>;
      // an answered question goes back as the tool's input plus `answers` (question → label(s) or text)
      if (decision === "accept")
        response = { behavior: "allow", updatedInput: answers ? { ...input, answers } : input };
      else if (decision === "accept_for_session") {
        response = { behavior: "allow", updatedInput: input, updatedPermissions: sessionRules };
      } else {
        if (call) call.declined = true;
        response = { behavior: "deny", message: "The user declined this action." };
        if (decision === "cancel") response.interrupt = true;
      }
      this.#proc?.send({
        type: "control_response",
        response: { subtype: "success", request_id: req.request_id, response },
      });
    });
  }
}

/** Claude's names for the working modes (its `permissionMode`), and back. */
const CLAUDE_MODE: Record<AgentWorkMode, string> = {
  default: "default",
  plan: "plan",
  accept_edits: "acceptEdits",
  bypass: "bypassPermissions",
};
const WORK_MODE = new Map(Object.entries(CLAUDE_MODE).map(([ours, claude]) => [claude, ours as AgentWorkMode]));

/** Tools whose use the phone shows as a card of their own (a question, a plan, the task list), not as a tool call. */
const OWN_CARD_TOOLS = new Set(["AskUserQuestion", "ExitPlanMode", ...TASK_TOOLS]);

/** ExitPlanMode's plan (cut to the protocol's bound, saying so), or undefined when it has none. */
function planOf(input: Record<string, unknown>): string | undefined {
  const plan = typeof input.plan === "string" ? input.plan.trim() : "";
  if (!plan) return undefined;
  if (plan.length <= MAX_PLAN_CHARS) return plan;
  const note = `\n\n… (the plan goes on; cut at ${MAX_PLAN_CHARS} characters)`;
  return plan.slice(0, MAX_PLAN_CHARS - note.length) + note;
}

/** AskUserQuestion's questions in the protocol's shape (texts clipped to its bounds), or undefined. */
function questionsOf(input: Record<string, unknown>): ApprovalQuestion[] | undefined {
  const parsed = AskUserQuestionInput.safeParse(input);
  if (!parsed.success) return undefined;
  return parsed.data.questions.slice(0, 4).map((q) => ({
    question: clip(q.question, 2000),
    ...(q.header ? { header: clip(q.header, 100) } : {}),
    multiSelect: q.multiSelect ?? false,
    options: q.options.slice(0, 8).map((o) => ({
      label: clip(o.label, 200),
      ...(o.description ? { description: clip(o.description, 2000) } : {}),
      ...(o.preview ? { preview: clip(o.preview, 20_000) } : {}),
    })),
  }));
}

/** Where Claude Code keeps a session's transcript: <config dir>/projects/<cwd, non-alphanumerics as "-">/<id>.jsonl. */
export function claudeTranscript(
  cwd: string,
  sessionId: string,
  env: Readonly<Record<string, string | undefined>> = {},
): string {
  const configDir = env.CLAUDE_CONFIG_DIR ?? process.env.CLAUDE_CONFIG_DIR ?? join(homedir(), ".claude");
  return join(configDir, "projects", cwd.replace(/[^a-zA-Z0-9]/g, "-"), `${sessionId}.jsonl`);
}

async function waitForTranscript(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
