import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { tempDir } from "./procs.ts";

export const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

/** Debian's Chromium, headless, with a fresh profile and a 390×844 touch phone viewport. */
export async function launchPhone(
  extraArgs: string[] = [],
): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const context = await chromium.launchPersistentContext(tempDir("cm-chromium-"), {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // a fake microphone (a beep) with no permission prompt, for the talk tests
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      ...extraArgs,
    ],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: "dark",
    permissions: ["microphone", "camera"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close() };
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = resolve(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens the pairing link, confirms the SAS, opens the laptop's one session and takes control of it. */
export async function pairAndTakeControl(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByTestId("sas").waitFor({ timeout: 15_000 });
  await page.getByRole("button", { name: "They match" }).tap();
  await page.getByRole("button", { name: "See sessions" }).tap();
  await page.getByTestId("session-row").tap();
  await page.getByRole("button", { name: "Take control" }).tap();
  await page.locator('[data-testid="control-banner"][data-control="granted"]').waitFor();
}

/** Types a prompt into the composer and sends it. */
export async function sendPrompt(page: Page, text: string): Promise<void> {
  await page.locator("#prompt").fill(text);
  await page.getByRole("button", { name: "Send prompt" }).tap();
}

/**
 * From the session list at `appUrl` (once it shows `sessions` rows): opens the session whose folder
 * is `folder`, takes control and sends `text`, then waits for it in the timeline.
 */
export async function promptInSession(
  page: Page,
  appUrl: string,
  opts: { folder: string; sessions: number; text: string },
): Promise<void> {
  await page.goto(appUrl);
  const rows = page.getByTestId("session-row");
  await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(opts.sessions);
  await rows.filter({ hasText: opts.folder }).tap();
  await page.getByRole("button", { name: "Take control" }).tap();
  await expect.poll(() => page.getByTestId("control-banner").getAttribute("data-control")).toBe("granted");
  await sendPrompt(page, opts.text);
  await page.getByTestId("user-message").filter({ hasText: opts.text }).waitFor();
}
