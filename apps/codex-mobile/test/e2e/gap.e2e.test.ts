import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/**
 * A real `gap`: the relay keeps only 30 frames per room, the phone is away while the laptop works, and
 * when the app comes back the relay says frames were trimmed. The app must say so in the timeline and
 * ask the laptop again — never show a silently shortened session.
 */
describe("relay gap after the phone was away", () => {
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-"), env: { CODEX_RELAY_RETENTION_FRAMES: "30" } });
    wrapper = await startWrapper({
      relayUrl: relay.url,
      agent: "demo",
      configDir: tempDir("cm-laptop-"),
      extraArgs: ["--approve", "always"],
    });
    phone = await launchPhone();
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
  });

  it("tells the user about frames the relay trimmed, and does not stay stuck", async () => {
    let page = phone.page;
    await page.goto(wrapper.link);
    await page.getByTestId("sas").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "They match" }).tap();
    await page.getByRole("button", { name: "See sessions" }).tap();
    await page.getByTestId("session-row").waitFor({ timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1000)); // the app stores its relay position
    await page.close();
    // the laptop works while the phone is gone: far more frames than the relay keeps
    const from = wrapper.proc.out.length;
    wrapper.proc.write("work while the phone is away");
    await wrapper.proc.waitFor(/That is everything the demo does/, 30_000, from);
    page = await phone.context.newPage();
    await page.goto(relay.httpUrl);
    await page.getByTestId("session-row").tap();
    const notice = page.locator('[data-testid="notice"][data-code="RELAY_GAP"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain("relay no longer had some updates");
    await expect
      .poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 15_000 })
      .toBe("online");
    await expect.poll(() => page.getByTestId("resync-banner").count(), { timeout: 15_000 }).toBe(0);
    // and the laptop sent again what the relay had dropped: the whole turn is there, nothing missing
    await page
      .getByTestId("user-message")
      .filter({ hasText: "work while the phone is away" })
      .waitFor({ timeout: 15_000 });
    const mark = wrapper.proc.out.length;
    wrapper.proc.write("/status");
    const events = Number((await wrapper.proc.waitFor(/events: (\d+)/, 10_000, mark))[1]);
    await expect
      .poll(() => page.getByTestId("timeline").getAttribute("data-applied"), { timeout: 15_000 })
      .toBe(String(events));
    await shot(page, "16-relay-gap");
  });
});
