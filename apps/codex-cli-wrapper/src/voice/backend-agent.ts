import type { AgentAdapter, AgentTurn } from "@codex-remote/codex-voice-engine";
import type { AgentEvent } from "@codex-remote/protocol";
import type { CodexBackend } from "../backends/types.ts";
import { WrapperError } from "../config/errors.ts";

/** What the voice agent needs from the session host (its prompt, approval and interrupt paths). */
export interface VoiceHostPaths {
  readonly backend: CodexBackend;
  /** The host's prompt path (logged as a `voice` user message, like a typed one). */
  sendPrompt(text: string): Promise<void>;
  /** The host's approval path: answers the oldest pending approval; false when none is pending. */
  answerOldestApproval(decision: "accept" | "decline"): boolean;
  interrupt(): Promise<void>;
}

/** What is spoken when the turn stops for an approval. */
export function approvalSpeech(e: Extract<AgentEvent, { kind: "approval_requested" }>): string {
  const what = e.command ? `run ${e.command}` : e.summary;
  return ` The agent asks to ${what.slice(0, 200)}. Say approve or deny.`;
}

/**
 * The voice engine's AgentAdapter over the running CodexBackend: `send` is a prompt through the
 * host, the turn's `text_delta`s are the tokens. The spoken turn ends when the backend's turn ends,
 * or when it stops for an approval (the question is spoken, then the listener answers "approve" /
 * "deny", which `resolveApproval` takes to the host's approval path). `interrupt` is the backend's.
 */
export class BackendVoiceAgent implements AgentAdapter {
  readonly name = "codex-backend";
  #paths: VoiceHostPaths;

  constructor(paths: VoiceHostPaths) {
    this.#paths = paths;
  }

  send(text: string): AgentTurn {
    const paths = this.#paths;
    const queue: string[] = [];
    let done = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const push = (fn: () => void) => {
      fn();
      wake?.();
      wake = undefined;
    };
    let started = false;
    const off = paths.backend.events.subscribe((e) => {
      if (done) return;
      if (e.kind === "turn_started") started = true;
      if (!started && e.kind !== "user_message") return;
      switch (e.kind) {
        case "text_delta":
          push(() => queue.push(e.delta));
          return;
        case "approval_requested":
          push(() => {
            queue.push(approvalSpeech(e));
            done = true;
          });
          return;
        case "turn_completed":
        case "turn_interrupted":
          push(() => {
            done = true;
          });
          return;
        case "turn_failed":
          push(() => {
            failure = new WrapperError("AGENT_TURN_FAILED", "the agent's turn failed");
            done = true;
          });
          return;
        default:
          return;
      }
    });
    paths.sendPrompt(text).catch((e: unknown) =>
      push(() => {
        failure = e instanceof Error ? e : new Error(String(e));
        done = true;
      }),
    );
    const tokens: AsyncIterable<string> = {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            while (queue.length > 0) yield queue.shift()!;
            if (done) {
              if (failure) throw failure;
              return;
            }
            await new Promise<void>((r) => {
              wake = r;
            });
          }
        } finally {
          done = true;
          off();
        }
      },
    };
    return {
      tokens,
      interrupt: async () => {
        if (done) return;
        push(() => {
          done = true;
        });
        off();
        if (paths.backend.turnActive) await paths.interrupt();
      },
    };
  }

  async resolveApproval(decision: "approve" | "deny"): Promise<void> {
    if (!this.#paths.answerOldestApproval(decision === "approve" ? "accept" : "decline"))
      throw new WrapperError("NO_PENDING_APPROVAL", `"${decision}" heard, but no approval is pending`);
  }
}
