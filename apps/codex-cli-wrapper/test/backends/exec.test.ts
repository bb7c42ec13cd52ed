import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { AgentEvent } from "@codex-remote/protocol";
import { describe, expect, it } from "vitest";
import { DemoBackend } from "../../src/backends/demo/backend.ts";
import { DEMO_FILE } from "../../src/backends/demo/script.ts";
import { pinnedAgent } from "../../src/backends/resolve-binary.ts";
import { EXEC_EXIT, runExec } from "../../src/commands/exec.ts";
import { startAnthropicMock } from "../fixtures/anthropic-mock.ts";
import { makeClaudeHome } from "../fixtures/claude-home.ts";
import { makeCodexHome } from "../fixtures/codex-home.ts";
import { startResponsesMock } from "../fixtures/responses-mock.ts";

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString("utf8");
    cb();
  }
  events(): AgentEvent[] {
    return this.text
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => AgentEvent.parse(JSON.parse(l)));
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), "cr-exec-"));

describe("runExec", () => {
  it("prints one turn as JSONL AgentEvents and exits 0; approve always applies the demo patch", async () => {
    const cwd = tmp();
    const stdout = new Sink();
    const code = await runExec({
      agent: "demo",
      prompt: "hi",
      approve: "always",
      json: true,
      cwd,
      backend: new DemoBackend({ tokenDelayMs: 0 }),
      stdout,
      stderr: new Sink(),
    });
    expect(code).toBe(EXEC_EXIT.completed);
    const kinds = stdout.events().map((e) => e.kind);
    expect(kinds[0]).toBe("session_started");
    expect(kinds.at(-1)).toBe("turn_completed");
    expect(kinds).toContain("command_end");
    expect(existsSync(join(cwd, DEMO_FILE))).toBe(true);
  });

  it("declines everything by default (approve never)", async () => {
    const cwd = tmp();
    const stdout = new Sink();
    const code = await runExec({
      agent: "demo",
      prompt: "hi",
      approve: "never",
      json: true,
      cwd,
      backend: new DemoBackend({ tokenDelayMs: 0 }),
      stdout,
    });
    expect(code).toBe(0);
    expect(stdout.events().filter((e) => e.kind === "approval_resolved")).toHaveLength(2);
    expect(existsSync(join(cwd, DEMO_FILE))).toBe(false);
  });

  it("without --json prints the agent's text on stdout and the rest on stderr", async () => {
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await runExec({
      agent: "demo",
      prompt: "hi",
      approve: "always",
      json: false,
      cwd: tmp(),
      backend: new DemoBackend({ tokenDelayMs: 0 }),
      stdout,
      stderr,
    });
    expect(code).toBe(0);
    expect(stdout.text).toContain("[demo agent] This is codex-remote's built-in demo agent");
    expect(stdout.text).not.toContain("[approval]");
    expect(stderr.text).toContain("[approval] accept (by policy)");
    expect(stderr.text).toContain("hello from the codex-remote demo agent");
    expect(stderr.text).toContain(`+++ b/${DEMO_FILE}`);
  });

  it("asks through the given prompt in ask mode; a cancel ends the turn as interrupted (exit 130)", async () => {
    const asked: string[] = [];
    const code = await runExec({
      agent: "demo",
      prompt: "hi",
      approve: "ask",
      json: true,
      cwd: tmp(),
      backend: new DemoBackend({ tokenDelayMs: 0 }),
      stdout: new Sink(),
      ask: async (req) => {
        asked.push(req.approval);
        return "cancel";
      },
    });
    expect(asked).toEqual(["command"]);
    expect(code).toBe(EXEC_EXIT.interrupted);
  });

  it("runs a real codex turn; a failing model turn gives a non-zero exit", async () => {
    const mock = await startResponsesMock();
    try {
      const { cwd, env } = makeCodexHome(mock.port);
      const codex = { env, binary: pinnedAgent("codex")!.prefixArgs[0]! };
      mock.enqueue([{ type: "text", text: "hello from codex via exec" }]);
      const stdout = new Sink();
      expect(
        await runExec({ agent: "codex", prompt: "hi", approve: "never", json: true, cwd, process: codex, stdout }),
      ).toBe(0);
      const texts = stdout.events().flatMap((e) => (e.kind === "text_completed" ? [e.text] : []));
      expect(texts).toEqual(["hello from codex via exec"]);

      // the model answers with an error: the turn fails
      mock.enqueue({ type: "http_error", status: 400, message: "scripted failure" });
      const failed = new Sink();
      const code = await runExec({
        agent: "codex",
        prompt: "hi",
        approve: "never",
        json: true,
        cwd,
        process: codex,
        stdout: failed,
      });
      expect(code).toBe(EXEC_EXIT.failed);
      expect(failed.events().some((e) => e.kind === "turn_failed")).toBe(true);
    } finally {
      await mock.close().catch(() => {});
    }
  });

  it("runs a real claude turn; approve never denies its tool call", async () => {
    const mock = await startAnthropicMock();
    try {
      const { cwd, env } = makeClaudeHome(mock.port);
      mock.enqueue(
        [{ type: "tool", name: "Bash", input: { command: "touch exec-marker", description: "mark" } }],
        [{ type: "text", text: "not allowed, fine" }],
      );
      const stdout = new Sink();
      const code = await runExec({
        agent: "claude",
        prompt: "mark it",
        approve: "never",
        json: true,
        cwd,
        process: { env, binary: pinnedAgent("claude")!.command },
        stdout,
      });
      expect(code).toBe(0);
      const events = stdout.events();
      expect(events.find((e) => e.kind === "approval_resolved")).toMatchObject({ decision: "decline", by: "policy" });
      expect(existsSync(join(cwd, "exec-marker"))).toBe(false);
      expect(events.at(-1)?.kind).toBe("turn_completed");
    } finally {
      await mock.close();
    }
  });

  it("reports a missing agent binary as a typed error and exit 2", async () => {
    const stdout = new Sink();
    const code = await runExec({
      agent: "claude",
      prompt: "hi",
      approve: "never",
      json: true,
      cwd: tmp(),
      process: { binary: "/nonexistent/claude" },
      stdout,
    });
    expect(code).toBe(EXEC_EXIT.startFailed);
    expect(stdout.events().at(-1)).toMatchObject({ kind: "error", fatal: true });
  });
});
