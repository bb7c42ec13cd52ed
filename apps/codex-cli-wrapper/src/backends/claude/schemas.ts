/**
 * zod schemas for the lines `claude -p --output-format stream-json --verbose
 * --include-partial-messages --permission-prompt-tool stdio` writes (observed with 2.1.197; Claude
 * Code publishes no schema for it). Only the fields the wrapper uses are listed.
 */
import { z } from "zod";

const TextBlock = z.object({ type: z.literal("text"), text: z.string() });
const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).optional(),
  is_error: z.boolean().optional(),
});
const OtherBlock = z.object({ type: z.string() });

export const SystemInit = z.object({
  type: z.literal("system"),
  subtype: z.literal("init"),
  session_id: z.string(),
  cwd: z.string(),
  model: z.string(),
  /** claude's permission mode for this turn (default, plan, acceptEdits, bypassPermissions, …) */
  permissionMode: z.string().optional(),
});

export const StreamEvent = z.object({
  type: z.literal("stream_event"),
  parent_tool_use_id: z.string().nullable().optional(),
  event: z.union([
    z.object({ type: z.literal("message_start"), message: z.object({ id: z.string() }) }),
    z.object({
      type: z.literal("content_block_start"),
      index: z.number(),
      content_block: z.object({ type: z.string() }),
    }),
    z.object({
      type: z.literal("content_block_delta"),
      index: z.number(),
      delta: z.union([
        z.object({ type: z.literal("text_delta"), text: z.string() }),
        z.object({ type: z.literal("thinking_delta"), thinking: z.string() }),
        z.object({ type: z.string() }),
      ]),
    }),
    z.object({ type: z.literal("content_block_stop"), index: z.number() }),
    z.object({ type: z.string() }),
  ]),
});

export const AssistantMessage = z.object({
  type: z.literal("assistant"),
  parent_tool_use_id: z.string().nullable().optional(),
  message: z.object({ id: z.string(), content: z.array(z.union([TextBlock, ToolUseBlock, OtherBlock])) }),
});

const StructuredHunk = z.object({
  oldStart: z.number(),
  oldLines: z.number(),
  newStart: z.number(),
  newLines: z.number(),
  lines: z.array(z.string()),
});

export const UserMessage = z.object({
  type: z.literal("user"),
  parent_tool_use_id: z.string().nullable().optional(),
  message: z.object({ content: z.union([z.string(), z.array(z.union([ToolResultBlock, OtherBlock]))]) }),
  tool_use_result: z
    .union([
      z.object({ structuredPatch: z.array(StructuredHunk).optional(), type: z.string().optional() }),
      z.string(),
      z.unknown(),
    ])
    .optional(),
});
export type StructuredHunk = z.infer<typeof StructuredHunk>;

export const Result = z.object({
  type: z.literal("result"),
  subtype: z.string(),
  is_error: z.boolean(),
  result: z.string().optional(),
  session_id: z.string(),
  usage: z
    .object({
      input_tokens: z.number(),
      output_tokens: z.number(),
      cache_read_input_tokens: z.number().optional(),
    })
    .optional(),
});

export const CanUseTool = z.object({
  type: z.literal("control_request"),
  request_id: z.string(),
  request: z.object({
    subtype: z.literal("can_use_tool"),
    tool_name: z.string(),
    input: z.record(z.string(), z.unknown()),
    tool_use_id: z.string().optional(),
    description: z.string().optional(),
    decision_reason: z.string().optional(),
    permission_suggestions: z
      .array(z.object({ type: z.string().optional(), destination: z.string().optional() }).loose())
      .optional(),
  }),
});

/** AskUserQuestion's input, as far as the phone and laptop show it (labels and texts). */
export const AskUserQuestionInput = z.object({
  questions: z
    .array(
      z.object({
        question: z.string().min(1),
        header: z.string().optional(),
        multiSelect: z.boolean().optional(),
        options: z
          .array(
            z.object({ label: z.string().min(1), description: z.string().optional(), preview: z.string().optional() }),
          )
          .min(1),
      }),
    )
    .min(1),
});

export const OtherControlRequest = z.object({
  type: z.literal("control_request"),
  request_id: z.string(),
  request: z.object({ subtype: z.string() }),
});

export const ControlCancel = z.object({ type: z.literal("control_cancel_request"), request_id: z.string() });

export const ControlResponse = z.object({
  type: z.literal("control_response"),
  response: z.object({ subtype: z.string(), request_id: z.string(), error: z.string().optional() }),
});

export const AnyLine = z.object({ type: z.string() });
