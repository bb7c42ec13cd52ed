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
}
