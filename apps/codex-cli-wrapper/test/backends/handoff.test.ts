import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHandoffSession } from "../../src/backends/factory.ts";
import { pinnedAgent } from "../../src/backends/resolve-binary.ts";
import { HandoffSession } from "../../src/backends/terminal/handoff.ts";
import { type AnthropicMock, messageTexts, startAnthropicMock } from "../fixtures/anthropic-mock.ts";
import { makeClaudeHome } from "../fixtures/claude-home.ts";
import { makeCodexHome } from "../fixtures/codex-home.ts";
import { inputTexts, type ResponsesMock, startResponsesMock } from "../fixtures/responses-mock.ts";
import { Recorder } from "./helpers.ts";
import { typePrompt, waitForScreen } from "./terminal-helpers.ts";

function rollouts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".jsonl"));
}

describe("TUI handoff with the real agents", { timeout: 60_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("codex: TUI → phone prompt in app-server on the same thread → back to the TUI, history intact", async () => {
    const mock: ResponsesMock = await startResponsesMock();
    cleanups.push(() => mock.close());
    const { cwd, env, home } = makeCodexHome(mock.port);
    mock.enqueue(
      [{ type: "text", text: "local answer one" }],
      [{ type: "text", text: "phone answer two" }],
      [{ type: "text", text: "local answer three" }],
    );
    const session = new HandoffSession({
      agent: "codex",
      cwd,
      cols: 110,
      rows: 32,
      approvalPolicy: "ask",
      process: { env, binary: pinnedAgent("codex")!.prefixArgs[0]! },
    });
    cleanups.push(() => session.close());
    const modes: string[] = [];
    session.onModeChange((m) => modes.push(m));
    const rec = new Recorder(session);

    await session.start();
    await waitForScreen(session.terminal, "Ask Codex");
    await typePrompt(session.terminal, "first local prompt");
    await waitForScreen(session.terminal, "local answer one");
    const threadId = session.terminal.threadId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);

    // the phone sends a prompt: same thread, now through app-server
    const end = rec.turnEnd();
    await session.remotePrompt("phone prompt two");
    expect((await end).kind).toBe("turn_completed");
    expect(session.mode).toBe("structured");
    expect(session.threadId).toBe(threadId);
    expect(rec.of("text_completed").map((t) => t.text)).toEqual(["phone answer two"]);
    expect(rec.of("user_message")[0]).toMatchObject({ text: "phone prompt two", source: "remote" });
    expect(inputTexts(mock.requests[1]!)).toEqual(
      expect.arrayContaining(["first local prompt", "local answer one", "phone prompt two"]),
    );

    // a key on the laptop: back to the real TUI on the same conversation
    session.localInput("x");
    await waitForScreen(session.terminal, "phone answer two");
    expect(session.mode).toBe("tui");
    expect(modes).toEqual(["structured", "tui"]);
    await waitForScreen(session.terminal, "Ask Codex");
    await typePrompt(session.terminal, "third local prompt");
    await waitForScreen(session.terminal, "local answer three");
    expect(inputTexts(mock.requests[2]!)).toEqual(
      expect.arrayContaining([
        "first local prompt",
        "local answer one",
        "phone prompt two",
        "phone answer two",
        "third local prompt",
      ]),
    );
    expect(session.threadId).toBe(threadId);
    expect(rollouts(join(home, "sessions")).filter((f) => f.includes(threadId!))).toHaveLength(1);
  });

  it("codex: a phone prompt before any local turn starts a thread that the TUI then resumes", async () => {
    const mock: ResponsesMock = await startResponsesMock();
    cleanups.push(() => mock.close());
    const { cwd, env } = makeCodexHome(mock.port);
    mock.enqueue([{ type: "text", text: "phone first answer" }], [{ type: "text", text: "local follow-up answer" }]);
    const session = await createHandoffSession({
      agent: "codex",
      cwd,
      cols: 110,
      rows: 32,
      approvalPolicy: "ask",
      process: { env, binary: pinnedAgent("codex")!.prefixArgs[0]! },
    });
    cleanups.push(() => session.close());
    const rec = new Recorder(session);
    await session.start();
    await waitForScreen(session.terminal, "Ask Codex");
    expect(session.terminal.threadId).toBeUndefined(); // no turn yet, so no rollout

    const end = rec.turnEnd();
    await session.remotePrompt("phone goes first");
    await end;
    const threadId = session.threadId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    await session.toTui();
    await waitForScreen(session.terminal, "phone first answer");
    await typePrompt(session.terminal, "local follow-up");
    await waitForScreen(session.terminal, "local follow-up answer");
    expect(inputTexts(mock.requests[1]!)).toEqual(
      expect.arrayContaining(["phone goes first", "phone first answer", "local follow-up"]),
    );
    expect(session.threadId).toBe(threadId);
  });

  it("claude: TUI → phone prompt in stream-json on the same session → back to the TUI, history intact", async () => {
    const mock: AnthropicMock = await startAnthropicMock();
    cleanups.push(() => mock.close());
    const { cwd, env } = makeClaudeHome(mock.port);
    mock.enqueue(
      [{ type: "text", text: "local answer one" }],
      [{ type: "text", text: "phone answer two" }],
      [{ type: "text", text: "local answer three" }],
    );
    const session = await createHandoffSession({
      agent: "claude",
      cwd,
      cols: 110,
      rows: 32,
      approvalPolicy: "ask",
      process: { env, binary: pinnedAgent("claude")!.command },
    });
    cleanups.push(() => session.close());
    const rec = new Recorder(session);

    await session.start();
    const sessionId = session.threadId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await waitForScreen(session.terminal, "for shortcuts");
    await typePrompt(session.terminal, "first local prompt");
    await waitForScreen(session.terminal, "local answer one");

    const end = rec.turnEnd();
    await session.remotePrompt("phone prompt two");
    expect((await end).kind).toBe("turn_completed");
    expect(session.mode).toBe("structured");
    expect(session.threadId).toBe(sessionId);
    expect(rec.of("text_completed").map((t) => t.text)).toEqual(["phone answer two"]);
    expect(messageTexts(mock.requests[1]!)).toEqual(
      expect.arrayContaining(["first local prompt", "local answer one", "phone prompt two"]),
    );

    await session.toTui();
    expect(session.mode).toBe("tui");
    await waitForScreen(session.terminal, "phone answer two");
    await typePrompt(session.terminal, "third local prompt");
    await waitForScreen(session.terminal, "local answer three");
    expect(messageTexts(mock.requests[2]!)).toEqual(
      expect.arrayContaining([
        "first local prompt",
        "local answer one",
        "phone prompt two",
        "phone answer two",
        "third local prompt",
      ]),
    );
    expect(session.threadId).toBe(sessionId);
  });
});
