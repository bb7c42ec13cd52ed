import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent, ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";
import { userMessage } from "../agent-events.ts";
import { ApprovalTable } from "../approvals.ts";
import { BackendError } from "../errors.ts";
import { EventHub } from "../event-stream.ts";
import type { BackendStartOptions, CodexBackend, SendMessageOptions } from "../types.ts";
import { unifiedDiff } from "../unified-diff.ts";
import { CLOSING_TEXT, DEMO_COMMAND, DEMO_FILE, introText, patchedContent } from "./script.ts";

export interface DemoOptions {
  /** Pause between streamed words (default 25 ms; tests use 0). */
  tokenDelayMs?: number;
}

/** Conversations of this process, so `resume(threadId)` finds an earlier demo thread. */
const threads = new Map<string, string[]>();

class Interrupted extends Error {}

interface DemoTurn {
  id: string;
  abort: AbortController;
  /** messages sent while this turn ran, answered before it ends */
  steered: string[];
}

/**
 * A built-in scripted agent, clearly labelled as a demo, so anyone can try the whole flow with no
 * agent installed and no API key: streamed text, an approval-gated command, a patch with a diff.
 * It runs the command and writes the file for real (in cwd), and only after approval.
 */
export class DemoBackend implements CodexBackend {
  readonly kind = "demo" as const;
  readonly events = new EventHub<AgentEvent>();
  #delay: number;
  #opts: BackendStartOptions | undefined;
  #threadId: string | undefined;
  #turn: DemoTurn | undefined;
  #approvals: ApprovalTable;
  #closed = false;
  #turnDone: Promise<void> = Promise.resolve();

  constructor(opts: DemoOptions = {}) {
    this.#delay = opts.tokenDelayMs ?? 25;
    this.#approvals = new ApprovalTable("ask", (e) => this.events.emit(e));
  }

  get threadId(): string | undefined {
    return this.#threadId;
  }

  get turnActive(): boolean {
    return this.#turn !== undefined;
  }

