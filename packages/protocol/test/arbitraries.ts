/** fast-check arbitraries for every control frame, agent event and binary frame (decoded shapes). */
import fc from "fast-check";
import type { AgentEvent, BinaryFrame, ControlFrame } from "../src/index.ts";

// Builds a record whose `required` keys are always present and whose `optional` keys may be absent.
function obj<R extends Record<string, unknown>, O extends Record<string, unknown>>(
  required: { [K in keyof R]: fc.Arbitrary<R[K]> },
  optional: { [K in keyof O]: fc.Arbitrary<O[K]> },
): fc.Arbitrary<R & Partial<O>> {
  const model = { ...required, ...optional } as { [K in keyof (R & O)]: fc.Arbitrary<(R & O)[K]> };
  return fc.record(model, { requiredKeys: Object.keys(required) as (keyof (R & O))[] }) as unknown as fc.Arbitrary<
    R & Partial<O>
  >;
}

const text = (max = 40) => fc.string({ unit: "binary", maxLength: max });
const id = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 24 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const seq = fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const dim = fc.integer({ min: 1, max: 1000 });
const role = fc.constantFrom("wrapper" as const, "phone" as const);
const turn = { turnId: id };

const agentEvent: fc.Arbitrary<AgentEvent> = fc.oneof(
  obj(
    { kind: fc.constant("session_started" as const), agent: text() },
    { threadId: text(), cwd: text(), model: text() },
  ),
  obj({ kind: fc.constant("turn_started" as const) }, turn),
  obj({ kind: fc.constant("turn_completed" as const) }, turn),
  obj({ kind: fc.constant("turn_failed" as const), message: text() }, turn),
  obj({ kind: fc.constant("turn_interrupted" as const) }, turn),
  obj(
    { kind: fc.constant("user_message" as const), text: text() },
    { ...turn, source: fc.constantFrom("local" as const, "remote" as const, "voice" as const) },
  ),
  obj({ kind: fc.constant("text_delta" as const), itemId: text(), delta: text() }, turn),
  obj({ kind: fc.constant("text_completed" as const), itemId: text(), text: text() }, turn),
  obj({ kind: fc.constant("reasoning_delta" as const), itemId: text(), delta: text() }, turn),
  obj({ kind: fc.constant("command_begin" as const), itemId: text(), command: text() }, { ...turn, cwd: text() }),
  obj(
    {
      kind: fc.constant("command_output_delta" as const),
      itemId: text(),
      stream: fc.constantFrom("stdout" as const, "stderr" as const),
      chunk: text(200),
    },
    turn,
  ),
  obj(
    {
      kind: fc.constant("command_end" as const),
      itemId: text(),
      exitCode: fc.option(fc.integer({ min: -255, max: 255 }), { nil: null }),
    },
    { ...turn, durationMs: fc.integer({ min: 0, max: 1e9 }).map((n) => n / 8) },
  ),
  obj(
    {
      kind: fc.constant("file_change" as const),
      itemId: text(),
      files: fc.array(
        obj(
          {
            path: text(),
            change: fc.constantFrom("add" as const, "delete" as const, "update" as const, "rename" as const),
          },
          { movePath: text() },
        ),
        { maxLength: 3 },
      ),
      diff: text(300),
      status: fc.constantFrom("proposed" as const, "applied" as const, "declined" as const, "failed" as const),
    },
    turn,
  ),
  obj(
    {
      kind: fc.constant("approval_requested" as const),
      requestId: text(),
      approval: fc.constantFrom("command" as const, "file_change" as const, "tool" as const),
      summary: text(),
    },
    { ...turn, itemId: text(), command: text(), diff: text(), reason: text() },
  ),
  obj(
    {
      kind: fc.constant("approval_resolved" as const),
      requestId: text(),
      decision: fc.constantFrom(
        "accept" as const,
        "accept_for_session" as const,
        "decline" as const,
        "cancel" as const,
      ),
      by: text(),
    },
    turn,
  ),
  obj(
    { kind: fc.constant("usage" as const), inputTokens: fc.nat(), outputTokens: fc.nat() },
    { ...turn, cachedInputTokens: fc.nat() },
  ),
  obj({ kind: fc.constant("error" as const), code: text(), message: text(), fatal: fc.boolean() }, turn),
) as fc.Arbitrary<AgentEvent>;

