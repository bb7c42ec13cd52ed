/**
 * zod schemas for what the wrapper reads from `codex app-server`. Each is checked at compile time
 * against the types generated from the pinned binary (./generated, `scripts/generate-codex-types.ts`):
 * `Conforms<Generated, typeof Schema>` fails to typecheck if the binary's shape no longer fits.
 * Only the fields the wrapper uses are listed; the rest pass unread.
 */
import { z } from "zod";
import type { ServerRequest } from "./generated/ServerRequest.ts";
import type { AgentMessageDeltaNotification } from "./generated/v2/AgentMessageDeltaNotification.ts";
import type { CommandExecutionOutputDeltaNotification } from "./generated/v2/CommandExecutionOutputDeltaNotification.ts";
import type { CommandExecutionRequestApprovalParams } from "./generated/v2/CommandExecutionRequestApprovalParams.ts";
import type { ErrorNotification } from "./generated/v2/ErrorNotification.ts";
import type { FileChangeRequestApprovalParams } from "./generated/v2/FileChangeRequestApprovalParams.ts";
import type { FileUpdateChange } from "./generated/v2/FileUpdateChange.ts";
import type { ItemCompletedNotification } from "./generated/v2/ItemCompletedNotification.ts";
import type { ItemStartedNotification } from "./generated/v2/ItemStartedNotification.ts";
import type { ReasoningTextDeltaNotification } from "./generated/v2/ReasoningTextDeltaNotification.ts";
import type { ServerRequestResolvedNotification } from "./generated/v2/ServerRequestResolvedNotification.ts";
import type { ThreadGoalClearedNotification } from "./generated/v2/ThreadGoalClearedNotification.ts";
import type { ThreadGoalUpdatedNotification } from "./generated/v2/ThreadGoalUpdatedNotification.ts";
import type { ThreadResumeResponse } from "./generated/v2/ThreadResumeResponse.ts";
import type { ThreadStartResponse } from "./generated/v2/ThreadStartResponse.ts";
import type { ThreadTokenUsageUpdatedNotification } from "./generated/v2/ThreadTokenUsageUpdatedNotification.ts";
import type { TurnCompletedNotification } from "./generated/v2/TurnCompletedNotification.ts";
import type { TurnDiffUpdatedNotification } from "./generated/v2/TurnDiffUpdatedNotification.ts";
import type { TurnStartedNotification } from "./generated/v2/TurnStartedNotification.ts";
import type { TurnStartResponse } from "./generated/v2/TurnStartResponse.ts";
import type { TurnSteerResponse } from "./generated/v2/TurnSteerResponse.ts";

/** True when every value of the generated type G is accepted by schema S (compile-time check). */
type Conforms<G, S extends z.ZodType> = [G] extends [z.input<S>] ? true : never;

const RequestId = z.union([z.string(), z.number()]);

/** One JSON-RPC message as app-server writes it (no "jsonrpc" field). */
export const RpcMessage = z.union([
  z.object({ id: RequestId, method: z.string(), params: z.unknown().optional() }),
  z.object({ method: z.string(), params: z.unknown().optional() }),
  z.object({ id: RequestId, result: z.unknown() }),
  z.object({ id: RequestId, error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }) }),
]);
export type RpcMessage = z.infer<typeof RpcMessage>;
type RequestEnvelope = Pick<ServerRequest, "id" | "method">;
export const _serverRequest: Conforms<
  RequestEnvelope,
  z.ZodObject<{ id: typeof RequestId; method: z.ZodString }>
> = true;

const Thread = z.object({ id: z.string(), path: z.string().nullable(), cwd: z.string() });
export const ThreadStartResult = z.object({ thread: Thread, model: z.string(), cwd: z.string() });
export const _threadStart: Conforms<ThreadStartResponse, typeof ThreadStartResult> = true;
export const ThreadResumeResult = ThreadStartResult;
export const _threadResume: Conforms<ThreadResumeResponse, typeof ThreadResumeResult> = true;

const TurnError = z.object({ message: z.string() });
const Turn = z.object({
  id: z.string(),
  status: z.enum(["completed", "interrupted", "failed", "inProgress"]),
  error: TurnError.nullable(),
});
export const TurnStartResult = z.object({ turn: Turn });
export const _turnStart: Conforms<TurnStartResponse, typeof TurnStartResult> = true;
export const TurnSteerResult = z.object({ turnId: z.string() });
export const _turnSteer: Conforms<TurnSteerResponse, typeof TurnSteerResult> = true;

export const TurnStarted = z.object({ threadId: z.string(), turn: Turn });
export const _turnStarted: Conforms<TurnStartedNotification, typeof TurnStarted> = true;
export const TurnCompleted = TurnStarted;
export const _turnCompleted: Conforms<TurnCompletedNotification, typeof TurnCompleted> = true;

export const AgentMessageDelta = z.object({
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  delta: z.string(),
});
export const _agentDelta: Conforms<AgentMessageDeltaNotification, typeof AgentMessageDelta> = true;
export const CommandOutputDelta = AgentMessageDelta;
export const _commandDelta: Conforms<CommandExecutionOutputDeltaNotification, typeof CommandOutputDelta> = true;
export const ReasoningDelta = AgentMessageDelta;
export const _reasoningDelta: Conforms<ReasoningTextDeltaNotification, typeof ReasoningDelta> = true;

export const FileUpdate = z.object({
  path: z.string(),
  kind: z.union([
    z.object({ type: z.literal("add") }),
    z.object({ type: z.literal("delete") }),
    z.object({ type: z.literal("update"), move_path: z.string().nullable() }),
  ]),
  diff: z.string(),
});
export type FileUpdate = z.infer<typeof FileUpdate>;
export const _fileUpdate: Conforms<FileUpdateChange, typeof FileUpdate> = true;

