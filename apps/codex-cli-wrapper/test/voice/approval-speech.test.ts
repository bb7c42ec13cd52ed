import { describe, expect, it } from "vitest";
import { approvalSpeech } from "../../src/voice/backend-agent.ts";

describe("approvalSpeech", () => {
  it("says the command for a command approval", () => {
    expect(
      approvalSpeech({ kind: "approval_requested", requestId: "r", approval: "command", summary: "ls", command: "ls" }),
    ).toBe(" The agent asks to run ls. Say approve or deny.");
  });

  it("reads a question and its options, and sends the choice to the screen", () => {
    const said = approvalSpeech({
      kind: "approval_requested",
      requestId: "r",
      approval: "tool",
      summary: "Which colour?",
      questions: [{ question: "Which colour?", multiSelect: false, options: [{ label: "Red" }, { label: "Blue" }] }],
    });
    expect(said).toBe(" The agent asks: Which colour? Red, or Blue. Answer on the screen, or say deny to skip.");
  });
});