const base = { id };
const audioFormat = obj(
  {
    codec: fc.constantFrom("pcm_s16le" as const, "opus" as const),
    sampleRate: fc.constantFrom(8000, 16000, 24000, 48000),
    channels: fc.integer({ min: 1, max: 2 }),
    frameDurationMs: fc.constantFrom(2.5, 10, 20, 60),
  },
  {},
);
const execInput = fc.oneof(
  obj({ kind: fc.constant("prompt" as const), text: text().filter((s) => s.length > 0) }, {}),
  obj(
    {
      kind: fc.constant("slash" as const),
      command: fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/),
      args: fc.array(text(20), { maxLength: 4 }),
    },
    {},
  ),
);

export const controlFrame: fc.Arbitrary<ControlFrame> = fc.oneof(
  obj(
    {
      type: fc.constant("hello" as const),
      versions: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      role,
      deviceId: id,
    },
    {
      ...base,
      app: obj({ name: text(10), version: text(10) }, {}),
      capabilities: fc.array(text(10), { maxLength: 3 }),
    },
  ),
  obj(
    { type: fc.constant("welcome" as const), version: fc.integer({ min: 1, max: 9 }), role, deviceId: id },
    { ...base, capabilities: fc.array(text(10), { maxLength: 3 }) },
  ),
  obj(
    { type: fc.constant("session_open" as const), sessionId: id, agent: id },
    { ...base, title: text(), cwd: text(), cols: dim, rows: dim, resumeAfterSeq: seq },
  ),
  obj(
    {
      type: fc.constant("session_close" as const),
      sessionId: id,
      reason: fc.constantFrom(
        "ended" as const,
        "user" as const,
        "error" as const,
        "timeout" as const,
        "replaced" as const,
      ),
    },
    { ...base, exitCode: fc.option(fc.integer({ min: -255, max: 255 }), { nil: null }), message: text() },
  ),
  obj(
    {
      type: fc.constant("start_stream" as const),
      sessionId: id,
      streamId: u32,
      kind: fc.constantFrom(
        "terminal_output" as const,
        "terminal_input" as const,
        "audio" as const,
        "diff" as const,
        "file" as const,
      ),
    },
    { ...base, audio: audioFormat, path: text(), totalBytes: seq, mime: text(20) },
  ),
  obj(
    { type: fc.constant("stop_stream" as const), sessionId: id, streamId: u32 },
    { ...base, reason: fc.constantFrom("done" as const, "cancelled" as const, "error" as const) },
  ),
  obj(
    { type: fc.constant("exec_cmd" as const), sessionId: id, input: execInput },
    { ...base, source: fc.constantFrom("remote" as const, "voice" as const, "local" as const) },
  ),
  obj({ type: fc.constant("agent_event" as const), sessionId: id, seq, event: agentEvent }, { ...base, at: fc.nat() }),
  obj(
    {
      type: fc.constant("approval_response" as const),
      sessionId: id,
      requestId: id,
      decision: fc.constantFrom(
        "accept" as const,
        "accept_for_session" as const,
        "decline" as const,
        "cancel" as const,
      ),
    },
    { ...base, message: text() },
  ),
  obj({ type: fc.constant("control_request" as const), sessionId: id, deviceId: id }, { ...base, reason: text() }),
  obj(
    { type: fc.constant("control_grant" as const), sessionId: id, deviceId: id },
    { ...base, leaseMs: fc.integer({ min: 1, max: 1e9 }) },
  ),
  obj(
    { type: fc.constant("control_revoke" as const), sessionId: id, deviceId: id },
    {
      ...base,
      reason: fc.constantFrom(
        "local_input" as const,
        "released" as const,
        "timeout" as const,
        "replaced" as const,
        "denied" as const,
      ),
    },
  ),
  obj({ type: fc.constant("terminal_resize" as const), sessionId: id, cols: dim, rows: dim }, base),
  obj(
    {
      type: fc.constant("presence" as const),
      deviceId: id,
      state: fc.constantFrom("online" as const, "away" as const, "offline" as const),
    },
    { ...base, role, sessionId: id, at: fc.nat() },
  ),
  obj({ type: fc.constant("ack" as const) }, { ...base, ref: id, upToSeq: seq, sessionId: id }),
  obj(
    { type: fc.constant("error" as const), code: fc.stringMatching(/^[A-Z][A-Z0-9_]{1,20}$/), message: text() },
    { ...base, ref: id, fatal: fc.boolean() },
  ),
) as fc.Arbitrary<ControlFrame>;

