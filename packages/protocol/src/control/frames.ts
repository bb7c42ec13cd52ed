/**
 * The JSON control frames that travel end to end (sealed by the secure channel): one zod
 * discriminated union on `type`. Each frame has a stable name; `CONTROL_FRAME_SINCE` records the
 * protocol version that introduced it. Unknown extra fields are dropped (forward compatibility);
 * a missing or wrong field is a PROTO_ERR_SCHEMA.
 */
import { z } from "zod";
import { AgentEvent, ApprovalAnswers, ApprovalDecision } from "../agent-event.ts";

const Id = z.string().min(1).max(128);
const SessionId = z.string().min(1).max(128);
const DeviceId = z.string().min(1).max(128);
const U32 = z.number().int().min(0).max(0xffff_ffff);
const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Version = z.number().int().min(1).max(0xffff);
const Role = z.enum(["wrapper", "phone"]);
/** Optional correlation id: an `ack` or `error` names the frame it answers by this id. */
const Base = { id: Id.optional() } as const;

export const StreamKind = z.enum(["terminal_output", "terminal_input", "audio", "diff", "file"]);
export type StreamKind = z.infer<typeof StreamKind>;

export const AudioFormat = z.object({
  codec: z.enum(["pcm_s16le", "opus"]),
  sampleRate: z.number().int().min(8000).max(192_000),
  channels: z.number().int().min(1).max(8),
  frameDurationMs: z.number().positive().max(1000),
});
export type AudioFormat = z.infer<typeof AudioFormat>;

export const HelloFrame = z.object({
  type: z.literal("hello"),
  ...Base,
  /** Every protocol version this side speaks. */
  versions: z.array(Version).min(1).max(32),
  role: Role,
  deviceId: DeviceId,
  app: z.object({ name: z.string().max(64), version: z.string().max(64) }).optional(),
  capabilities: z.array(z.string().max(64)).max(64).optional(),
});
export const WelcomeFrame = z.object({
  type: z.literal("welcome"),
  ...Base,
  /** The negotiated version: the highest both speak. */
  version: Version,
  role: Role,
  deviceId: DeviceId,
  capabilities: z.array(z.string().max(64)).max(64).optional(),
});
export const SessionOpenFrame = z.object({
  type: z.literal("session_open"),
  ...Base,
  sessionId: SessionId,
  agent: z.string().min(1).max(64),
  title: z.string().max(256).optional(),
  cwd: z.string().max(4096).optional(),
  cols: z.number().int().min(1).max(1000).optional(),
  rows: z.number().int().min(1).max(1000).optional(),
  /** Resume: the receiver replays agent events after this sequence. */
  resumeAfterSeq: Seq.optional(),
});
export const SessionCloseFrame = z.object({
  type: z.literal("session_close"),
  ...Base,
  sessionId: SessionId,
  reason: z.enum(["ended", "user", "error", "timeout", "replaced"]),
  exitCode: z.number().int().nullable().optional(),
  message: z.string().max(2048).optional(),
});
export const StartStreamFrame = z.object({
  type: z.literal("start_stream"),
  ...Base,
  sessionId: SessionId,
  /** The binary frames of this stream carry this id in their header. */
  streamId: U32,
  kind: StreamKind,
  audio: AudioFormat.optional(),
  /** For diff/file streams: the path and total size the chunks add up to. */
  path: z.string().max(4096).optional(),
  totalBytes: Seq.optional(),
  mime: z.string().max(128).optional(),
});
export const StopStreamFrame = z.object({
  type: z.literal("stop_stream"),
  ...Base,
  sessionId: SessionId,
  streamId: U32,
  reason: z.enum(["done", "cancelled", "error"]).optional(),
});
export const ExecInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("prompt"), text: z.string().min(1).max(1_000_000) }),
  z.object({
    kind: z.literal("slash"),
    /** The command name without the slash, e.g. "model" for `/model gpt-5`. */
    command: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
    args: z.array(z.string().max(65_536)).max(64),
  }),
]);
export type ExecInput = z.infer<typeof ExecInput>;
export const ExecCmdFrame = z.object({
  type: z.literal("exec_cmd"),
  ...Base,
  sessionId: SessionId,
  input: ExecInput,
  source: z.enum(["remote", "voice", "local"]).optional(),
});
export const AgentEventFrame = z.object({
  type: z.literal("agent_event"),
  ...Base,
  sessionId: SessionId,
  /** Per-session event sequence (resume and ordering), independent of the channel sequence. */
  seq: Seq,
  /** Milliseconds since the epoch when the wrapper saw the event. */
  at: z.number().int().nonnegative().optional(),
  event: AgentEvent,
});
export const ApprovalResponseFrame = z.object({
  type: z.literal("approval_response"),
  ...Base,
  sessionId: SessionId,
  requestId: z.string().min(1).max(256),
  decision: ApprovalDecision,
  message: z.string().max(4096).optional(),
  /** for an approval that asked questions */
  answers: ApprovalAnswers.optional(),
});
export const ControlRequestFrame = z.object({
  type: z.literal("control_request"),
  ...Base,
  sessionId: SessionId,
  deviceId: DeviceId,
  reason: z.string().max(512).optional(),
});
export const ControlGrantFrame = z.object({
  type: z.literal("control_grant"),
  ...Base,
  sessionId: SessionId,
  /** The device that is now the active controller. */
  deviceId: DeviceId,
  leaseMs: z.number().int().positive().optional(),
});
export const ControlRevokeFrame = z.object({
  type: z.literal("control_revoke"),
  ...Base,
  sessionId: SessionId,
  deviceId: DeviceId,
  reason: z.enum(["local_input", "released", "timeout", "replaced", "denied"]).optional(),
});
export const TerminalResizeFrame = z.object({
  type: z.literal("terminal_resize"),
  ...Base,
  sessionId: SessionId,
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});
export const PresenceFrame = z.object({
  type: z.literal("presence"),
  ...Base,
  deviceId: DeviceId,
  state: z.enum(["online", "away", "offline"]),
  role: Role.optional(),
  sessionId: SessionId.optional(),
  at: z.number().int().nonnegative().optional(),
});
export const MAX_ACK_RESULT_CHARS = 4000;
export const AckFrame = z.object({
  type: z.literal("ack"),
  ...Base,
  /** The `id` of the frame acknowledged. */
  ref: Id.optional(),
  /** Everything up to this agent-event sequence has been received. */
  upToSeq: Seq.optional(),
  sessionId: SessionId.optional(),
  /** What the acknowledged request answered (a slash command's output), for the sender to show. */
  result: z.string().max(MAX_ACK_RESULT_CHARS).optional(),
});
export const ErrorFrame = z.object({
  type: z.literal("error"),
  ...Base,
  /** A stable code: a PROTO_ERR_* of this package or the sender's own table. */
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/),
  message: z.string().max(4096),
  ref: Id.optional(),
  fatal: z.boolean().optional(),
});

