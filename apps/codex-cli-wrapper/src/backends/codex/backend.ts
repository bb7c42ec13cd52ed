import {
  type AgentEvent,
  type AgentGoal,
  type ApprovalAnswers,
  type ApprovalDecision,
  type GoalStatus,
  MAX_GOAL_CHARS,
  MAX_TOOL_SUMMARY_CHARS,
} from "@codex-remote/protocol";
import type { z } from "zod";
import { clip, shownPath, toolCall, toolSummary, userMessage } from "../agent-events.ts";
import { ApprovalTable } from "../approvals.ts";
import { BackendError } from "../errors.ts";
import { EventHub } from "../event-stream.ts";
import { resolveAgent } from "../resolve-binary.ts";
import type {
  AgentProcessOptions,
  BackendStartOptions,
  CodexBackend,
  GoalChange,
  SendMessageOptions,
} from "../types.ts";
import { changeFiles, proposedDiff } from "./diff.ts";
import { AppServerRpc, type RequestIdValue } from "./rpc.ts";
import {
  AgentMessageDelta,
  CommandApprovalParams,
  CommandOutputDelta,
  ErrorNote,
  FileChangeApprovalParams,
  type FileUpdate,
  GoalCleared,
  GoalUpdated,
  type Item,
  ItemNotification,
  McpToolApprovalParams,
  ReasoningDelta,
  RequestResolved,
  ThreadResumeResult,
  ThreadStartResult,
  TokenUsageUpdated,
  TurnCompleted,
  TurnDiffUpdated,
  TurnStarted,
  TurnStartResult,
  TurnSteerResult,
} from "./schemas.ts";

const GOAL_STATUS = {
  active: "active",
  paused: "paused",
  blocked: "blocked",
  usageLimited: "usage_limited",
  budgetLimited: "budget_limited",
  complete: "complete",
} as const satisfies Record<string, GoalStatus>;

const DECISION: Record<ApprovalDecision, string> = {
  accept: "accept",
  accept_for_session: "acceptForSession",
  decline: "decline",
  cancel: "cancel",
};

interface TurnState {
  id: string;
  usage: { input: number; output: number; cached: number };
  /** Completed file changes of this turn, for the files list of the turn diff. */
  changes: FileUpdate[];
  lastChangeItem: string | undefined;
  lastDiff: string;
  /** MCP tools (server.tool) whose approval was declined in this turn, until their call ends. */
  declinedTools: Set<string>;
}

/**
 * Codex through `codex app-server` (JSON-RPC on stdio). The thread is asked to request approval
 * (`on-request`); the wrapper's ApprovalPolicy answers or forwards.
 */
export class CodexAppServerBackend implements CodexBackend {
  readonly kind = "codex" as const;
  readonly events = new EventHub<AgentEvent>();
  #proc: AgentProcessOptions;
  #rpc: AppServerRpc | undefined;
  #opts: BackendStartOptions | undefined;
  #threadId: string | undefined;
  #cwd: string | undefined;
  #turn: TurnState | undefined;
  #approvals: ApprovalTable;
  #proposed = new Map<string, FileUpdate[]>();
  #streamedOutput = new Set<string>();
  #closing = false;
  #turnWaiters: Array<() => void> = [];

  constructor(proc: AgentProcessOptions = {}) {
    this.#proc = proc;
    this.#approvals = new ApprovalTable("ask", (e) => this.#emit(e));
  }

  get threadId(): string | undefined {
    return this.#threadId;
  }

  /** The agent process id (diagnostics, `doctor`). */
  get agentPid(): number | undefined {
    return this.#rpc?.pid;
  }

  get turnActive(): boolean {
    return this.#turn !== undefined;
  }

