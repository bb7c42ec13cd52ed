import { describe, expect, it } from "vitest";
import {
  answerHello,
  BINARY_HEADER_BYTES,
  createHello,
  decodeBinaryFrame,
  decodeControlFrame,
  encodeBinaryFrame,
  encodeControlFrame,
  isProtocolError,
  MAX_BINARY_BODY_BYTES,
  MAX_PLAN_CHARS,
  MAX_TOOL_OUTPUT_CHARS,
  MAX_TOOL_SUMMARY_CHARS,
  negotiateVersion,
  PROTOCOL_ERRORS,
  type ProtocolError,
} from "../src/index.ts";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return error.code;
  }
  return "none";
}

describe("version negotiation", () => {
  it("picks the highest common version", () => {
    expect(negotiateVersion([1, 2, 3], [2, 3, 4])).toBe(3);
    expect(negotiateVersion([1], [1])).toBe(1);
  });

  it("answers a hello with a welcome, or a clear error naming both lists", () => {
    const hello = createHello({ role: "phone", deviceId: "phone-1", versions: [1, 2] });
    const welcome = answerHello(hello, { role: "wrapper", deviceId: "laptop", versions: [1] });
    expect(welcome).toEqual({ type: "welcome", version: 1, role: "wrapper", deviceId: "laptop" });
    expect(decodeControlFrame(encodeControlFrame(welcome))).toEqual(welcome);
    try {
      answerHello({ ...hello, versions: [7, 8] }, { role: "wrapper", deviceId: "laptop", versions: [1, 2] });
      throw new Error("expected an error");
    } catch (error) {
      expect(isProtocolError(error, "PROTO_ERR_VERSION_UNSUPPORTED")).toBe(true);
      expect((error as ProtocolError).message).toContain("[1, 2]");
      expect((error as ProtocolError).message).toContain("[7, 8]");
    }
  });
});

