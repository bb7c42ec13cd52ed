import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CodexAppServerBackend } from "../../src/backends/codex/backend.ts";
import { isBackendError } from "../../src/backends/errors.ts";
import { pinnedAgent } from "../../src/backends/resolve-binary.ts";
import { addEchoMcpServer, makeCodexHome } from "../fixtures/codex-home.ts";
import { inputTexts, type ResponsesMock, startResponsesMock } from "../fixtures/responses-mock.ts";
import { agentBackendScenarios } from "./agent-contract.ts";
import { Recorder } from "./helpers.ts";

const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello from the patch\n*** End Patch\n";

describe("codex backend (real codex app-server against a scripted Responses server)", () => {
  let mock: ResponsesMock;
  let env: Record<string, string>;
  let cwd: string;
  let home: string;
  let backends: CodexAppServerBackend[];

  const make = () => {
    // always the pinned binary, whatever codex may be on PATH
    const b = new CodexAppServerBackend({ env, binary: pinnedAgent("codex")!.prefixArgs[0]! });
    backends.push(b);
    return b;
  };

  beforeEach(async () => {
    mock = await startResponsesMock();
    ({ env, cwd, home } = makeCodexHome(mock.port));
    backends = [];
  });
  afterEach(async () => {
    await Promise.all(backends.map((b) => b.close()));
    await mock.close();
  });

  it("streams a text turn as deltas, a completed text, usage and turn_completed", async () => {
    mock.enqueue([{ type: "text", text: "Hello from the mock model", chunks: 4 }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    expect(backend.threadId).toMatch(/[0-9a-f-]{36}/);
    const end = rec.turnEnd();
    await backend.sendMessage("say hello", { source: "remote" });
    expect((await end).kind).toBe("turn_completed");
    const deltas = rec.of("text_delta");
    expect(deltas.length).toBe(4);
    expect(deltas.map((d) => d.delta).join("")).toBe("Hello from the mock model");
    expect(rec.of("text_completed")[0]?.text).toBe("Hello from the mock model");
    expect(rec.of("usage")[0]).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(rec.of("user_message")[0]).toMatchObject({ text: "say hello", source: "remote" });
    expect(rec.kinds().slice(0, 3)).toEqual(["session_started", "user_message", "turn_started"]);
    expect(inputTexts(mock.requests[0]!)).toContain("say hello");
  });

  it("asks before running a command and runs it when accepted", async () => {
    mock.enqueue([{ type: "exec", cmd: "echo approved-run", escalate: true }], [{ type: "text", text: "done" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("run it");
    const ask = await rec.next("approval_requested");
    expect(ask).toMatchObject({ approval: "command" });
    expect(ask.command).toContain("echo approved-run");
    expect(await backend.respondApproval(ask.requestId, "accept", "phone-1")).toBe(true);
    expect(await backend.respondApproval(ask.requestId, "decline", "laptop")).toBe(false);
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_resolved")).toEqual([
      expect.objectContaining({ requestId: ask.requestId, decision: "accept", by: "phone-1" }),
    ]);
    const begin = rec.of("command_begin")[0]!;
    expect(begin.command).toContain("echo approved-run");
    const output = rec
      .of("command_output_delta")
      .filter((d) => d.itemId === begin.itemId)
      .map((d) => d.chunk)
      .join("");
    expect(output).toContain("approved-run");
    expect(rec.of("command_end")[0]).toMatchObject({ itemId: begin.itemId, exitCode: 0 });
  });

  it("does not run a declined command, and tells the model so", async () => {
    mock.enqueue(
      [{ type: "exec", cmd: "touch declined-marker", escalate: true }],
      [{ type: "text", text: "ok, not run" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("run it");
    const ask = await rec.next("approval_requested");
    await backend.respondApproval(ask.requestId, "decline");
    expect((await end).kind).toBe("turn_completed");
    expect(existsSync(join(cwd, "declined-marker"))).toBe(false);
    expect(rec.of("command_output_delta")).toEqual([]);
    const followUp = JSON.stringify(mock.requests[1]?.body);
    expect(followUp).toContain("function_call_output");
    expect(rec.of("text_completed").at(-1)?.text).toBe("ok, not run");
  });

  it("policy never declines without asking anyone; unknown approval ids are a typed error", async () => {
    mock.enqueue([{ type: "exec", cmd: "touch never-marker", escalate: true }], [{ type: "text", text: "fine" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "never" });
    const end = rec.turnEnd();
    await backend.sendMessage("run it");
    await end;
    expect(rec.of("approval_resolved")[0]).toMatchObject({ decision: "decline", by: "policy" });
    expect(existsSync(join(cwd, "never-marker"))).toBe(false);
    const err = await backend.respondApproval("nope", "accept").catch((e: unknown) => e);
    expect(isBackendError(err, "unknown_approval")).toBe(true);
  });

  it("proposes a patch with a diff, applies it on approval, and reports the turn's unified diff", async () => {
    mock.enqueue([{ type: "patch", input: PATCH }], [{ type: "text", text: "patched" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("add a file");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("file_change");
    expect(ask.summary).toContain("hello.txt");
    expect(ask.diff).toContain("+hello from the patch");
    await backend.respondApproval(ask.requestId, "accept");
    expect((await end).kind).toBe("turn_completed");
    expect(readFileSync(join(cwd, "hello.txt"), "utf8")).toBe("hello from the patch\n");
    const applied = rec.of("file_change").filter((f) => f.status === "applied");
    expect(applied).toHaveLength(1);
    expect(applied[0]!.files).toEqual([{ path: "hello.txt", change: "add" }]);
    expect(applied[0]!.diff).toContain("diff --git a/hello.txt b/hello.txt");
    expect(applied[0]!.diff).toContain("+++ b/hello.txt");
    expect(applied[0]!.diff).toContain("+hello from the patch");
  });

  it("the other tools codex runs show as tool calls: a web search and viewing an image", async () => {
    // a 1x1 PNG
    writeFileSync(
      join(cwd, "dot.png"),
      Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "base64",
      ),
    );
    mock.enqueue(
      [
        { type: "web_search", query: "relay throughput" },
        { type: "function", name: "view_image", arguments: { path: join(cwd, "dot.png") } },
      ],
      [{ type: "text", text: "seen both" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("search, then look at the dot");
    expect((await end).kind).toBe("turn_completed");
    const calls = rec.of("tool_call");
    const of = (tool: string) => calls.filter((t) => t.tool === tool).map((t) => [t.status, t.summary]);
    expect(of("web_search")).toEqual([
      ["started", "relay throughput"],
      ["completed", "relay throughput"],
    ]);
    expect(of("view_image")).toEqual([
      ["started", "dot.png"],
      ["completed", "dot.png"],
    ]);
    expect(rec.of("approval_requested")).toHaveLength(0);
  });

  it("an MCP server's tool asks first: declined it does not run, accepted it runs, and accepted for the session it asks no more", async () => {
    addEchoMcpServer(home);
    // the model finds the tool with tool_search (codex offers MCP tools only that way), then calls it
    const call = (text: string) => [
      { type: "function" as const, name: "echo", namespace: "mcp__echo", arguments: { text } },
    ];
    mock.enqueue(
      [{ type: "tool_search", query: "echo" }],
      call("first"),
      [{ type: "text", text: "it was declined" }],
      call("second"),
      [{ type: "text", text: "ran it" }],
      call("third"),
      [{ type: "text", text: "ran it again" }],
      call("fourth"),
      [{ type: "text", text: "and again" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const turn = async (prompt: string, decision?: "accept" | "accept_for_session" | "decline") => {
      const asked = new Set(rec.of("approval_requested").map((a) => a.requestId));
      const end = rec.turnEnd();
      await backend.sendMessage(prompt);
      if (decision) {
        const ask = await rec.next("approval_requested", (a) => !asked.has(a.requestId));
        expect(ask).toMatchObject({ approval: "tool", reason: 'Allow the echo MCP server to run tool "echo"?' });
        await backend.respondApproval(ask.requestId, decision, "phone-1");
      }
      expect((await end).kind).toBe("turn_completed");
      return rec
        .of("tool_call")
        .filter((t) => t.tool === "echo.echo" && t.status !== "started")
        .at(-1);
    };
    expect(await turn("echo first", "decline")).toMatchObject({ status: "declined" });
    expect(rec.of("approval_requested").at(-1)?.summary).toBe('echo.echo {"text":"first"}');
    expect(await turn("echo second", "accept")).toMatchObject({ status: "completed", output: "echo: second" });
    expect(JSON.stringify(mock.requests.at(-1)!.body)).toContain("echo: second");
    expect(await turn("echo third", "accept_for_session")).toMatchObject({
      status: "completed",
      output: "echo: third",
    });
    const asked = rec.of("approval_requested").length;
    expect(await turn("echo fourth")).toMatchObject({ status: "completed", output: "echo: fourth" });
    expect(rec.of("approval_requested")).toHaveLength(asked);
  });

  it("a goal codex keeps working on by itself: set, pursued in a turn codex starts itself, completed", async () => {
    mock.enqueue(
      [{ type: "function", name: "create_goal", arguments: { objective: "make the tests pass" } }],
      [{ type: "text", text: "goal set, working on it" }],
      // codex continues on its own while the goal is active
      [{ type: "function", name: "update_goal", arguments: { status: "complete" } }],
      [{ type: "text", text: "the tests pass" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const first = rec.turnEnd();
    await backend.sendMessage("set a goal: make the tests pass");
    expect((await first).kind).toBe("turn_completed");
    const asked = rec.of("turn_started")[0]!.turnId;
    const own = await rec.next("turn_started", (t) => t.turnId !== asked, 20_000);
    await rec.next("turn_completed", (t) => t.turnId === own.turnId, 20_000);
    expect(rec.of("goal").map((g) => [g.goal?.objective, g.goal?.status])).toEqual([
      ["make the tests pass", "active"],
      ["make the tests pass", "complete"],
    ]);
    expect(rec.of("goal").at(-1)?.turnId).toBe(own.turnId);
    expect(rec.of("text_completed").at(-1)).toMatchObject({ turnId: own.turnId, text: "the tests pass" });
    expect(rec.of("user_message")).toHaveLength(1);
  });

  it("/goal from the user: sets a goal codex pursues, pauses it, clears it", async () => {
    mock.enqueue([{ type: "text", text: "on it" }], [{ type: "text", text: "still on it" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    await backend.setGoal({ objective: "keep the build green" });
    await rec.next("goal", (g) => g.goal?.status === "active", 20_000);
    // codex starts work on the goal by itself
    await rec.next("turn_started", () => true, 20_000);
    await rec.next("turn_completed", () => true, 20_000);
    await backend.setGoal({ status: "paused" });
    await rec.next("goal", (g) => g.goal?.status === "paused", 20_000);
    await backend.setGoal({ clear: true });
    await rec.next("goal", (g) => g.goal === null, 20_000);
    expect(rec.of("goal").map((g) => g.goal?.status ?? "cleared")).toEqual(["active", "paused", "cleared"]);
    expect(rec.of("goal")[0]!.goal?.objective).toBe("keep the build green");
  });

  it("declines a patch: the file is not written and the change is reported declined", async () => {
    mock.enqueue([{ type: "patch", input: PATCH }], [{ type: "text", text: "left it" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("add a file");
    const ask = await rec.next("approval_requested");
    await backend.respondApproval(ask.requestId, "decline", "phone-1");
    expect((await end).kind).toBe("turn_completed");
    expect(existsSync(join(cwd, "hello.txt"))).toBe(false);
    expect(rec.of("file_change").map((f) => f.status)).toEqual(["proposed", "declined"]);
  });

  it("accept for session: the same command later runs without asking again", async () => {
    mock.enqueue(
      [{ type: "exec", cmd: "echo once", escalate: true }],
      [{ type: "exec", cmd: "echo once", escalate: true }],
      [{ type: "text", text: "twice" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("run it twice");
    const ask = await rec.next("approval_requested");
    await backend.respondApproval(ask.requestId, "accept_for_session");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_requested")).toHaveLength(1);
    expect(rec.of("command_end").map((c) => c.exitCode)).toEqual([0, 0]);
  });

  it("interrupts a turn mid-stream", async () => {
    mock.enqueue([{ type: "text", text: "a".repeat(200), chunks: 100, delayMs: 50 }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("talk slowly");
    await rec.next("text_delta");
    await backend.interrupt();
    expect((await end).kind).toBe("turn_interrupted");
    expect(rec.of("text_delta").length).toBeLessThan(100);
    expect(backend.turnActive).toBe(false);
    // the thread still works after an interrupt
    mock.enqueue([{ type: "text", text: "back again" }]);
    const end2 = rec.turnEnd();
    await backend.sendMessage("still there?");
    expect((await end2).kind).toBe("turn_completed");
  });

  it("resumes an earlier thread in a new app-server process, with the earlier turn in the model's input", async () => {
    mock.enqueue([{ type: "text", text: "first answer" }]);
    const first = make();
    const rec1 = new Recorder(first);
    await first.start({ cwd, approvalPolicy: "ask" });
    const end1 = rec1.turnEnd();
    await first.sendMessage("remember the word pelican");
    await end1;
    const threadId = first.threadId!;
    await first.close();

    mock.enqueue([{ type: "text", text: "pelican it was" }]);
    const second = make();
    const rec2 = new Recorder(second);
    await second.start({ cwd, approvalPolicy: "ask", resumeThreadId: threadId });
    expect(second.threadId).toBe(threadId);
    const end2 = rec2.turnEnd();
    await second.sendMessage("which word?");
    expect((await end2).kind).toBe("turn_completed");
    const texts = inputTexts(mock.requests.at(-1)!);
    expect(texts).toContain("remember the word pelican");
    expect(texts).toContain("first answer");
    expect(texts).toContain("which word?");
  });

  it("reports a model server it cannot reach as a retrying error, and an interrupt ends the turn", async () => {
    await mock.close(); // nothing listens on the port any more
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("anyone there?");
    const retry = await rec.next("error", (e) => e.code === "agent_retrying");
    expect(retry.fatal).toBe(false);
    await backend.interrupt();
    expect((await end).kind).toBe("turn_interrupted");
  });

  agentBackendScenarios(() => ({
    make,
    enqueue: (...steps) => mock.enqueue(...steps),
    lastRequestTexts: () => inputTexts(mock.requests.at(-1)!),
    cwd,
  }));

  it("rejects resuming a thread that does not exist with resume_failed", async () => {
    const backend = make();
    const err = await backend
      .start({ cwd, approvalPolicy: "ask", resumeThreadId: "01a20bc8-0000-7000-8000-000000000000" })
      .catch((e: unknown) => e);
    expect(isBackendError(err, "resume_failed")).toBe(true);
  });
});
