import { basename } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, promptInSession, shot } from "./browser.ts";
import { appLink, type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/**
 * Two laptops from one phone: each `codex-remote` with its own config dir is its own laptop identity
 * and relay room, paired once each, and the app drives both (sessions-one-laptop covers two sessions
 * of one laptop).
 */
describe("one phone app, two codex-remote sessions with their own config dirs", () => {
  let relay: Relay;
  let first: Wrapper;
  let second: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    first = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-a-") });
    second = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-b-") });
    phone = await launchPhone();
    page = phone.page;
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await first?.proc.stop();
    await second?.proc.stop();
    await relay?.proc.stop();
  });

  const linkOf = (w: Wrapper) => appLink(relay, w.link);

  async function pair(w: Wrapper): Promise<void> {
    await page.goto(linkOf(w));
    await page.getByRole("button", { name: "They match" }).tap({ timeout: 15_000 });
    await page.getByTestId("paired").waitFor();
  }

  /** Opens the session of laptop `w` (by its working dir: the list is ordered by activity). */
  const promptIn = (w: Wrapper, text: string) =>
    promptInSession(page, relay.httpUrl, { folder: basename(w.workDir), sessions: 2, text });

  it("pairs with both, lists both sessions, and each prompt reaches its own laptop", async () => {
    await pair(first);
    await pair(second);
    await page.goto(relay.httpUrl);
    const rows = page.getByTestId("session-row");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await shot(page, "two-laptops-list");

    await promptIn(first, "from the phone to one");
    await promptIn(second, "from the phone to the other");
    // each laptop got its own prompt and not the other's
    await expect.poll(() => first.proc.out.includes("from the phone to one"), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => second.proc.out.includes("from the phone to the other"), { timeout: 15_000 }).toBe(true);
    expect(first.proc.out).not.toContain("from the phone to the other");
    expect(second.proc.out).not.toContain("from the phone to one");
  }, 90_000);
});
