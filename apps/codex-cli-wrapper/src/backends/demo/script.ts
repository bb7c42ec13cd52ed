/** What the built-in demo agent says and does; kept apart from the mechanics so it reads as a script. */
export const DEMO_LABEL = "[demo agent]";

export function introText(prompt: string): string {
  return `${DEMO_LABEL} This is codex-remote's built-in demo agent: a script, not an AI model. You asked: "${prompt}". I will run one command (it needs your approval) and then propose a small patch with a diff.`;
}

export const DEMO_COMMAND = 'echo "hello from the codex-remote demo agent" && pwd';
export const DEMO_FILE = "codex-remote-demo.txt";

export function patchedContent(before: string | undefined, prompt: string): string {
  const line = `demo note: ${prompt.replaceAll("\n", " ").slice(0, 120)}\n`;
  return before === undefined ? `# written by the codex-remote demo agent\n${line}` : `${before}${line}`;
}

export const CLOSING_TEXT = `${DEMO_LABEL} That is everything the demo does: streamed text, an approval-gated command, and a patch with its diff.`;
