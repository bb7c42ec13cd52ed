import { expect, it } from "vitest";
import { isBackendError } from "../../src/backends/errors.ts";
import type { CodexBackend } from "../../src/backends/types.ts";
import { Recorder } from "./helpers.ts";

/** A text reply as both scripted model servers (Messages and Responses) accept it. */
type TextStep = { type: "text"; text: string; chunks?: number; delayMs?: number }[];

/** What the shared scenarios need from a real agent's test set-up (its own mock model server). */
export interface AgentHarness {
  make(): CodexBackend & { readonly agentPid: number | undefined };
  enqueue(...steps: TextStep[]): void;
  /** The user and assistant texts of the last request the agent sent to the model. */
  lastRequestTexts(): string[];
  readonly cwd: string;
}

/**
 * Scenarios every real agent backend (codex, claude) passes the same way, against its own scripted
 * model server: `harness()` is read inside each test, after the file's beforeEach ran.
 */
export function agentBackendScenarios(harness: () => AgentHarness): void {
  it("reports the agent dying mid-turn as a failed turn and a fatal error", async () => {
    const h = harness();
    h.enqueue([{ type: "text", text: "b".repeat(100), chunks: 50, delayMs: 50 }]);
    const backend = h.make();
    const rec = new Recorder(backend);
    await backend.start({ cwd: h.cwd, approvalPolicy: "ask" });
    const end = rec.turnEnd();
    await backend.sendMessage("talk");
    await rec.next("text_delta");
    process.kill(backend.agentPid!, "SIGKILL");
    expect((await end).kind).toBe("turn_failed");
    expect(await rec.next("error", (e) => e.code === "process_exited")).toMatchObject({ fatal: true });
    const err = await backend.sendMessage("again").catch((e: unknown) => e);
    expect(isBackendError(err, "not_started")).toBe(true);
  });

  it("resume(id) switches a running backend to an earlier thread", async () => {
    const h = harness();
    h.enqueue(
      [{ type: "text", text: "noted: heron" }],
      [{ type: "text", text: "unrelated" }],
      [{ type: "text", text: "heron" }],
    );
    const first = h.make();
    const r1 = new Recorder(first);
    await first.start({ cwd: h.cwd, approvalPolicy: "ask" });
    let end = r1.turnEnd();
    await first.sendMessage("remember heron");
    await end;
    const earlier = first.threadId!;
    await first.close();

    const backend = h.make();
    const rec = new Recorder(backend);
    await backend.start({ cwd: h.cwd, approvalPolicy: "ask" });
    end = rec.turnEnd();
    await backend.sendMessage("something else");
    await end;
    expect(backend.threadId).not.toBe(earlier);
    await backend.resume(earlier);
    expect(backend.threadId).toBe(earlier);
    end = rec.turnEnd();
    await backend.sendMessage("which bird?");
    expect((await end).kind).toBe("turn_completed");
    const texts = h.lastRequestTexts();
    expect(texts).toEqual(expect.arrayContaining(["remember heron", "noted: heron", "which bird?"]));
    expect(texts).not.toContain("something else");
  });

  it("a message sent while a turn runs reaches the model and is answered; every turn that starts ends", async () => {
    const h = harness();
    h.enqueue(
      [{ type: "text", text: "c".repeat(60), chunks: 30, delayMs: 50 }],
      [{ type: "text", text: "tabs it is" }],
    );
    const backend = h.make();
    const rec = new Recorder(backend);
    await backend.start({ cwd: h.cwd, approvalPolicy: "ask" });
    await backend.sendMessage("format the file");
    const started = await rec.next("turn_started");
    await rec.next("text_delta");
    await backend.sendMessage("also, use tabs", { source: "remote" });
    // no turn_in_progress: it is shown as said in the running turn
    expect(rec.of("user_message")[1]).toMatchObject({
      text: "also, use tabs",
      turnId: started.turnId,
      source: "remote",
    });
    // codex reads it at the turn's next step; claude too, or (when the model ends its turn first)
    // in the turn it starts for it right after
    await rec.next("text_completed", (t) => t.text === "tabs it is");
    const open = () => rec.of("turn_started").length - rec.of("turn_completed").length;
    for (let i = 0; i < 200 && open() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(open()).toBe(0);
    expect(h.lastRequestTexts().join("\n")).toContain("also, use tabs");
  });
}
