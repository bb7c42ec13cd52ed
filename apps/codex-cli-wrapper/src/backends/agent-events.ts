import { type AgentEvent, MAX_TOOL_OUTPUT_CHARS, MAX_TOOL_SUMMARY_CHARS } from "@codex-remote/protocol";
import type { SendMessageOptions } from "./types.ts";

/** Agent events every backend builds the same way. */

/** `t` cut to `n` characters, an ellipsis marking the cut. */
export const clip = (t: string, n: number) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

/** The `user_message` for a prompt (in `turnId` when it joins a running turn). */
export function userMessage(text: string, opts: SendMessageOptions, turnId?: string): AgentEvent {
  const user: AgentEvent = { kind: "user_message", text };
  if (turnId) user.turnId = turnId;
  if (opts.source) user.source = opts.source;
  return user;
}

type ToolCall = Extract<AgentEvent, { kind: "tool_call" }>;

/** A `tool_call` event, its tool name and output cut to the protocol's bounds. */
export function toolCall(
  call: Omit<ToolCall, "kind" | "output" | "tool"> & { tool: string; output?: string | undefined },
): AgentEvent {
  const { output, ...rest } = call;
  const event: ToolCall = { kind: "tool_call", ...rest, tool: clip(call.tool, 200) };
  if (output && call.status !== "started" && call.status !== "declined") {
    event.output = clip(output, MAX_TOOL_OUTPUT_CHARS);
  }
  return event;
}

/** Input fields that say what a tool call does, most telling first. */
const SUMMARY_FIELDS = ["query", "url", "pattern", "file_path", "path", "skill", "description", "subject", "prompt"];

/** A path inside the work folder, relative to it; any other path as it is. */
export function shownPath(path: string, cwd: string | undefined): string {
  return cwd && path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/**
 * One line of what a tool call does (a `tool_call` event's summary): its most telling input field
 * (a path inside the work folder relative to it), else its input as JSON.
 */
export function toolSummary(input: unknown, cwd: string | undefined): string {
  const fields = input && typeof input === "object" ? (input as Record<string, unknown>) : {};
  const field = SUMMARY_FIELDS.find((k) => typeof fields[k] === "string" && (fields[k] as string).trim());
  let line = field ? String(fields[field]) : (JSON.stringify(input) ?? "");
  if (field === "file_path" || field === "path") line = shownPath(line, cwd);
  return clip(line.replace(/\s+/g, " ").trim(), MAX_TOOL_SUMMARY_CHARS);
}
