import type { PtyBackend } from "../../src/backends/terminal/pty-backend.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the headless mirror's screen shows `text`. */
export async function waitForScreen(term: PtyBackend, text: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < deadline) {
    screen = (await term.settledSnapshot()).lines.join("\n");
    if (screen.includes(text)) return screen;
    await sleep(50);
  }
  throw new Error(`screen never showed "${text}":\n${screen}`);
}

/** Types a prompt into a TUI the way a person would: the text, then Enter once it is on screen. */
export async function typePrompt(term: PtyBackend, text: string): Promise<void> {
  term.write(text);
  await waitForScreen(term, text);
  // a pause, so the TUI does not take the Enter as part of a paste burst
  await sleep(250);
  term.write("\r");
}
