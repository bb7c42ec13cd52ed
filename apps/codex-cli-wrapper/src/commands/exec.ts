import { createInterface } from "node:readline/promises";
import type { Writable } from "node:stream";
import type { AgentEvent, ApprovalDecision } from "@codex-remote/protocol";
import { BackendError, isBackendError } from "../backends/errors.ts";
import { createBackend } from "../backends/factory.ts";
import type { AgentProcessOptions, CodexBackend, StructuredBackendKind } from "../backends/types.ts";

export type ExecApprove = "never" | "always" | "ask";

export interface ExecOptions {
  agent: StructuredBackendKind;
  prompt: string;
  /** never: decline every approval (the default); always: accept every one; ask: ask on the terminal. */
  approve: ExecApprove;
  /** JSONL AgentEvents on stdout; otherwise the agent's text on stdout and a summary of the rest on stderr. */
  json: boolean;
  cwd: string;
  model?: string;
  resumeThreadId?: string;
  /** How to run the agent (binary, args, env); tests point it at a scripted model server. */
  process?: AgentProcessOptions;
  /** A ready backend to use instead of creating one (it is started and closed by runExec). */
  backend?: CodexBackend;
  stdout?: Writable;
  stderr?: Writable;
  /** For `approve: "ask"`: answers one request; default asks y/N on the terminal, declining without one. */
  ask?: (request: Extract<AgentEvent, { kind: "approval_requested" }>) => Promise<ApprovalDecision>;
  signal?: AbortSignal;
}

/** Exit codes of a headless turn. */
export const EXEC_EXIT = { completed: 0, failed: 1, startFailed: 2, interrupted: 130 } as const;

/**
 * One headless turn: start the agent, send the prompt, print the events, return the exit code
 * from the turn's outcome. Never auto-approves unless `approve` is "always".
 */
export async function runExec(opts: ExecOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const print = (event: AgentEvent) => {
    if (opts.json) stdout.write(`${JSON.stringify(event)}\n`);
    else printHuman(event, stdout, stderr);
  };
  let backend: CodexBackend;
  try {
    backend = opts.backend ?? (await createBackend(opts.agent, opts.process ?? {}));
  } catch (err) {
    print(errorEvent(err));
    return EXEC_EXIT.startFailed;
  }
  let outcome: number | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const ask = opts.ask ?? askOnTerminal(stderr);
  const unsubscribe = backend.events.subscribe((event) => {
    print(event);
    if (event.kind === "approval_requested" && opts.approve === "ask") {
      void ask(event).then((decision) =>
        backend.respondApproval(event.requestId, decision, "local").catch(() => false),
      );
    }
    if (event.kind === "turn_completed") outcome = EXEC_EXIT.completed;
    else if (event.kind === "turn_failed") outcome = EXEC_EXIT.failed;
    else if (event.kind === "turn_interrupted") outcome = EXEC_EXIT.interrupted;
    else if (event.kind === "error" && event.fatal) outcome ??= EXEC_EXIT.failed;
    if (outcome !== undefined) finish();
  });
  const onAbort = () => void backend.interrupt().catch(() => finish());
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const start: Parameters<CodexBackend["start"]>[0] = {
      cwd: opts.cwd,
      approvalPolicy: opts.approve === "ask" ? "ask" : opts.approve,
    };
    if (opts.model) start.model = opts.model;
    if (opts.resumeThreadId) start.resumeThreadId = opts.resumeThreadId;
    await backend.start(start);
  } catch (err) {
    print(errorEvent(err));
    unsubscribe();
    await backend.close();
    return EXEC_EXIT.startFailed;
  }
  try {
    await backend.sendMessage(opts.prompt, { source: "local" });
    await done;
  } catch (err) {
    print(errorEvent(err));
    outcome ??= EXEC_EXIT.failed;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    unsubscribe();
    await backend.close();
  }
  return outcome ?? EXEC_EXIT.failed;
}

function errorEvent(err: unknown): AgentEvent {
  const e = isBackendError(err) ? err : new BackendError("spawn_failed", String(err));
  return { kind: "error", code: e.code, message: e.message, fatal: true };
}

function printHuman(event: AgentEvent, stdout: Writable, stderr: Writable): void {
  switch (event.kind) {
    case "text_delta":
      stdout.write(event.delta);
      return;
    case "text_completed":
      stdout.write("\n");
      return;
    case "command_begin":
      stderr.write(`$ ${event.command}\n`);
      return;
    case "command_output_delta":
      stderr.write(event.chunk);
      return;
    case "command_end":
      stderr.write(`[exit ${event.exitCode ?? "-"}]\n`);
      return;
    case "file_change":
      stderr.write(
        `[${event.status}] ${event.files.map((f) => f.path).join(", ")}\n${event.status === "applied" ? event.diff : ""}`,
      );
      return;
    case "approval_requested":
      stderr.write(`[approval] ${event.approval}: ${event.summary}\n`);
      return;
    case "approval_resolved":
      stderr.write(`[approval] ${event.decision} (by ${event.by})\n`);
      return;
    case "turn_failed":
      stderr.write(`[turn failed] ${event.message}\n`);
      return;
    case "turn_interrupted":
      stderr.write("[interrupted]\n");
      return;
    case "error":
      stderr.write(`[error ${event.code}] ${event.message}\n`);
      return;
    default:
      return;
  }
}

/** Asks y/N on the controlling terminal; without a terminal the answer is decline (safe by default). */
function askOnTerminal(stderr: Writable) {
  return async (request: Extract<AgentEvent, { kind: "approval_requested" }>): Promise<ApprovalDecision> => {
    if (!process.stdin.isTTY) {
      stderr.write("[approval] no terminal to ask on: declined\n");
      return "decline";
    }
    const rl = createInterface({ input: process.stdin, output: stderr });
    try {
      const answer = await rl.question(`Approve ${request.approval} "${request.summary}"? [y/N] `);
      return /^y(es)?$/i.test(answer.trim()) ? "accept" : "decline";
    } finally {
      rl.close();
    }
  };
}
