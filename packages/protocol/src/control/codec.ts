/** Encoding and decoding of control frames (UTF-8 JSON). Decoders throw only ProtocolError. */

import { AGENT_EVENT_KINDS, EVENT_KIND } from "../agent-event.ts";
import { utf8Decode, utf8Encode } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";
import { CONTROL_FRAME_TYPES, ControlFrame, type ControlFrameInput } from "./frames.ts";

/** Largest control frame accepted or produced: 1 MiB of JSON. */
export const MAX_CONTROL_FRAME_BYTES = 1 << 20;

const KNOWN_TYPES: ReadonlySet<string> = new Set(CONTROL_FRAME_TYPES);

export interface DecodeControlOptions {
  readonly maxBytes?: number;
}

function describeIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.map(String).join(".") || "(root)";
  return `${path}: ${issue.message}`.slice(0, 300);
}

/**
 * Forward compatibility: an agent event of a kind this version does not know (from a newer peer)
 * becomes an `unsupported` event, so the frame and its sequence still arrive (a reader that dropped
 * it would wait for that sequence forever). A kind that is not even shaped like one is left to fail.
 */
function withKnownEventKind(frame: Record<string, unknown>): Record<string, unknown> {
  const event = frame.event as { kind?: unknown; turnId?: unknown } | undefined;
  const kind = event?.kind;
  if (typeof kind !== "string" || AGENT_EVENT_KINDS.has(kind) || !EVENT_KIND.test(kind)) return frame;
  const turnId = typeof event?.turnId === "string" ? { turnId: event.turnId } : {};
  return { ...frame, event: { kind: "unsupported", original: kind, ...turnId } };
}

/** Validates `frame` and returns its JSON text. Invalid input raises PROTO_ERR_SCHEMA. */
export function encodeControlFrame(frame: ControlFrameInput): string {
  const parsed = ControlFrame.safeParse(frame);
  if (!parsed.success) throw new ProtocolError("PROTO_ERR_SCHEMA", describeIssue(parsed.error));
  const text = JSON.stringify(parsed.data);
  if (text.length > MAX_CONTROL_FRAME_BYTES)
    throw new ProtocolError("PROTO_ERR_TOO_LARGE", `${text.length} characters`);
  return text;
}

/** `encodeControlFrame` as UTF-8 bytes (what the secure channel seals). */
export function encodeControlFrameBytes(frame: ControlFrameInput): Uint8Array {
  return utf8Encode(encodeControlFrame(frame));
}

/**
 * Parses a control frame from JSON text or UTF-8 bytes. Errors: PROTO_ERR_TOO_LARGE, PROTO_ERR_UTF8,
 * PROTO_ERR_JSON, PROTO_ERR_UNKNOWN_TYPE, PROTO_ERR_SCHEMA — nothing else.
 */
export function decodeControlFrame(input: string | Uint8Array, options: DecodeControlOptions = {}): ControlFrame {
  const max = options.maxBytes ?? MAX_CONTROL_FRAME_BYTES;
  if (input.length > max) throw new ProtocolError("PROTO_ERR_TOO_LARGE", `${input.length} > ${max}`);
  const text = typeof input === "string" ? input : utf8Decode(input);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProtocolError("PROTO_ERR_JSON", `${text.length} characters`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ProtocolError("PROTO_ERR_SCHEMA", "a control frame is a JSON object");
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string") throw new ProtocolError("PROTO_ERR_SCHEMA", "type: missing");
  if (!KNOWN_TYPES.has(type)) {
    // Name the type only when it looks like one: an error message must not carry payload bytes.
    throw new ProtocolError(
      "PROTO_ERR_UNKNOWN_TYPE",
      /^[a-z_]{1,32}$/.test(type) ? type : `(${type.length} characters)`,
    );
  }
  if (type === "agent_event") json = withKnownEventKind(json as Record<string, unknown>);
  let parsed: ReturnType<typeof ControlFrame.safeParse>;
  try {
    parsed = ControlFrame.safeParse(json);
  } catch {
    throw new ProtocolError("PROTO_ERR_SCHEMA", "unparseable value");
  }
  if (!parsed.success) throw new ProtocolError("PROTO_ERR_SCHEMA", `${type}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}
