import type { AgentAdapter, AgentTurn } from "./types.ts";

export interface ScriptedAgentOptions {
  /** The reply for a prompt; default echoes a short fixed sentence. */
  readonly reply?: (prompt: string) => string;
  /** Delay before the first token. */
  readonly firstTokenDelayMs?: number;
  /** Tokens per second after the first (0 = as fast as possible). */
  readonly tokensPerSecond?: number;
  /** Fail the turn with this message after this many tokens (fault injection). */
  readonly failAfterTokens?: number;
  readonly failMessage?: string;
  /** The rest of the turn after a spoken approve/deny (none by default: the turn ends with the question). */
  readonly afterApproval?: (decision: "approve" | "deny") => string;
}

export interface ScriptedAgent extends AgentAdapter {
  readonly prompts: string[];
  readonly approvals: Array<"approve" | "deny">;
  readonly interrupts: number;
  /** Tokens actually handed out across turns. */
  readonly tokensSent: number;
  /** Changes the options for later turns. */
  configure(options: ScriptedAgentOptions): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Splits a reply into word tokens keeping spaces and punctuation, like a model's stream. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** A deterministic agent for tests and benchmarks: configurable first-token delay, token rate and faults. */
export function scriptedAgent(initial: ScriptedAgentOptions = {}): ScriptedAgent {
  let options = initial;
  const prompts: string[] = [];
  const approvals: Array<"approve" | "deny"> = [];
  let interrupts = 0;
  let tokensSent = 0;
  const agent: ScriptedAgent = {
    name: "scripted",
    prompts,
    approvals,
    get interrupts() {
      return interrupts;
    },
    get tokensSent() {
      return tokensSent;
    },
    configure(next) {
      options = next;
    },
    send(text): AgentTurn {
      prompts.push(text);
      return turnOf(options.reply ? options.reply(text) : `You said ${text}. Done.`);
    },
    async resolveApproval(decision) {
      approvals.push(decision);
      return options.afterApproval ? turnOf(options.afterApproval(decision)) : undefined;
    },
  };
  function turnOf(reply: string): AgentTurn {
    const opts = options;
    const controller = new AbortController();
    async function* stream(): AsyncGenerator<string> {
      await sleep(opts.firstTokenDelayMs ?? 0, controller.signal);
      const gap = opts.tokensPerSecond && opts.tokensPerSecond > 0 ? 1000 / opts.tokensPerSecond : 0;
      let n = 0;
      for (const token of tokenize(reply)) {
        if (controller.signal.aborted) return;
        if (opts.failAfterTokens !== undefined && n >= opts.failAfterTokens) {
          throw new Error(opts.failMessage ?? "scripted agent failure");
        }
        if (n > 0) await sleep(gap, controller.signal);
        if (controller.signal.aborted) return;
        n++;
        tokensSent++;
        yield token;
      }
    }
    return {
      tokens: stream(),
      async interrupt() {
        if (!controller.signal.aborted) interrupts++;
        controller.abort();
      },
    };
  }
  return agent;
}