const flags = fc.constantFrom(0, 1, 2, 3);
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

export const binaryFrame: fc.Arbitrary<BinaryFrame> = fc.oneof(
  fc.record({
    type: fc.constantFrom("terminal_output" as const, "terminal_input" as const),
    streamId: u32,
    sequence: u32,
    flags,
    data: bytes(300),
  }),
  fc
    .record({
      streamId: u32,
      sequence: u32,
      flags,
      sampleRate: fc.constantFrom(8000, 16000, 48000),
      channels: fc.integer({ min: 1, max: 2 }),
      frameDurationUs: fc.constantFrom(2500, 10_000, 20_000, 60_000),
      samples: fc.integer({ min: 0, max: 160 }),
      opus: fc.boolean(),
      packet: fc.uint8Array({ minLength: 1, maxLength: 200 }),
    })
    .map(({ samples, opus, packet, ...rest }) =>
      opus
        ? { type: "audio" as const, codec: "opus" as const, ...rest, data: packet }
        : {
            type: "audio" as const,
            codec: "pcm_s16le" as const,
            ...rest,
            data: new Uint8Array(samples * 2 * rest.channels).fill(7),
          },
    ),
  fc
    .record({
      type: fc.constantFrom("diff_chunk" as const, "file_chunk" as const),
      streamId: u32,
      sequence: u32,
      flags,
      offset: fc.integer({ min: 0, max: 2 ** 40 }),
      extra: fc.integer({ min: 0, max: 2 ** 40 }),
      data: bytes(300),
    })
    .map(({ extra, ...f }) => ({ ...f, total: f.offset + f.data.length + extra })),
);

/** Mutations of a valid encoding: bit flips, byte overwrites, truncation, insertion, duplication. */
export function mutate(input: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = input.length;
  return fc.oneof(
    fc.record({ at: fc.nat(Math.max(0, n - 1)), bit: fc.integer({ min: 0, max: 7 }) }).map(({ at, bit }) => {
      const out = Uint8Array.from(input);
      if (n > 0) out[at] = (out[at] as number) ^ (1 << bit);
      return out;
    }),
    fc.record({ at: fc.nat(Math.max(0, n - 1)), value: fc.integer({ min: 0, max: 255 }) }).map(({ at, value }) => {
      const out = Uint8Array.from(input);
      if (n > 0) out[at] = value;
      return out;
    }),
    fc.nat(Math.max(0, n)).map((len) => input.slice(0, len)),
    fc.record({ at: fc.nat(n), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }).map(({ at, extra }) => {
      const out = new Uint8Array(n + extra.length);
      out.set(input.subarray(0, at));
      out.set(extra, at);
      out.set(input.subarray(at), at + extra.length);
      return out;
    }),
    fc.record({ from: fc.nat(n), len: fc.nat(16) }).map(({ from, len }) => {
      const out = new Uint8Array(n + Math.min(len, n - from));
      out.set(input);
      out.set(input.subarray(from, from + len), n);
      return out;
    }),
  );
}