  async start(opts: BackendStartOptions): Promise<void> {
    if (this.#rpc) throw new BackendError("already_started");
    this.#opts = opts;
    this.#approvals.policy = opts.approvalPolicy;
    const agent = resolveAgent("codex", this.#proc.binary);
    this.#rpc = new AppServerRpc(agent, opts.cwd, this.#proc.env ?? {}, {
      onNotification: (method, params) => this.#onNotification(method, params),
      onRequest: (id, method, params) => this.#onRequest(id, method, params),
      onProtocolViolation: (detail) =>
        this.#emit({
          kind: "error",
          code: "protocol_violation",
          message: `codex app-server wrote ${detail}`,
          fatal: false,
        }),
      onExit: (code, signal) => this.#onExit(code, signal),
    });
    try {
      await this.#rpc.request("initialize", {
        clientInfo: { name: "codex-remote", title: "codex-remote", version: "0.1.0" },
        capabilities: null,
      });
      this.#rpc.notify("initialized");
    } catch (cause) {
      await this.close();
      throw new BackendError("handshake_failed", "codex app-server did not complete initialize", { cause });
    }
    if (opts.resumeThreadId) await this.resume(opts.resumeThreadId);
    else {
      const result = ThreadStartResult.safeParse(await this.#rpc.request("thread/start", this.#threadParams()));
      if (!result.success) throw new BackendError("protocol_violation", "thread/start answered an unexpected shape");
      this.#threadId = result.data.thread.id;
      this.#cwd = result.data.cwd;
      this.#emitSessionStarted(result.data.model);
    }
  }

  #threadParams(): Record<string, unknown> {
    const opts = this.#opts!;
    const params: Record<string, unknown> = { cwd: opts.cwd, approvalPolicy: "on-request" };
    if (opts.model) params.model = opts.model;
    if (opts.sandbox) params.sandbox = opts.sandbox;
    return params;
  }

  #emitSessionStarted(model: string): void {
    const event: AgentEvent = { kind: "session_started", agent: "codex", model };
    if (this.#threadId) event.threadId = this.#threadId;
    if (this.#cwd) event.cwd = this.#cwd;
    this.#emit(event);
  }

  async resume(threadId: string): Promise<void> {
    const rpc = this.#requireRpc();
    if (this.#turn) throw new BackendError("turn_in_progress");
    let raw: unknown;
    try {
      raw = await rpc.request("thread/resume", { ...this.#threadParams(), threadId, excludeTurns: true });
    } catch (cause) {
      throw new BackendError("resume_failed", `could not resume codex thread ${threadId}`, { cause });
    }
    const result = ThreadResumeResult.safeParse(raw);
    if (!result.success) throw new BackendError("protocol_violation", "thread/resume answered an unexpected shape");
    this.#threadId = result.data.thread.id;
    this.#cwd = result.data.cwd;
    this.#emitSessionStarted(result.data.model);
  }

  async sendMessage(text: string, opts: SendMessageOptions = {}): Promise<void> {
    const rpc = this.#requireRpc();
    const running = this.#turn?.id;
    if (running && (await this.#steer(rpc, running, text, opts))) return;
    if (this.#turn) throw new BackendError("turn_in_progress");
    this.#emit(userMessage(text, opts));
    const raw = await rpc.request("turn/start", {
      threadId: this.#threadId,
      input: [{ type: "text", text, text_elements: [] }],
    });
    const result = TurnStartResult.safeParse(raw);
    if (!result.success) throw new BackendError("protocol_violation", "turn/start answered an unexpected shape");
    this.#beginTurn(result.data.turn.id);
  }

  /**
   * Adds the text to the running turn (`turn/steer`), as codex's own UI does with a message typed
   * while it works: the model reads it at its next step. False when that turn ended meanwhile (the
   * caller then starts a new turn with it).
   */
  async #steer(rpc: AppServerRpc, turnId: string, text: string, opts: SendMessageOptions): Promise<boolean> {
    try {
      const raw = await rpc.request("turn/steer", {
        threadId: this.#threadId,
        input: [{ type: "text", text, text_elements: [] }],
        expectedTurnId: turnId,
      });
      if (!TurnSteerResult.safeParse(raw).success) {
        throw new BackendError("protocol_violation", "turn/steer answered an unexpected shape");
      }
    } catch (cause) {
      if (this.#turn?.id !== turnId) return false;
      throw cause;
    }
    this.#emit(userMessage(text, opts, turnId));
    return true;
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
    const rpc = this.#requireRpc();
    const turn = this.#turn;
    if (!turn) throw new BackendError("no_active_turn");
    await rpc.request("turn/interrupt", { threadId: this.#threadId, turnId: turn.id });
  }

  /** The user's goal change, through `thread/goal/set` / `thread/goal/clear` (origin "user"). */
  async setGoal(change: GoalChange): Promise<void> {
    const rpc = this.#requireRpc();
    const base = { threadId: this.#threadId, origin: "user" };
    try {
      if ("clear" in change) await rpc.request("thread/goal/clear", base);
      else await rpc.request("thread/goal/set", { ...base, ...change });
    } catch (err) {
      throw new BackendError("agent_error", `codex refused the goal change: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Resolves when no turn is running. */
  idle(): Promise<void> {
    if (!this.#turn) return Promise.resolve();
    return new Promise((resolve) => this.#turnWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#approvals.withdrawAll("closed");
    await this.#rpc?.stop();
    this.#endTurn();
    this.events.end();
  }

  #requireRpc(): AppServerRpc {
    if (!this.#rpc || this.#closing || this.#rpc.exited) throw new BackendError("not_started");
    return this.#rpc;
  }

  #emit(event: AgentEvent): void {
    this.events.emit(event);
  }

  #beginTurn(id: string): void {
    if (this.#turn?.id === id) return;
    this.#turn = {
      id,
      usage: { input: 0, output: 0, cached: 0 },
      changes: [],
      lastChangeItem: undefined,
      lastDiff: "",
      declinedTools: new Set(),
    };
    this.#emit({ kind: "turn_started", turnId: id });
  }

  #endTurn(): void {
    this.#turn = undefined;
    for (const wake of this.#turnWaiters.splice(0)) wake();
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#closing) return;
    this.#approvals.withdrawAll("agent");
    const turnId = this.#turn?.id;
    const message = `codex app-server exited (${signal ?? code})`;
    if (turnId) this.#emit({ kind: "turn_failed", turnId, message });
    this.#emit({ kind: "error", code: "process_exited", message, fatal: true });
    this.#endTurn();
    this.events.end();
  }

  #onNotification(method: string, params: unknown): void {
    // events of another thread loaded in the same app-server (one left by resume) are not ours
    const parse = <T extends { threadId: string }>(schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false };
    }) => {
      const r = schema.safeParse(params);
      if (r.success) return r.data.threadId === this.#threadId ? r.data : undefined;
      this.#emit({ kind: "error", code: "protocol_violation", message: `unexpected ${method} params`, fatal: false });
      return undefined;
    };
    switch (method) {
      case "turn/started": {
        const p = parse(TurnStarted);
        if (p) this.#beginTurn(p.turn.id);
        return;
      }
      case "turn/completed": {
        const p = parse(TurnCompleted);
        if (p) this.#completeTurn(p.turn.id, p.turn.status, p.turn.error?.message);
        return;
      }
      case "item/agentMessage/delta": {
        const p = parse(AgentMessageDelta);
        if (p) this.#emit({ kind: "text_delta", turnId: p.turnId, itemId: p.itemId, delta: p.delta });
        return;
      }
      case "item/reasoning/textDelta":
      case "item/reasoning/summaryTextDelta": {
        const p = parse(ReasoningDelta);
        if (p) this.#emit({ kind: "reasoning_delta", turnId: p.turnId, itemId: p.itemId, delta: p.delta });
        return;
      }
      case "item/commandExecution/outputDelta": {
        const p = parse(CommandOutputDelta);
        if (p) {
          this.#streamedOutput.add(p.itemId);
          this.#emit({
            kind: "command_output_delta",
            turnId: p.turnId,
            itemId: p.itemId,
            stream: "stdout",
            chunk: p.delta,
          });
        }
        return;
      }
      case "item/started":
      case "item/completed": {
        const p = parse(ItemNotification);
        if (p) this.#onItem(method === "item/started", p.turnId, p.item);
        return;
      }
      case "turn/diff/updated": {
        const p = parse(TurnDiffUpdated);
        if (p) this.#onTurnDiff(p.turnId, p.diff);
        return;
      }
      case "thread/goal/updated": {
        const p = parse(GoalUpdated);
        if (p) this.#onGoal(p.turnId ?? this.#turn?.id, p.goal);
        return;
      }
      case "thread/goal/cleared": {
        if (parse(GoalCleared)) this.#onGoal(this.#turn?.id, null);
        return;
      }
      case "thread/tokenUsage/updated": {
        const p = parse(TokenUsageUpdated);
        if (p && this.#turn?.id === p.turnId) {
          this.#turn.usage.input += p.tokenUsage.last.inputTokens;
          this.#turn.usage.output += p.tokenUsage.last.outputTokens;
          this.#turn.usage.cached += p.tokenUsage.last.cachedInputTokens;
        }
        return;
      }
      case "error": {
        const p = parse(ErrorNote);
        if (p) {
          // willRetry: codex keeps the turn alive and retries (e.g. "Reconnecting... waiting for network")
          const code = p.willRetry ? "agent_retrying" : "agent_error";
          this.#emit({ kind: "error", turnId: p.turnId, code, message: p.error.message, fatal: false });
        }
        return;
      }
      case "serverRequest/resolved": {
        const p = parse(RequestResolved);
        if (p) this.#approvals.withdraw(`codex-${p.requestId}`, "agent");
        return;
      }
      default:
        return;
    }
  }

  #onItem(started: boolean, turnId: string, item: Item): void {
    if (item.type === "agentMessage") {
      if (!started) this.#emit({ kind: "text_completed", turnId, itemId: item.id, text: item.text });
    } else if (item.type === "commandExecution") {
      if (started) {
        this.#emit({ kind: "command_begin", turnId, itemId: item.id, command: item.command, cwd: item.cwd });
      } else {
        // codex sometimes reports a short command's output only in the completed item
        if (!this.#streamedOutput.delete(item.id) && item.aggregatedOutput) {
          this.#emit({
            kind: "command_output_delta",
            turnId,
            itemId: item.id,
            stream: "stdout",
            chunk: item.aggregatedOutput,
          });
        }
        const end: AgentEvent = { kind: "command_end", turnId, itemId: item.id, exitCode: item.exitCode };
        if (item.durationMs !== null) end.durationMs = item.durationMs;
        this.#emit(end);
      }
    } else if (item.type === "fileChange") {
      if (started) {
        this.#proposed.set(item.id, item.changes);
        this.#emit({
          kind: "file_change",
          turnId,
          itemId: item.id,
          files: changeFiles(item.changes, this.#cwd),
          diff: proposedDiff(item.changes, this.#cwd),
          status: "proposed",
        });
        return;
      }
      this.#proposed.delete(item.id);
      if (item.status === "completed") {
        if (this.#turn?.id === turnId) {
          this.#turn.changes.push(...item.changes);
          this.#turn.lastChangeItem = item.id;
        }
      } else if (item.status === "declined" || item.status === "failed") {
        this.#emit({
          kind: "file_change",
          turnId,
          itemId: item.id,
          files: changeFiles(item.changes, this.#cwd),
          diff: proposedDiff(item.changes, this.#cwd),
          status: item.status,
        });
      }
    } else this.#onToolItem(started, turnId, item);
  }

  /**
   * The other tools codex runs (a web search, an MCP server's tool, a client-defined tool, viewing
   * an image) as `tool_call` events: started, then how it ended with the start of its result.
   */
  #onToolItem(started: boolean, turnId: string, item: Item): void {
    let tool: string;
    let summary: string;
    let failed = false;
    let declined = false;
    let output: string | undefined;
    if (item.type === "webSearch") {
      tool = "web_search";
      summary = clip(item.query || item.action?.query || item.action?.url || "", MAX_TOOL_SUMMARY_CHARS);
      if (item.results) output = `${item.results.length} result${item.results.length === 1 ? "" : "s"}`;
    } else if (item.type === "mcpToolCall") {
      tool = `${item.server}.${item.tool}`;
      summary = toolSummary(item.arguments, this.#cwd);
      failed = item.status === "failed";
      output = item.error?.message ?? textOf(item.result?.content);
      if (!started && failed && this.#turn?.declinedTools.delete(tool)) declined = true;
    } else if (item.type === "dynamicToolCall") {
      tool = item.namespace ? `${item.namespace}.${item.tool}` : item.tool;
      summary = toolSummary(item.arguments, this.#cwd);
      failed = item.success === false;
      output = textOf(item.contentItems ?? undefined);
    } else if (item.type === "imageView") {
      tool = "view_image";
      summary = clip(shownPath(item.path, this.#cwd), MAX_TOOL_SUMMARY_CHARS);
    } else return;
    const status = started ? "started" : declined ? "declined" : failed ? "failed" : "completed";
    this.#emit(toolCall({ turnId, itemId: item.id, tool, summary, status, output }));
  }

  #lastGoal = "null";
  /**
   * The thread's goal (codex pursues it over turns it starts by itself). Codex reports it after
   * every step with the tokens used so far; the event goes out when the objective, status or
   * budget changed, not for every token count.
   */
  #onGoal(turnId: string | undefined, g: z.infer<typeof GoalUpdated>["goal"] | null): void {
    const goal: AgentGoal | null = g
      ? {
          objective: clip(g.objective, MAX_GOAL_CHARS),
          status: GOAL_STATUS[g.status],
          tokensUsed: Math.max(0, Math.round(g.tokensUsed)),
          ...(g.tokenBudget !== null && g.tokenBudget > 0 ? { tokenBudget: Math.round(g.tokenBudget) } : {}),
        }
      : null;
    const key = goal ? JSON.stringify([goal.objective, goal.status, goal.tokenBudget]) : "null";
    if (key === this.#lastGoal) return;
    this.#lastGoal = key;
    this.#emit({ kind: "goal", ...(turnId ? { turnId } : {}), goal });
  }

  /** turn/diff/updated carries the turn's whole unified diff after changes were applied. */
  #onTurnDiff(turnId: string, diff: string): void {
    const turn = this.#turn;
    if (!turn || turn.id !== turnId || diff === turn.lastDiff || diff === "") return;
    turn.lastDiff = diff;
    this.#emit({
      kind: "file_change",
      turnId,
      itemId: turn.lastChangeItem ?? `diff-${turnId}`,
      files: changeFiles(turn.changes, this.#cwd),
      diff,
      status: "applied",
    });
  }

  #completeTurn(turnId: string, status: string, error: string | undefined): void {
    const turn = this.#turn;
    if (!turn || turn.id !== turnId) return;
    this.#approvals.withdrawAll("agent");
    const usage: AgentEvent = {
      kind: "usage",
      turnId,
      inputTokens: turn.usage.input,
      outputTokens: turn.usage.output,
      cachedInputTokens: turn.usage.cached,
    };
    if (turn.usage.input + turn.usage.output > 0) this.#emit(usage);
    // the turn is over before its end event goes out, so a listener may send the next message at once
    this.#endTurn();
    if (status === "completed") this.#emit({ kind: "turn_completed", turnId });
    else if (status === "interrupted") this.#emit({ kind: "turn_interrupted", turnId });
    else this.#emit({ kind: "turn_failed", turnId, message: error ?? "the turn failed" });
  }

  #onRequest(id: RequestIdValue, method: string, params: unknown): void {
    const rpc = this.#rpc!;
    if (method === "item/commandExecution/requestApproval") {
      const p = CommandApprovalParams.safeParse(params);
      if (!p.success) {
        rpc.respond(id, { decision: "decline" });
        return;
      }
      const requestId = `codex-${id}`;
      const command = p.data.command ?? "(command)";
      const event: AgentEvent = {
        kind: "approval_requested",
        turnId: p.data.turnId,
        requestId,
        approval: "command",
        itemId: p.data.itemId,
        summary: command,
        command,
      };
      if (p.data.reason) event.reason = p.data.reason;
      this.#approvals.ask(event, (decision) => rpc.respond(id, { decision: DECISION[decision] }));
      return;
    }
    if (method === "item/fileChange/requestApproval") {
      const p = FileChangeApprovalParams.safeParse(params);
      if (!p.success) {
        rpc.respond(id, { decision: "decline" });
        return;
      }
      const requestId = `codex-${id}`;
      const changes = this.#proposed.get(p.data.itemId) ?? [];
      const files = changeFiles(changes, this.#cwd);
      const event: AgentEvent = {
        kind: "approval_requested",
        turnId: p.data.turnId,
        requestId,
        approval: "file_change",
        itemId: p.data.itemId,
        summary: files.length > 0 ? `apply changes to ${files.map((f) => f.path).join(", ")}` : "apply a patch",
        diff: proposedDiff(changes, this.#cwd),
      };
      if (p.data.reason) event.reason = p.data.reason;
      this.#approvals.ask(event, (decision) => rpc.respond(id, { decision: DECISION[decision] }));
      return;
    }
    if (method === "mcpServer/elicitation/request") {
      const p = McpToolApprovalParams.safeParse(params);
      if (p.success) {
        this.#askMcpTool(id, p.data);
        return;
      }
      // an MCP server's own form (it wants data from the user): nothing here can fill it in
      rpc.respond(id, { action: "decline", content: null, _meta: null });
      return;
    }
    // Requests the wrapper cannot answer on the user's behalf (user input, auth refresh, ...):
    // refuse so the agent does not wait forever.
    rpc.respondError(id, -32601, `codex-remote does not handle ${method}`);
  }

  /**
   * Codex asks before running an MCP server's tool: an approval like a command's, answered with an
   * elicitation result. "Accept for session" asks codex to remember it for the session when codex
   * offers that. A declined call ends as `failed` in codex's item; it is reported as declined.
   */
  #askMcpTool(id: RequestIdValue, p: z.infer<typeof McpToolApprovalParams>): void {
    const rpc = this.#rpc!;
    const tool = `${p.serverName}.${p._meta.tool_name ?? "tool"}`;
    const args = p._meta.tool_params ?? {};
    const shown = Object.keys(args).length > 0 ? ` ${toolSummary(args, this.#cwd)}` : "";
    const event: AgentEvent = {
      kind: "approval_requested",
      requestId: `codex-${id}`,
      approval: "tool",
      summary: clip(`${tool}${shown}`, MAX_TOOL_SUMMARY_CHARS),
      reason: p.message,
    };
    const turnId = p.turnId ?? this.#turn?.id;
    if (turnId) event.turnId = turnId;
    const persist = [p._meta.persist ?? []].flat();
    this.#approvals.ask(event, (decision) => {
      if (decision === "decline" || decision === "cancel") {
        this.#turn?.declinedTools.add(tool);
        rpc.respond(id, { action: decision, content: null, _meta: null });
        return;
      }
      const remember = decision === "accept_for_session" && persist.includes("session");
      rpc.respond(id, { action: "accept", content: {}, _meta: remember ? { persist: "session" } : null });
    });
  }
}

/** The text parts of an MCP or dynamic tool result (`{type: "text", text}` items), joined. */
function textOf(content: readonly unknown[] | undefined): string | undefined {
  const texts = (content ?? []).flatMap((c) =>
    c && typeof c === "object" && typeof (c as { text?: unknown }).text === "string"
      ? [(c as { text: string }).text]
      : [],
  );
  return texts.length > 0 ? texts.join("\n") : undefined;
}
