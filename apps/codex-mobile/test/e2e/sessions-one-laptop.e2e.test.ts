import { basename } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, promptInSession, sendPrompt, shot } from "./browser.ts";
import { appLink, type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/**
 * Two sessions at once on one laptop (one config dir, one identity): the second `codex-remote`
 * takes a relay room of its own and admits the laptop's paired phones, and the app, paired once,
 * follows both.
 */
describe("one phone app, two codex-remote sessions on one laptop", () => {
  let relay: Relay;
  let first: Wrapper;
  let second: Wrapper | undefined;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  const laptop = tempDir("cm-laptop-");

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    first = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: laptop });
    phone = await launchPhone();
    page = phone.page;
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await first?.proc.stop();
    await second?.proc.stop();
    await relay?.proc.stop();
  });

  const rows = () => page.getByTestId("session-row");

  const promptIn = (w: Wrapper, text: string) =>
    promptInSession(page, relay.httpUrl, { folder: basename(w.workDir), sessions: 2, text });

  it("paired once, the app shows a session started later on the same laptop and drives each", async () => {
    await page.goto(appLink(relay, first.link));
    await page.getByRole("button", { name: "They match" }).tap({ timeout: 15_000 });
    await page.getByTestId("paired").waitFor();
    await page.goto(relay.httpUrl);
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(1);

    // a second session on the same laptop: no pairing, it appears in the open app
    second = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: laptop });
    expect(second.proc.out).toContain("session 2 on this laptop");
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(2);
    await shot(page, "sessions-one-laptop-list");

    await promptIn(first, "from the phone to the first session");
    await promptIn(second, "from the phone to the second session");
    await expect
      .poll(() => first.proc.out.includes("from the phone to the first session"), { timeout: 15_000 })
      .toBe(true);
    await expect
      .poll(() => second?.proc.out.includes("from the phone to the second session"), { timeout: 15_000 })
      .toBe(true);
    expect(first.proc.out).not.toContain("from the phone to the second session");
    expect(second.proc.out).not.toContain("from the phone to the first session");

    // a cold start of the app finds the second session's room again (it is not stored on the phone),
    // on the one relay connection it has for that laptop
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await page.reload();
    await page.goto(relay.httpUrl);
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(2);
    for (const w of [first, second]) {
      const badge = rows()
        .filter({ hasText: basename(w.workDir) })
        .locator(".badge");
      await expect.poll(() => badge.getAttribute("data-state"), { timeout: 15_000 }).not.toBe("offline");
    }
    // a tab without the links names the laptop on both sessions: the second session's room is not
    // stored on the phone, so its row gets the name from the first tab (its mirror)
    const rowText = (p: Page, w: Wrapper) =>
      p
        .getByTestId("session-row")
        .filter({ hasText: basename(w.workDir) })
        .locator(".row.small span.grow")
        .textContent();
    const laptopName = (await rowText(page, first))?.split(" · ")[2];
    expect(laptopName).toBeTruthy();
    const other = await page.context().newPage();
    await other.goto(relay.httpUrl);
    for (const w of [first, second]) {
      await expect
        .poll(() => rowText(other, w), { timeout: 15_000 })
        .toSatisfy((t) => !!t?.endsWith(` · ${laptopName}`));
    }
    await other.close();

    await rows()
      .filter({ hasText: basename(second.workDir) })
      .tap();
    await page.getByTestId("user-message").filter({ hasText: "from the phone to the second session" }).waitFor();
  }, 120_000);

  it("paired again through the second session's room, each session still goes to its own room after a cold start", async () => {
    const w = second!;
    await page.goto(appLink(relay, w.link));
    await page.getByRole("button", { name: "They match" }).tap({ timeout: 15_000 });
    await page.getByTestId("paired").waitFor();
    // the laptop's room is now the second session's; the first session's journal stays with its room
    await page.reload();
    await page.goto(relay.httpUrl);
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(2);
    // the phone is still in control of both sessions (the relay keeps each room's controller)
    for (const [wrapper, text] of [
      [first, "paired again, to the first session"],
      [w, "paired again, to the second session"],
    ] as const) {
      await page.goto(relay.httpUrl);
      await rows()
        .filter({ hasText: basename(wrapper.workDir) })
        .tap();
      await expect
        .poll(() => page.getByTestId("control-banner").getAttribute("data-control"), { timeout: 15_000 })
        .toBe("granted");
      await sendPrompt(page, text);
      await page.getByTestId("user-message").filter({ hasText: text }).waitFor();
    }
    await expect
      .poll(() => first.proc.out.includes("paired again, to the first session"), { timeout: 15_000 })
      .toBe(true);
    await expect.poll(() => w.proc.out.includes("paired again, to the second session"), { timeout: 15_000 }).toBe(true);
    expect(first.proc.out).not.toContain("paired again, to the second session");
    expect(w.proc.out).not.toContain("paired again, to the first session");
  }, 120_000);
});
