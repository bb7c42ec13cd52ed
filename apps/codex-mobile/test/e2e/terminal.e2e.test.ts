import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/** A terminal session (`codex-remote --agent shell`, a PTY mirrored to the phone) in xterm.js. */
describe("terminal session in xterm.js against the real relay and wrapper", () => {
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    wrapper = await startWrapper({ relayUrl: relay.url, agent: "shell", configDir: tempDir("cm-laptop-") });
    phone = await launchPhone();
    page = phone.page;
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
  });

  const screen = () => page.locator('[data-testid="terminal"] .xterm-rows').textContent();
  const cols = () =>
    page.evaluate(
      () => (document.querySelector('[data-testid="terminal"]') as unknown as { term: { cols: number } }).term.cols,
    );

  it("renders the mirrored shell, takes keystrokes and resizes with the screen", async () => {
    await page.goto(wrapper.link);
    await page.getByTestId("sas").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "They match" }).tap();
    await page.getByRole("button", { name: "See sessions" }).tap();
    await page.getByTestId("session-row").tap();
    // a terminal session opens on the terminal tab; xterm.js loads lazily
    await page.locator('[data-testid="terminal"] .xterm').waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Take control" }).tap();
    await expect.poll(() => page.getByTestId("control-banner").getAttribute("data-control")).toBe("granted");
    await page.getByTestId("terminal").tap();
    await page.keyboard.type("echo phone-$((6*7))\n");
    await expect.poll(screen, { timeout: 15_000 }).toContain("phone-42");
    await shot(page, "09-terminal");
    // the grid is the laptop's PTY (the wrapper runs it at 100 columns without a TTY); the font fits it
    expect(await cols()).toBe(100);
    const font = () => page.getByTestId("terminal").getAttribute("data-font").then(Number);
    const portrait = await font();
    await page.setViewportSize({ width: 844, height: 390 });
    await expect.poll(font, { timeout: 5000 }).toBeGreaterThan(portrait);
    expect(await cols()).toBe(100);
    await shot(page, "10-terminal-landscape");
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(font, { timeout: 5000 }).toBe(portrait);

    // a second tab, without the links: the first tab's terminal history, then its live output
    const second = await phone.context.newPage();
    await second.goto(new URL(page.url()).origin);
    await second.getByTestId("session-row").first().tap();
    const secondScreen = () => second.locator('[data-testid="terminal"] .xterm-rows').textContent();
    await expect.poll(secondScreen, { timeout: 15_000 }).toContain("phone-42");
    await page.getByTestId("terminal").tap();
    await page.keyboard.type("echo again-$((2*3))\n");
    await expect.poll(secondScreen, { timeout: 15_000 }).toContain("again-6");
    await shot(second, "11-terminal-second-tab");
    await second.close();
  });
});
