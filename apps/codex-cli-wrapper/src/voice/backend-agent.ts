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
  if (e.questions) {
    // the offline grammar knows approve / deny, not the options: the choice is made on the screen
    const asked = e.questions.map((q) => `${q.question} ${q.options.map((o) => o.label).join(", or ")}.`).join(" ");
    return ` The agent asks: ${asked.slice(0, 400)} Answer on the screen, or say deny to skip.`;
  }
  const what = e.command ? `run ${e.command}` : e.summary;
  return ` The agent asks to ${what.slice(0, 200)}. Say approve or deny.`;
}

/**
 * The voice engine's AgentAdapter over the running CodexBackend: `send` is a prompt through the
 * host, the turn's `text_delta`s are the tokens. The spoken turn ends when the backend's turn ends,
 * or when it stops for an approval (the question is spoken, then the listener answers "approve" /
 * "deny", which `resolveApproval` takes to the host's approval path and whose rest of the turn is
 * spoken in turn). `interrupt` is the backend's.
 */
export class BackendVoiceAgent implements AgentAdapter {
  readonly name = "codex-backend";
  #paths: VoiceHostPaths;

  constructor(paths: VoiceHostPaths) {
    this.#paths = paths;
  }

  send(text: string): AgentTurn {
    const turn = this.#follow(false);
    this.#paths.sendPrompt(text).catch((e: unknown) => turn.fail(e instanceof Error ? e : new Error(String(e))));
    return turn.turn;
  }

  /**
   * The backend's events as a spoken turn: its text deltas until the turn ends or stops for an
   * approval (the question is spoken). `inTurn`: already inside the backend's turn (after a voice
   * answer), else events count from the prompt's own `user_message` / `turn_started`.
   */
  #follow(inTurn: boolean): { turn: AgentTurn; fail(e: Error): void; end(): void } {
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
    let started = inTurn;
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
      turn: {
        tokens,
        interrupt: async () => {
          if (done) return;
          push(() => {
            done = true;
          });
          off();
          if (paths.backend.turnActive) await paths.interrupt();
        },
      },
      fail: (e) =>
        push(() => {
          failure = e;
          done = true;
        }),
      // no more events wanted; what is queued is still spoken
      end: () => {
        push(() => {
          done = true;
        });
        off();
      },
    };
  }

  /**
   * Answers the oldest pending approval; the rest of the backend's turn (what the agent does and
   * says after the answer, up to its end or its next question) is returned to be spoken.
   */
  async resolveApproval(decision: "approve" | "deny"): Promise<AgentTurn | undefined> {
    // listen first: the backend may go on the moment it has the answer
    const rest = this.#follow(true);
    if (!this.#paths.answerOldestApproval(decision === "approve" ? "accept" : "decline")) {
      rest.end();
      throw new WrapperError("NO_PENDING_APPROVAL", `"${decision}" heard, but no approval is pending`);
    }
    if (!this.#paths.backend.turnActive) rest.end();
    return rest.turn;
  }
}