/** The thread items the wrapper maps; any other item type parses as `other`. */
export const Item = z.union([
  z.object({ type: z.literal("agentMessage"), id: z.string(), text: z.string() }),
  z.object({
    type: z.literal("commandExecution"),
    id: z.string(),
    command: z.string(),
    cwd: z.string(),
    status: z.enum(["inProgress", "completed", "failed", "declined"]),
    aggregatedOutput: z.string().nullable(),
    exitCode: z.number().nullable(),
    durationMs: z.number().nullable(),
  }),
  z.object({
    type: z.literal("fileChange"),
    id: z.string(),
    changes: z.array(FileUpdate),
    status: z.enum(["inProgress", "completed", "failed", "declined"]),
  }),
  z.object({
    type: z.literal("webSearch"),
    id: z.string(),
    query: z.string(),
    action: z
      .object({
        type: z.string(),
        query: z.string().nullish(),
        url: z.string().nullish(),
        pattern: z.string().nullish(),
      })
      .nullable(),
    results: z.array(z.unknown()).nullable(),
  }),
  z.object({
    type: z.literal("mcpToolCall"),
    id: z.string(),
    server: z.string(),
    tool: z.string(),
    status: z.enum(["inProgress", "completed", "failed"]),
    arguments: z.unknown(),
    result: z.object({ content: z.array(z.unknown()) }).nullish(),
    error: z.object({ message: z.string() }).nullish(),
  }),
  z.object({
    type: z.literal("dynamicToolCall"),
    id: z.string(),
    namespace: z.string().nullable(),
    tool: z.string(),
    arguments: z.unknown(),
    contentItems: z.array(z.unknown()).nullable(),
    success: z.boolean().nullable(),
  }),
  z.object({ type: z.literal("imageView"), id: z.string(), path: z.string() }),
  z.object({ type: z.string(), id: z.string().optional() }).transform((v) => ({ ...v, type: "other" as const })),
]);
export type Item = z.infer<typeof Item>;
export const ItemNotification = z.object({ item: Item, threadId: z.string(), turnId: z.string() });
export const _itemStarted: Conforms<ItemStartedNotification, typeof ItemNotification> = true;
export const _itemCompleted: Conforms<ItemCompletedNotification, typeof ItemNotification> = true;

export const TurnDiffUpdated = z.object({ threadId: z.string(), turnId: z.string(), diff: z.string() });
export const _turnDiff: Conforms<TurnDiffUpdatedNotification, typeof TurnDiffUpdated> = true;

const Breakdown = z.object({ inputTokens: z.number(), outputTokens: z.number(), cachedInputTokens: z.number() });
export const TokenUsageUpdated = z.object({
  threadId: z.string(),
  turnId: z.string(),
  tokenUsage: z.object({ total: Breakdown, last: Breakdown }),
});
export const _usage: Conforms<ThreadTokenUsageUpdatedNotification, typeof TokenUsageUpdated> = true;

const ThreadGoal = z.object({
  objective: z.string(),
  status: z.enum(["active", "paused", "blocked", "usageLimited", "budgetLimited", "complete"]),
  tokenBudget: z.number().nullable(),
  tokensUsed: z.number(),
});
export const GoalUpdated = z.object({ threadId: z.string(), turnId: z.string().nullable(), goal: ThreadGoal });
export const _goal: Conforms<ThreadGoalUpdatedNotification, typeof GoalUpdated> = true;
export const GoalCleared = z.object({ threadId: z.string() });
export const _goalCleared: Conforms<ThreadGoalClearedNotification, typeof GoalCleared> = true;

export const ErrorNote = z.object({
  error: TurnError,
  willRetry: z.boolean(),
  threadId: z.string(),
  turnId: z.string(),
});
export const _error: Conforms<ErrorNotification, typeof ErrorNote> = true;

export const RequestResolved = z.object({ threadId: z.string(), requestId: RequestId });
export const _resolved: Conforms<ServerRequestResolvedNotification, typeof RequestResolved> = true;

export const CommandApprovalParams = z.object({
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  reason: z.string().nullable().optional(),
  command: z.string().nullable().optional(),
  cwd: z.string().nullable().optional(),
});
export const _cmdApproval: Conforms<CommandExecutionRequestApprovalParams, typeof CommandApprovalParams> = true;

export const FileChangeApprovalParams = z.object({
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  reason: z.string().nullable().optional(),
});
export const _fileApproval: Conforms<FileChangeRequestApprovalParams, typeof FileChangeApprovalParams> = true;

/**
 * `mcpServer/elicitation/request` carries both an MCP server's own form (it wants data from the
 * user) and codex asking to run an MCP tool: the latter is marked in `_meta` (not part of the
 * generated type, which has `_meta: JsonValue`) with `codex_approval_kind: "mcp_tool_call"`, the
 * tool's name and its arguments.
 */
export const McpToolApprovalParams = z.object({
  threadId: z.string(),
  turnId: z.string().nullable(),
  serverName: z.string(),
  message: z.string(),
  _meta: z.object({
    codex_approval_kind: z.literal("mcp_tool_call"),
    tool_name: z.string().optional(),
    tool_params: z.record(z.string(), z.unknown()).optional(),
    /** How long an approval may be remembered: "session", "always" (or a list of them). */
    persist: z.union([z.string(), z.array(z.string())]).optional(),
  }),
});