  async start(opts: BackendStartOptions): Promise<void> {
    if (this.#opts) throw new BackendError("already_started");
    this.#opts = opts;
    this.#approvals.policy = opts.approvalPolicy;
    if (opts.resumeThreadId) await this.resume(opts.resumeThreadId);
    else {
      this.#threadId = `demo-${randomUUID()}`;
      threads.set(this.#threadId, []);
      this.#emitStarted();
    }
  }

  #emitStarted(): void {
    this.events.emit({
      kind: "session_started",
      agent: "demo",
      threadId: this.#threadId!,
      cwd: this.#opts!.cwd,
      model: "scripted demo (no AI model)",
    });
  }

  async resume(threadId: string): Promise<void> {
    this.#require();
    if (this.#turn) throw new BackendError("turn_in_progress");
    if (!threads.has(threadId)) throw new BackendError("resume_failed", `no demo thread ${threadId} in this process`);
    this.#threadId = threadId;
    this.#emitStarted();
  }

  /** The user messages of the current thread so far (the demo's "conversation"). */
  history(): string[] {
    return [...(threads.get(this.#threadId ?? "") ?? [])];
  }

  async sendMessage(text: string, opts: SendMessageOptions = {}): Promise<void> {
    this.#require();
    const running = this.#turn;
    if (running) {
      // like the real agents: a message sent mid-turn joins it, answered before the turn ends
      running.steered.push(text);
      threads.get(this.#threadId!)?.push(text);
      this.events.emit(userMessage(text, opts, running.id));
      return;
    }
    const turn: DemoTurn = { id: `turn_${randomUUID()}`, abort: new AbortController(), steered: [] };
    this.#turn = turn;
    threads.get(this.#threadId!)?.push(text);
    this.events.emit(userMessage(text, opts, turn.id));
    this.events.emit({ kind: "turn_started", turnId: turn.id });
    // the turn is over before its end event goes out, so a listener may send the next message at once
    const finish = () => {
      if (this.#turn === turn) this.#turn = undefined;
    };
    this.#turnDone = this.#run(turn, text).then(
      () => {
        finish();
        this.events.emit({ kind: "turn_completed", turnId: turn.id });
      },
      (err: unknown) => {
        finish();
        if (err instanceof Interrupted) this.events.emit({ kind: "turn_interrupted", turnId: turn.id });
        else this.events.emit({ kind: "turn_failed", turnId: turn.id, message: String(err) });
      },
    );
  }

  async respondApproval(
    requestId: string,
    decision: ApprovalDecision,
    by = "local",
    answers?: ApprovalAnswers,
  ): Promise<boolean> {
    return this.#approvals.resolve(requestId, decision, by, answers);
  }

  async interrupt(): Promise<void> {
    if (!this.#turn) throw new BackendError("no_active_turn");
    this.#turn.abort.abort();
    this.#approvals.withdrawAll("agent");
    await this.#turnDone;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#turn) await this.interrupt().catch(() => {});
    this.events.end();
  }

  #require(): void {
    if (!this.#opts || this.#closed) throw new BackendError("not_started");
  }

  async #run(turn: DemoTurn, prompt: string): Promise<void> {
    const signal = turn.abort.signal;
    const turnId = turn.id;
    const cwd = this.#opts!.cwd;
    let words = 0;
    const say = async (itemId: string, text: string) => {
      const parts = text.split(/(?<= )/);
      for (const delta of parts) {
        if (signal.aborted) throw new Interrupted();
        this.events.emit({ kind: "text_delta", turnId, itemId, delta });
        words++;
        if (this.#delay > 0) await sleep(this.#delay, signal);
      }
      this.events.emit({ kind: "text_completed", turnId, itemId, text });
    };

    await say(`${turnId}-intro`, introText(prompt));

    const commandItem = `${turnId}-cmd`;
    const commandDecision = await this.#ask(signal, {
      kind: "approval_requested",
      turnId,
      requestId: `demo-${randomUUID()}`,
      approval: "command",
      itemId: commandItem,
      summary: DEMO_COMMAND,
      command: DEMO_COMMAND,
      reason: "the demo wants to show a command approval",
    });
    if (commandDecision === "accept" || commandDecision === "accept_for_session") {
      await this.#runCommand(turnId, commandItem, cwd, signal);
    } else {
      await say(`${turnId}-skip`, "[demo agent] You declined the command, so it did not run.");
    }

    const path = join(cwd, DEMO_FILE);
    const before = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    const after = patchedContent(before, prompt);
    const diff = unifiedDiff(DEMO_FILE, before, after);
    const files = [{ path: DEMO_FILE, change: before === undefined ? ("add" as const) : ("update" as const) }];
    const patchItem = `${turnId}-patch`;
    this.events.emit({ kind: "file_change", turnId, itemId: patchItem, files, diff, status: "proposed" });
    const patchDecision = await this.#ask(signal, {
      kind: "approval_requested",
      turnId,
      requestId: `demo-${randomUUID()}`,
      approval: "file_change",
      itemId: patchItem,
      summary: `${before === undefined ? "create" : "update"} ${DEMO_FILE}`,
      diff,
    });
    if (patchDecision === "accept" || patchDecision === "accept_for_session") {
      writeFileSync(path, after);
      this.events.emit({ kind: "file_change", turnId, itemId: patchItem, files, diff, status: "applied" });
    } else {
      this.events.emit({ kind: "file_change", turnId, itemId: patchItem, files, diff, status: "declined" });
    }

    for (const [k, text] of turn.steered.entries()) {
      await say(`${turnId}-steer-${k}`, `You also said “${text.slice(0, 200)}” while I worked: noted. `);
    }
    await say(`${turnId}-end`, CLOSING_TEXT);
    this.events.emit({ kind: "usage", turnId, inputTokens: prompt.split(/\s+/).length, outputTokens: words });
  }

  /** Asks for an approval and waits; `cancel` or an interrupt ends the turn. */
  #ask(signal: AbortSignal, request: Extract<AgentEvent, { kind: "approval_requested" }>): Promise<ApprovalDecision> {
    return new Promise<ApprovalDecision>((resolve, reject) => {
      if (signal.aborted) return reject(new Interrupted());
      const onAbort = () => reject(new Interrupted());
      signal.addEventListener("abort", onAbort, { once: true });
      this.#approvals.ask(request, (decision) => {
        signal.removeEventListener("abort", onAbort);
        if (decision === "cancel") reject(new Interrupted());
        else resolve(decision);
      });
    });
  }

  #runCommand(turnId: string, itemId: string, cwd: string, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    this.events.emit({ kind: "command_begin", turnId, itemId, command: DEMO_COMMAND, cwd });
    return new Promise<void>((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", DEMO_COMMAND], { cwd, signal });
      const out = (stream: "stdout" | "stderr") => (chunk: Buffer) =>
        this.events.emit({ kind: "command_output_delta", turnId, itemId, stream, chunk: chunk.toString("utf8") });
      child.stdout.on("data", out("stdout"));
      child.stderr.on("data", out("stderr"));
      child.on("error", (err) => (signal.aborted ? reject(new Interrupted()) : reject(err)));
      child.on("close", (code) => {
        if (signal.aborted) return reject(new Interrupted());
        this.events.emit({ kind: "command_end", turnId, itemId, exitCode: code, durationMs: Date.now() - started });
        resolve();
      });
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
