import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClaudeStreamBackend, claudeTranscript } from "../../src/backends/claude/backend.ts";
import { pinnedAgent } from "../../src/backends/resolve-binary.ts";
import { type AnthropicMock, messageTexts, startAnthropicMock } from "../fixtures/anthropic-mock.ts";
import { addEchoMcpServerForClaude, makeClaudeHome } from "../fixtures/claude-home.ts";
import { agentBackendScenarios } from "./agent-contract.ts";
import { Recorder } from "./helpers.ts";

describe("claude backend (real claude -p stream-json against a scripted Messages server)", () => {
  let mock: AnthropicMock;
  let env: Record<string, string>;
  let cwd: string;
  let configDir: string;
  let backends: ClaudeStreamBackend[];

  const make = () => {
    const b = new ClaudeStreamBackend({ env, binary: pinnedAgent("claude")!.command });
    backends.push(b);
    return b;
  };

  beforeEach(async () => {
    mock = await startAnthropicMock();
    ({ env, cwd, configDir } = makeClaudeHome(mock.port));
    backends = [];
  });
  afterEach(async () => {
    await Promise.all(backends.map((b) => b.close()));
    await mock.close();
  });

  it("serves several turns from one process with streamed deltas", async () => {
    mock.enqueue(
      [{ type: "text", text: "First streamed answer", chunks: 4 }],
      [{ type: "text", text: "Second answer" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const sessionId = backend.threadId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    let end = rec.turnEnd();
    await backend.sendMessage("hello");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("text_delta").length).toBe(4);
    expect(
      rec
        .of("text_delta")
        .map((d) => d.delta)
        .join(""),
    ).toBe("First streamed answer");
    expect(rec.of("text_completed")[0]?.text).toBe("First streamed answer");
    expect(rec.of("usage")[0]).toMatchObject({ inputTokens: 13, outputTokens: 9 });
    end = rec.turnEnd();
    await backend.sendMessage("again");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("text_completed")[1]?.text).toBe("Second answer");
    expect(backend.threadId).toBe(sessionId);
    expect(messageTexts(mock.requests[1]!)).toEqual(
      expect.arrayContaining(["hello", "First streamed answer", "again"]),
    );
  });

  it("asks through can_use_tool and runs the command when allowed", async () => {
    mock.enqueue(
      [{ type: "tool", name: "Bash", input: { command: "touch allowed-marker && echo made-it", description: "mark" } }],
      [{ type: "text", text: "done" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("make a marker");
    const ask = await rec.next("approval_requested");
    expect(ask).toMatchObject({ approval: "command", command: "touch allowed-marker && echo made-it" });
    expect(await backend.respondApproval(ask.requestId, "accept", "phone-1")).toBe(true);
    expect((await end).kind).toBe("turn_completed");
    expect(existsSync(join(cwd, "allowed-marker"))).toBe(true);
    expect(rec.of("command_output_delta")[0]?.chunk).toContain("made-it");
    expect(rec.of("command_end")[0]).toMatchObject({ exitCode: 0 });
  });

  it("accept for session: the same command later runs without asking again", async () => {
    const bash = {
      type: "tool" as const,
      name: "Bash",
      input: { command: "touch session-marker", description: "mark" },
    };
    mock.enqueue([bash], [bash], [{ type: "text", text: "twice" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("mark twice");
    const ask = await rec.next("approval_requested");
    await backend.respondApproval(ask.requestId, "accept_for_session");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_requested")).toHaveLength(1);
    expect(rec.of("command_end").map((c) => c.exitCode)).toEqual([0, 0]);
  });

  it("denies a file write: nothing is written and the model is told", async () => {
    mock.enqueue(
      [{ type: "tool", name: "Write", input: { file_path: "denied.txt", content: "should not exist\n" } }],
      [{ type: "text", text: "understood" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("write a file");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("file_change");
    expect(ask.diff).toContain("+should not exist");
    await backend.respondApproval(ask.requestId, "decline");
    expect((await end).kind).toBe("turn_completed");
    expect(existsSync(join(cwd, "denied.txt"))).toBe(false);
    expect(rec.of("file_change").map((f) => f.status)).toEqual(["proposed", "declined"]);
    expect(JSON.stringify(mock.requests[1]?.body)).toContain("The user declined this action.");
  });

  it("allows a file write and reports the applied diff", async () => {
    mock.enqueue(
      [{ type: "tool", name: "Write", input: { file_path: "notes.txt", content: "alpha\nbeta\n" } }],
      [{ type: "text", text: "written" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "always" });
    const end = rec.turnEnd();
    await backend.sendMessage("write notes");
    expect((await end).kind).toBe("turn_completed");
    expect(readFileSync(join(cwd, "notes.txt"), "utf8")).toBe("alpha\nbeta\n");
    expect(rec.of("approval_resolved")[0]).toMatchObject({ decision: "accept", by: "policy" });
    const applied = rec.of("file_change").find((f) => f.status === "applied")!;
    expect(applied.files).toEqual([{ path: "notes.txt", change: "add" }]);
    expect(applied.diff).toContain("+++ b/notes.txt");
    expect(applied.diff).toContain("+alpha");
  });

  it("NotebookEdit asks as a file change and edits the notebook once allowed", async () => {
    const nb = {
      cells: [
        { cell_type: "code", id: "c1", metadata: {}, source: ["print('old')\n"], outputs: [], execution_count: null },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    writeFileSync(join(cwd, "analysis.ipynb"), JSON.stringify(nb, null, 1));
    mock.enqueue(
      [{ type: "tool", name: "Read", input: { file_path: join(cwd, "analysis.ipynb") } }],
      [
        {
          type: "tool",
          name: "NotebookEdit",
          input: { notebook_path: join(cwd, "analysis.ipynb"), cell_id: "c1", new_source: "print('new')" },
        },
      ],
      [{ type: "text", text: "edited" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("edit the notebook");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("file_change");
    expect(ask.summary).toBe("NotebookEdit analysis.ipynb");
    // the diff is the cell's, not the notebook's JSON
    expect(ask.diff).toContain("analysis.ipynb (cell c1)");
    expect(ask.diff).toContain("-print('old')");
    expect(ask.diff).toContain("+print('new')");
    await backend.respondApproval(ask.requestId, "accept");
    expect((await end).kind).toBe("turn_completed");
    expect(readFileSync(join(cwd, "analysis.ipynb"), "utf8")).toContain("print('new')");
    expect(rec.of("approval_requested")).toHaveLength(1); // the Read before it did not ask
  });

  it("a tool that is neither a command nor a file change (WebFetch) asks as a tool; declined, nothing is fetched", async () => {
    mock.enqueue(
      [{ type: "tool", name: "WebFetch", input: { url: "http://127.0.0.1:9/private", prompt: "summarise it" } }],
      [{ type: "text", text: "ok, not fetching" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("read that page");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("tool");
    expect(ask.summary).toMatch(/^WebFetch/);
    await backend.respondApproval(ask.requestId, "decline");
    expect((await end).kind).toBe("turn_completed");
    expect(JSON.stringify(mock.requests[1]?.body)).toContain("The user declined this action.");
    expect(rec.of("tool_call").map((t) => [t.tool, t.status, t.summary])).toEqual([
      ["WebFetch", "started", "http://127.0.0.1:9/private"],
      ["WebFetch", "declined", "http://127.0.0.1:9/private"],
    ]);
  });

  it("claude's task tools show as one checklist that follows every change, not as tool calls", async () => {
    mock.enqueue(
      [
        { type: "tool", name: "TaskCreate", input: { subject: "Write the test", description: "a failing test first" } },
        { type: "tool", name: "TaskCreate", input: { subject: "Fix the bug", description: "make it pass" } },
      ],
      [{ type: "tool", name: "TaskUpdate", input: { taskId: "1", status: "in_progress" } }],
      [{ type: "tool", name: "TaskUpdate", input: { taskId: "1", status: "completed" } }],
      [{ type: "tool", name: "TaskList", input: {} }],
      [{ type: "text", text: "one done, one to go" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("plan it, then do the first step");
    expect((await end).kind).toBe("turn_completed");
    const lists = rec.of("task_list").map((l) => l.tasks.map((t) => `${t.id} ${t.status} ${t.subject}`));
    expect(lists).toEqual([
      ["1 pending Write the test"],
      ["1 pending Write the test", "2 pending Fix the bug"],
      ["1 in_progress Write the test", "2 pending Fix the bug"],
      ["1 completed Write the test", "2 pending Fix the bug"],
      // TaskList says the same as the list already held: no new card state
    ]);
    expect(rec.of("task_list").every((l) => l.turnId === rec.of("turn_started")[0]!.turnId)).toBe(true);
    expect(rec.of("tool_call").filter((t) => t.tool.startsWith("Task"))).toEqual([]);
  });

  it("/mode: plan mode reaches claude; accept-edits writes a file without asking; back to default asks again", async () => {
    mock.enqueue(
      [{ type: "text", text: "Here is how I would do it." }],
      [{ type: "tool", name: "Write", input: { file_path: join(cwd, "a.txt"), content: "a\n" } }],
      [{ type: "text", text: "wrote a.txt" }],
      [{ type: "tool", name: "Write", input: { file_path: join(cwd, "b.txt"), content: "b\n" } }],
      [{ type: "text", text: "not writing b.txt" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    await backend.setMode("plan");
    let end = rec.turnEnd();
    await backend.sendMessage("how would you add a.txt?");
    expect((await end).kind).toBe("turn_completed");
    expect(JSON.stringify(mock.requests.at(-1)?.body)).toMatch(/plan mode is active/i);

    await backend.setMode("accept_edits");
    end = rec.turnEnd();
    await backend.sendMessage("add a.txt");
    expect((await end).kind).toBe("turn_completed");
    expect(readFileSync(join(cwd, "a.txt"), "utf8")).toBe("a\n");
    expect(rec.of("approval_requested")).toHaveLength(0);

    await backend.setMode("default");
    expect(rec.of("agent_mode").map((m) => m.mode)).toEqual(["plan", "accept_edits", "default"]);
    end = rec.turnEnd();
    await backend.sendMessage("add b.txt");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("file_change");
    await backend.respondApproval(ask.requestId, "decline");
    expect((await end).kind).toBe("turn_completed");
    expect(existsSync(join(cwd, "b.txt"))).toBe(false);
  });

  it("an MCP server's tool asks as a tool; accepted, it runs and shows as a tool call with its result", async () => {
    addEchoMcpServerForClaude(configDir);
    mock.enqueue(
      [{ type: "tool", name: "mcp__echo__echo", input: { text: "hi" } }],
      [{ type: "text", text: "echoed" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("echo hi");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("tool");
    expect(ask.summary).toMatch(/^mcp__echo__echo/);
    await backend.respondApproval(ask.requestId, "accept");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("tool_call").map((t) => [t.tool, t.status, t.output])).toEqual([
      ["mcp__echo__echo", "started", undefined],
      ["mcp__echo__echo", "completed", "echo: hi"],
    ]);
    expect(JSON.stringify(mock.requests[1]?.body)).toContain("echo: hi");
  });

  it("tools other than commands and file changes show as tool calls: what they did and how they ended (Read works; Grep is not in this claude)", async () => {
    writeFileSync(join(cwd, "notes.txt"), "the relay forwards ciphertext only\n");
    mock.enqueue(
      [
        { type: "tool", name: "Read", input: { file_path: join(cwd, "notes.txt") } },
        { type: "tool", name: "Grep", input: { pattern: "ciphertext", path: cwd } },
      ],
      [{ type: "text", text: "read it" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("what do the notes say?");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_requested")).toHaveLength(0); // reading in the work folder does not ask
    const calls = rec.of("tool_call");
    const of = (tool: string) => calls.filter((t) => t.tool === tool);
    expect(of("Read").map((t) => t.status)).toEqual(["started", "completed"]);
    expect(of("Read")[0]!.summary).toBe("notes.txt"); // relative to the work folder
    expect(of("Read")[1]!.output).toContain("the relay forwards ciphertext only");
    expect(of("Grep").map((t) => [t.status, t.summary])).toEqual([
      ["started", "ciphertext"],
      ["failed", "ciphertext"],
    ]);
    expect(of("Grep")[1]!.output).toContain("No such tool available: Grep");
  });

  it("WebSearch asks as a tool; declined, no search request leaves claude", async () => {
    mock.enqueue(
      [{ type: "tool", name: "WebSearch", input: { query: "codex-remote private roadmap" } }],
      [{ type: "text", text: "ok, not searching" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("search for it");
    const ask = await rec.next("approval_requested");
    expect(ask.approval).toBe("tool");
    expect(ask.summary).toMatch(/^WebSearch/);
    expect(ask.summary).toContain("codex-remote private roadmap");
    await backend.respondApproval(ask.requestId, "decline");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("text_completed").at(-1)?.text).toBe("ok, not searching");
    // the only requests: the turn and its follow-up after the refusal (a search is a request of its own)
    expect(mock.requests).toHaveLength(2);
    expect(JSON.stringify(mock.requests[1]?.body)).toContain("The user declined this action.");
  });

  it("WebSearch accepted: claude sends the search as its own request and the turn goes on with its results", async () => {
    mock.enqueue(
      [{ type: "tool", name: "WebSearch", input: { query: "pelicans" } }],
      [{ type: "text", text: "Pelicans are large water birds." }], // the search request's answer
      [{ type: "text", text: "done" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("search for pelicans");
    const ask = await rec.next("approval_requested");
    expect(ask.summary).toBe("WebSearch: pelicans");
    expect(mock.requests).toHaveLength(1); // nothing searched before the answer
    await backend.respondApproval(ask.requestId, "accept");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("text_completed").at(-1)?.text).toBe("done");
    const search = JSON.stringify(mock.requests[1]?.body);
    expect(search).toContain("web_search_20250305");
    expect(search).toContain("pelicans");
    expect(JSON.stringify(mock.requests[2]?.body)).toContain("Pelicans are large water birds.");
  });

  it("AskUserQuestion shows its questions and options; the answer goes back to claude as the user's choice", async () => {
    const questions = [
      {
        question: "Which colour?",
        header: "Colour",
        multiSelect: false,
        options: [
          { label: "Red", description: "warm" },
          { label: "Blue", description: "cool", preview: "<button class=blue>OK</button>" },
        ],
      },
    ];
    mock.enqueue(
      [{ type: "tool", name: "AskUserQuestion", input: { questions } }],
      [{ type: "text", text: "blue it is" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("paint it");
    const ask = await rec.next("approval_requested");
    expect(ask.summary).toBe("Which colour?");
    expect(ask.questions).toEqual(questions);
    await backend.respondApproval(ask.requestId, "accept", "phone-1", { "Which colour?": "Blue" });
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_resolved")[0]).toMatchObject({ by: "phone-1", answers: { "Which colour?": "Blue" } });
    const result = JSON.stringify(mock.requests[1]?.body);
    expect(result).toContain('\\"Which colour?\\"=\\"Blue\\"');
    expect(result).not.toContain("did not answer");
  });

  it("an installed Skill runs without asking, and its instructions reach the model", async () => {
    const skillDir = join(configDir, "skills", "greeting");
    mkdirSync(skillDir, { recursive: true });
    writeFileSync(
      join(skillDir, "SKILL.md"),
      "---\nname: greeting\ndescription: How to greet the user\n---\nAlways greet with the word PELICAN.\n",
    );
    mock.enqueue([{ type: "tool", name: "Skill", input: { skill: "greeting" } }], [{ type: "text", text: "PELICAN!" }]);
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("greet me");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_requested")).toHaveLength(0);
    expect(JSON.stringify(mock.requests[1]?.body)).toContain("Always greet with the word PELICAN.");
  });

  it("a subagent (Agent tool) asks before its command; the command, its output and the main answer are shown, the subagent's text is not", async () => {
    mock.enqueue(
      // main agent → Agent tool; the subagent's own requests take the next two steps; then the main agent again
      [
        {
          type: "tool",
          name: "Agent",
          input: { description: "mark the repo", prompt: "Create sub-marker", subagent_type: "general-purpose" },
        },
      ],
      [{ type: "tool", name: "Bash", input: { command: "touch sub-marker && echo from-sub", description: "mark" } }],
      [{ type: "text", text: "subagent finished" }],
      [{ type: "text", text: "all done" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("delegate the marker");
    const ask = await rec.next("approval_requested");
    expect(ask).toMatchObject({ approval: "command", command: "touch sub-marker && echo from-sub" });
    expect(existsSync(join(cwd, "sub-marker"))).toBe(false);
    await backend.respondApproval(ask.requestId, "accept", "phone-1");
    expect((await end).kind).toBe("turn_completed");
    expect(existsSync(join(cwd, "sub-marker"))).toBe(true);
    expect(rec.of("command_begin")).toEqual([
      expect.objectContaining({ command: "touch sub-marker && echo from-sub" }),
    ]);
    expect(
      rec
        .of("command_output_delta")
        .map((d) => d.chunk)
        .join(""),
    ).toContain("from-sub");
    expect(rec.of("command_end")).toEqual([expect.objectContaining({ exitCode: 0 })]);
    expect(rec.of("text_completed").map((t) => t.text)).toEqual(["all done"]);
    // the subagent's answer went back to the main agent as the Agent tool's result
    expect(JSON.stringify(mock.requests[3]?.body)).toContain("subagent finished");
  });

  it("plan mode: leaving it asks with the whole plan; going ahead lets claude start, keeping planning keeps it in plan mode", async () => {
    const plan = "# Fix the login bug\n\n1. Add a failing test\n2. Trim the token before comparing\n3. Run the suite";
    const exit = { type: "tool" as const, name: "ExitPlanMode", input: { plan } };
    mock.enqueue(
      [{ type: "tool", name: "EnterPlanMode", input: {} }],
      [exit],
      [{ type: "text", text: "I will keep planning." }],
      [exit],
      [{ type: "text", text: "Starting with the test." }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    let end = rec.turnEnd();
    await backend.sendMessage("plan the login fix first");
    const first = await rec.next("approval_requested");
    expect(first).toMatchObject({ approval: "tool", plan, summary: "Plan ready: Fix the login bug" });
    await backend.respondApproval(first.requestId, "decline", "phone-1");
    expect((await end).kind).toBe("turn_completed");
    expect(JSON.stringify(mock.requests[2]?.body)).toContain("The user declined this action.");
    end = rec.turnEnd();
    await backend.sendMessage("ok, go ahead now");
    const second = await rec.next("approval_requested", (a) => a.requestId !== first.requestId);
    expect(second.plan).toBe(plan);
    await backend.respondApproval(second.requestId, "accept", "phone-1");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("approval_requested")).toHaveLength(2); // entering plan mode did not ask
    expect(JSON.stringify(mock.requests[4]?.body)).toContain("You have exited plan mode");
    expect(rec.of("text_completed").map((t) => t.text)).toEqual(["I will keep planning.", "Starting with the test."]);
    // the mode as claude moved through it: into plan mode, still there after the declined exit, out
    expect(rec.of("agent_mode").map((m) => m.mode)).toEqual(["plan", "default"]);
  });

  it("a turn claude starts by itself (a CronCreate job falling due) is reported like any other, and the next prompt still works", async () => {
    mock.enqueue(
      [{ type: "tool", name: "CronCreate", input: { cron: "* * * * *", prompt: "check the build", recurring: false } }],
      [{ type: "text", text: "I will check at the next minute." }],
      [{ type: "text", text: "The build is green." }],
      [{ type: "text", text: "Nothing else to do." }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    let end = rec.turnEnd();
    await backend.sendMessage("check the build in a minute");
    expect((await end).kind).toBe("turn_completed");
    const asked = rec.of("turn_started")[0]!.turnId;
    // the job falls due at the next minute boundary: claude runs its prompt with no message from us
    end = rec.turnEnd(75_000);
    const own = await rec.next("turn_started", (t) => t.turnId !== asked, 75_000);
    expect(await end).toMatchObject({ kind: "turn_completed", turnId: own.turnId });
    expect(rec.of("text_completed").at(-1)).toMatchObject({ turnId: own.turnId, text: "The build is green." });
    // the job's prompt, which claude does not print, comes from the CronCreate call
    expect(rec.of("user_message")).toEqual([
      { kind: "user_message", text: "check the build in a minute", turnId: asked },
      { kind: "user_message", text: "check the build", turnId: own.turnId, source: "scheduled" },
    ]);
    end = rec.turnEnd();
    await backend.sendMessage("anything else?");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("text_completed").at(-1)?.text).toBe("Nothing else to do.");
  }, 90_000);

  it("interrupts a turn mid-stream and keeps serving", async () => {
    mock.enqueue(
      [{ type: "text", text: "slow ".repeat(60), chunks: 60, delayMs: 40 }],
      [{ type: "text", text: "still here" }],
    );
    const backend = make();
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    let end = rec.turnEnd();
    await backend.sendMessage("talk slowly");
    await rec.next("text_delta");
    await backend.interrupt();
    expect((await end).kind).toBe("turn_interrupted");
    expect(rec.of("text_delta").length).toBeLessThan(60);
    end = rec.turnEnd();
    await backend.sendMessage("and now?");
    expect((await end).kind).toBe("turn_completed");
  });

  agentBackendScenarios(() => ({
    make,
    enqueue: (...steps) => mock.enqueue(...steps),
    lastRequestTexts: () => messageTexts(mock.requests.at(-1)!),
    cwd,
  }));

  it("resumes a session by id in a new process, with the earlier turn in the conversation", async () => {
    mock.enqueue([{ type: "text", text: "noted: pelican" }]);
    const first = make();
    const rec1 = new Recorder(first);
    await first.start({ cwd, approvalPolicy: "ask" });
    const end1 = rec1.turnEnd();
    await first.sendMessage("remember pelican");
    await end1;
    const sessionId = first.threadId!;
    await first.close();
    expect(existsSync(claudeTranscript(cwd, sessionId, env))).toBe(true);

    mock.enqueue([{ type: "text", text: "it was pelican" }]);
    const second = make();
    const rec2 = new Recorder(second);
    await second.start({ cwd, approvalPolicy: "ask", resumeThreadId: sessionId });
    const end2 = rec2.turnEnd();
    await second.sendMessage("which bird?");
    expect((await end2).kind).toBe("turn_completed");
    expect(second.threadId).toBe(sessionId);
    expect(messageTexts(mock.requests.at(-1)!)).toEqual(
      expect.arrayContaining(["remember pelican", "noted: pelican", "which bird?"]),
    );
  });
});
