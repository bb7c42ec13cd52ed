/**
 * What the voice engine needs from an agent. The wrapper implements it over its CodexBackend;
 * tests use the scripted agent. Plain promises and async iterables so no effect knowledge is needed.
 */
export interface AgentTurn {
  /** Reply tokens as they stream. Ends when the turn is complete; throws on agent failure. */
  readonly tokens: AsyncIterable<string>;
  /** Stops the turn (barge-in, "stop"). Must make `tokens` end soon after. Idempotent. */
  interrupt(): Promise<void>;
}

export interface AgentAdapter {
  readonly name: string;
  /** Sends a user utterance as a prompt and starts a turn. */
  send(text: string): AgentTurn;
  /**
   * Answers the pending approval, if the agent has one ("approve" / "deny" by voice). When the agent
   * goes on with its turn after the answer, the rest of that turn, which the engine speaks like a reply.
   */
  resolveApproval?(decision: "approve" | "deny"): Promise<AgentTurn | undefined>;
}
