import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DemoBackend } from "../../src/backends/demo/backend.ts";
import { DEMO_FILE, DEMO_LABEL } from "../../src/backends/demo/script.ts";
import { isBackendError } from "../../src/backends/errors.ts";
import { createBackend } from "../../src/backends/factory.ts";
import { Recorder } from "./helpers.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "cr-demo-"));

describe("demo backend", () => {
  it("is labelled, streams text, runs the command and applies the patch once approved", async () => {
    const cwd = tmp();
    const backend = new DemoBackend({ tokenDelayMs: 0 });
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    expect(rec.of("session_started")[0]).toMatchObject({ agent: "demo", model: "scripted demo (no AI model)" });
    const end = rec.turnEnd();
    await backend.sendMessage("show me", { source: "remote" });
    const cmd = await rec.next("approval_requested", (e) => e.approval === "command");
    expect(rec.of("text_completed")[0]?.text.startsWith(DEMO_LABEL)).toBe(true);
    expect(rec.of("text_delta").length).toBeGreaterThan(5);
    expect(rec.of("command_begin")).toEqual([]); // nothing runs before the answer
    await backend.respondApproval(cmd.requestId, "accept", "phone");
    const patch = await rec.next("approval_requested", (e) => e.approval === "file_change");
    expect(patch.diff).toContain(`+++ b/${DEMO_FILE}`);
    expect(existsSync(join(cwd, DEMO_FILE))).toBe(false);
    await backend.respondApproval(patch.requestId, "accept", "laptop");
    expect((await end).kind).toBe("turn_completed");
    expect(
      rec
        .of("command_output_delta")
        .map((d) => d.chunk)
        .join(""),
    ).toContain("hello from the codex-remote demo agent");
    expect(rec.of("command_end")[0]?.exitCode).toBe(0);
    expect(rec.of("file_change").map((f) => f.status)).toEqual(["proposed", "applied"]);
    expect(readFileSync(join(cwd, DEMO_FILE), "utf8")).toContain("demo note: show me");
    await backend.close();
  });

  it("a message sent while it works joins the turn and is answered before the turn ends", async () => {
    const cwd = tmp();
    const backend = new DemoBackend({ tokenDelayMs: 0 });
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("show me");
    const cmd = await rec.next("approval_requested", (e) => e.approval === "command");
    await backend.sendMessage("also, use tabs", { source: "remote" });
    expect(rec.of("user_message")[1]).toMatchObject({ text: "also, use tabs", turnId: cmd.turnId, source: "remote" });
    await backend.respondApproval(cmd.requestId, "accept");
    const patch = await rec.next("approval_requested", (e) => e.approval === "file_change");
    await backend.respondApproval(patch.requestId, "decline");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("turn_started")).toHaveLength(1);
    expect(rec.of("text_completed").map((t) => t.text)).toContainEqual(expect.stringContaining("“also, use tabs”"));
    expect(backend.history()).toEqual(["show me", "also, use tabs"]);
    await backend.close();
  });

  it("declines by policy: nothing runs, nothing is written", async () => {
    const cwd = tmp();
    const backend = new DemoBackend({ tokenDelayMs: 0 });
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "never" });
    const end = rec.turnEnd();
    await backend.sendMessage("try");
    expect((await end).kind).toBe("turn_completed");
    expect(rec.of("command_begin")).toEqual([]);
    expect(rec.of("approval_resolved").map((r) => [r.decision, r.by])).toEqual([
      ["decline", "policy"],
      ["decline", "policy"],
    ]);
    expect(rec.of("file_change").map((f) => f.status)).toEqual(["proposed", "declined"]);
    expect(existsSync(join(cwd, DEMO_FILE))).toBe(false);
  });

  it("interrupts while waiting for an approval, withdraws it, and resumes its thread", async () => {
    const cwd = tmp();
    const backend = new DemoBackend({ tokenDelayMs: 0 });
    const rec = new Recorder(backend);
    await backend.start({ cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("first");
    const ask = await rec.next("approval_requested");
    await backend.interrupt();
    expect((await end).kind).toBe("turn_interrupted");
    expect(rec.of("approval_resolved")[0]).toMatchObject({ requestId: ask.requestId, decision: "cancel" });
    expect(await backend.respondApproval(ask.requestId, "accept")).toBe(false);
    const threadId = backend.threadId!;
    await backend.close();

    const again = (await createBackend("demo")) as DemoBackend;
    await again.start({ cwd, approvalPolicy: "never", resumeThreadId: threadId });
    expect(again.threadId).toBe(threadId);
    expect(again.history()).toEqual(["first"]);
    const err = await again.resume("demo-missing").catch((e: unknown) => e);
    expect(isBackendError(err, "resume_failed")).toBe(true);
    await again.close();
  });
});