export const ControlFrame = z.discriminatedUnion("type", [
  HelloFrame,
  WelcomeFrame,
  SessionOpenFrame,
  SessionCloseFrame,
  StartStreamFrame,
  StopStreamFrame,
  ExecCmdFrame,
  AgentEventFrame,
  ApprovalResponseFrame,
  ControlRequestFrame,
  ControlGrantFrame,
  ControlRevokeFrame,
  TerminalResizeFrame,
  PresenceFrame,
  AckFrame,
  ErrorFrame,
]);
/** A decoded frame (defaults applied). */
export type ControlFrame = z.infer<typeof ControlFrame>;
/** What `encodeControlFrame` accepts (fields with defaults may be left out). */
export type ControlFrameInput = z.input<typeof ControlFrame>;
export type ControlFrameType = ControlFrame["type"];
export type ControlFrameOf<T extends ControlFrameType> = Extract<ControlFrame, { type: T }>;

export const CONTROL_FRAME_TYPES = [
  "hello",
  "welcome",
  "session_open",
  "session_close",
  "start_stream",
  "stop_stream",
  "exec_cmd",
  "agent_event",
  "approval_response",
  "control_request",
  "control_grant",
  "control_revoke",
  "terminal_resize",
  "presence",
  "ack",
  "error",
] as const satisfies readonly ControlFrameType[];

/** The protocol version that introduced each frame type (all of them: 1). */
export const CONTROL_FRAME_SINCE: Readonly<Record<ControlFrameType, number>> = Object.fromEntries(
  CONTROL_FRAME_TYPES.map((t) => [t, 1]),
) as Record<ControlFrameType, number>;