describe("control frame errors", () => {
  it("names the code and what was wrong", () => {
    expect(codeOf(() => decodeControlFrame("{"))).toBe("PROTO_ERR_JSON");
    expect(codeOf(() => decodeControlFrame(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe("PROTO_ERR_UTF8");
    expect(codeOf(() => decodeControlFrame("[]"))).toBe("PROTO_ERR_SCHEMA");
    expect(codeOf(() => decodeControlFrame('{"type":"teleport"}'))).toBe("PROTO_ERR_UNKNOWN_TYPE");
    expect(codeOf(() => decodeControlFrame("x".repeat(2 << 20)))).toBe("PROTO_ERR_TOO_LARGE");
    let detail = "";
    try {
      decodeControlFrame('{"type":"terminal_resize","sessionId":"s","cols":0,"rows":24}');
    } catch (error) {
      expect((error as ProtocolError).code).toBe("PROTO_ERR_SCHEMA");
      detail = (error as ProtocolError).detail;
    }
    expect(detail).toMatch(/^terminal_resize: cols/);
    expect(codeOf(() => encodeControlFrame({ type: "ack", ref: "" }))).toBe("PROTO_ERR_SCHEMA");
  });

  it("applies AgentEvent defaults and drops unknown fields (forward compatible)", () => {
    const frame = decodeControlFrame(
      JSON.stringify({
        type: "agent_event",
        sessionId: "s",
        seq: 3,
        future: true,
        event: { kind: "command_output_delta", itemId: "i", chunk: "ls\n" },
      }),
    );
    expect(frame).toEqual({
      type: "agent_event",
      sessionId: "s",
      seq: 3,
      event: { kind: "command_output_delta", itemId: "i", chunk: "ls\n", stream: "stdout" },
    });
  });

  it("an event of a kind this version does not know arrives as `unsupported`, keeping its sequence", () => {
    const frame = decodeControlFrame(
      JSON.stringify({
        type: "agent_event",
        sessionId: "s",
        seq: 7,
        event: { kind: "from_the_future", turnId: "t1", whatever: [1, 2] },
      }),
    );
    expect(frame).toEqual({
      type: "agent_event",
      sessionId: "s",
      seq: 7,
      event: { kind: "unsupported", original: "from_the_future", turnId: "t1" },
    });
    // a known kind with a bad body, or a kind not shaped like one, still fails
    const bad = (event: unknown) =>
      codeOf(() => decodeControlFrame(JSON.stringify({ type: "agent_event", sessionId: "s", seq: 1, event })));
    expect(bad({ kind: "text_delta", delta: 5 })).toBe("PROTO_ERR_SCHEMA");
    expect(bad({ kind: "Not A Kind" })).toBe("PROTO_ERR_SCHEMA");
    expect(bad({})).toBe("PROTO_ERR_SCHEMA");
  });

  it("exec_cmd carries a prompt or a slash command with arguments", () => {
    const slash = {
      type: "exec_cmd" as const,
      sessionId: "s",
      input: { kind: "slash" as const, command: "model", args: ["gpt-5"] },
    };
    expect(decodeControlFrame(encodeControlFrame(slash))).toEqual(slash);
    expect(codeOf(() => encodeControlFrame({ ...slash, input: { kind: "slash", command: "/model", args: [] } }))).toBe(
      "PROTO_ERR_SCHEMA",
    );
  });

  it("carries an agent's questions and the answers to them", () => {
    const asked = {
      type: "agent_event" as const,
      sessionId: "s",
      seq: 4,
      event: {
        kind: "approval_requested" as const,
        requestId: "r1",
        approval: "tool" as const,
        summary: "Which colour?",
        questions: [{ question: "Which colour?", options: [{ label: "Red" }, { label: "Blue", description: "calm" }] }],
      },
    };
    const decoded = decodeControlFrame(encodeControlFrame(asked));
    expect(
      decoded.type === "agent_event" && decoded.event.kind === "approval_requested" && decoded.event.questions,
    ).toEqual([
      {
        question: "Which colour?",
        multiSelect: false,
        options: [{ label: "Red" }, { label: "Blue", description: "calm" }],
      },
    ]);
    const answer = {
      type: "approval_response" as const,
      sessionId: "s",
      requestId: "r1",
      decision: "accept" as const,
      answers: { "Which colour?": "Blue" },
    };
    expect(decodeControlFrame(encodeControlFrame(answer))).toEqual(answer);
    const tooMany = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`q${i}`, "a"]));
    expect(codeOf(() => encodeControlFrame({ ...answer, answers: tooMany }))).toBe("PROTO_ERR_SCHEMA");
    expect(
      codeOf(() =>
        encodeControlFrame({ ...asked, event: { ...asked.event, questions: [{ question: "?", options: [] }] } }),
      ),
    ).toBe("PROTO_ERR_SCHEMA");
  });

  it("carries a plan to approve in full, and refuses an empty or oversized one", () => {
    const plan = `# Plan\n\n1. Add the test\n2. ${"Fix it. ".repeat(1000)}`;
    const asked = {
      type: "agent_event" as const,
      sessionId: "s",
      seq: 5,
      event: {
        kind: "approval_requested" as const,
        requestId: "r2",
        approval: "tool" as const,
        summary: "Plan ready: # Plan",
        plan,
      },
    };
    expect(decodeControlFrame(encodeControlFrame(asked))).toEqual(asked);
    expect(codeOf(() => encodeControlFrame({ ...asked, event: { ...asked.event, plan: "" } }))).toBe(
      "PROTO_ERR_SCHEMA",
    );
    const huge = "x".repeat(MAX_PLAN_CHARS + 1);
    expect(codeOf(() => encodeControlFrame({ ...asked, event: { ...asked.event, plan: huge } }))).toBe(
      "PROTO_ERR_SCHEMA",
    );
  });

  it("carries any other tool the agent runs, with bounded summary and output", () => {
    const call = {
      type: "agent_event" as const,
      sessionId: "s",
      seq: 6,
      event: {
        kind: "tool_call" as const,
        turnId: "t",
        itemId: "i1",
        tool: "WebSearch",
        summary: "relay throughput",
        status: "completed" as const,
        output: "3 results",
      },
    };
    expect(decodeControlFrame(encodeControlFrame(call))).toEqual(call);
    const long = (n: number) => "x".repeat(n + 1);
    for (const bad of [
      { tool: "" },
      { summary: long(MAX_TOOL_SUMMARY_CHARS) },
      { output: long(MAX_TOOL_OUTPUT_CHARS) },
      { status: "running" },
    ]) {
      expect(codeOf(() => encodeControlFrame({ ...call, event: { ...call.event, ...bad } as never }))).toBe(
        "PROTO_ERR_SCHEMA",
      );
    }
  });

  it("rejects deeply nested and near-limit inputs with typed errors, without stack overflow", () => {
    const depth = 400_000;
    const nested = `{"type":"ack","ref":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    expect(codeOf(() => decodeControlFrame(nested))).toBe("PROTO_ERR_SCHEMA");
    const deepEvent = `{"type":"agent_event","sessionId":"s","seq":1,"event":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`;
    expect(codeOf(() => decodeControlFrame(deepEvent))).toBe("PROTO_ERR_SCHEMA");
    expect(codeOf(() => decodeControlFrame("[".repeat(1 << 20)))).toBe("PROTO_ERR_JSON");
  });

  it("every code in the table has a message", () => {
    for (const [code, message] of Object.entries(PROTOCOL_ERRORS)) {
      expect(code).toMatch(/^PROTO_ERR_[A-Z0-9_]+$/);
      expect(message.length).toBeGreaterThan(10);
    }
  });
});

describe("binary frames", () => {
  const term = encodeBinaryFrame({
    type: "terminal_output",
    streamId: 9,
    sequence: 4,
    data: new Uint8Array([27, 91, 72]),
  });

  it("has the documented 18-byte header", () => {
    expect(BINARY_HEADER_BYTES).toBe(18);
    expect(Array.from(term.subarray(0, 18))).toEqual([0x43, 0x52, 1, 1, 0, 0, 0, 0, 0, 9, 0, 0, 0, 4, 0, 0, 0, 3]);
  });

  it("carries audio format and chunk offsets", () => {
    const pcm = encodeBinaryFrame({
      type: "audio",
      streamId: 2,
      sequence: 0,
      flags: 2,
      codec: "pcm_s16le",
      sampleRate: 16000,
      channels: 1,
      frameDurationUs: 20_000,
      data: new Uint8Array(640),
    });
    expect(decodeBinaryFrame(pcm)).toMatchObject({
      type: "audio",
      codec: "pcm_s16le",
      sampleRate: 16000,
      frameDurationUs: 20_000,
      flags: 2,
    });
    const chunk = encodeBinaryFrame({
      type: "diff_chunk",
      streamId: 5,
      sequence: 1,
      flags: 1,
      offset: 2 ** 40,
      total: 2 ** 40 + 3,
      data: new Uint8Array(3),
    });
    expect(decodeBinaryFrame(chunk)).toMatchObject({ offset: 2 ** 40, total: 2 ** 40 + 3 });
  });

  it("rejects each kind of bad frame with its own code", () => {
    expect(codeOf(() => decodeBinaryFrame(term.subarray(0, 10)))).toBe("PROTO_ERR_BINARY_TRUNCATED");
    expect(codeOf(() => decodeBinaryFrame(term.subarray(0, term.length - 1)))).toBe("PROTO_ERR_BINARY_TRUNCATED");
    const extra = new Uint8Array(term.length + 1);
    extra.set(term);
    expect(codeOf(() => decodeBinaryFrame(extra))).toBe("PROTO_ERR_BINARY_LENGTH");
    const patch = (at: number, value: number) => {
      const copy = Uint8Array.from(term);
      copy[at] = value;
      return copy;
    };
    expect(codeOf(() => decodeBinaryFrame(patch(0, 0)))).toBe("PROTO_ERR_BINARY_MAGIC");
    expect(codeOf(() => decodeBinaryFrame(patch(2, 9)))).toBe("PROTO_ERR_BINARY_VERSION");
    expect(codeOf(() => decodeBinaryFrame(patch(3, 99)))).toBe("PROTO_ERR_BINARY_TYPE");
    expect(codeOf(() => decodeBinaryFrame(patch(4, 0x80)))).toBe("PROTO_ERR_BINARY_FLAGS");
    expect(codeOf(() => decodeBinaryFrame(patch(14, 0x10)))).toBe("PROTO_ERR_TOO_LARGE");
    expect(
      codeOf(() => encodeBinaryFrame({ type: "terminal_input", streamId: -1, sequence: 0, data: new Uint8Array() })),
    ).toBe("PROTO_ERR_BINARY_FIELD");
    expect(
      codeOf(() =>
        encodeBinaryFrame({
          type: "audio",
          streamId: 1,
          sequence: 0,
          codec: "opus",
          sampleRate: 44100,
          channels: 1,
          frameDurationUs: 20_000,
          data: new Uint8Array(3),
        }),
      ),
    ).toBe("PROTO_ERR_BINARY_FIELD");
    expect(
      codeOf(() =>
        encodeBinaryFrame({
          type: "audio",
          streamId: 1,
          sequence: 0,
          codec: "pcm_s16le",
          sampleRate: 16000,
          channels: 1,
          frameDurationUs: 20_000,
          data: new Uint8Array(3),
        }),
      ),
    ).toBe("PROTO_ERR_BINARY_FIELD");
    expect(
      codeOf(() =>
        encodeBinaryFrame({
          type: "file_chunk",
          streamId: 1,
          sequence: 0,
          offset: 5,
          total: 6,
          data: new Uint8Array(2),
        }),
      ),
    ).toBe("PROTO_ERR_BINARY_FIELD");
    expect(
      codeOf(() =>
        encodeBinaryFrame({
          type: "terminal_output",
          streamId: 1,
          sequence: 0,
          data: new Uint8Array(MAX_BINARY_BODY_BYTES + 1),
        }),
      ),
    ).toBe("PROTO_ERR_TOO_LARGE");
  });
});
