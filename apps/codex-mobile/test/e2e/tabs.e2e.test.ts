import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, pairAndTakeControl, sendPrompt, shot } from "./browser.ts";
import { appLink, type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/**
 * The app open in two tabs of one browser: one device, one channel per room on the laptop. Only one
 * tab holds the relay links; the other says so and can take them over. (Two tabs used to replace
 * each other's channel, and prompts from either were lost.)
 */
describe("the app in two tabs", () => {
  let relay: Relay;
  let w: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    w = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-") });
    phone = await launchPhone();
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await w?.proc.stop();
    await relay?.proc.stop();
  });

  const state = (page: typeof phone.page) => page.getByTestId("connection").getAttribute("data-state");
  it("one tab holds the links, the other says so; prompts from the holder arrive; Use here moves them", async () => {
    const first = phone.page;
    await pairAndTakeControl(first, appLink(relay, w.link));

    const second = await phone.context.newPage();
    await second.goto(relay.httpUrl);
    await expect.poll(() => state(second), { timeout: 15_000 }).toBe("elsewhere");
    // without the links it still lists what this phone kept of the session, offline
    await second.getByTestId("session-row").first().waitFor({ timeout: 10_000 });
    expect(await second.getByTestId("session-row").first().textContent()).toContain("in another tab");
    await shot(second, "tabs-elsewhere");
    // well past the links' liveness check (15 s), which is when two tabs' handshakes used to collide
    await new Promise((r) => setTimeout(r, 17_000));
    expect(await state(first)).toBe("online");
    await sendPrompt(first, "from the first tab");
    await expect.poll(() => w.proc.out.includes("from the first tab"), { timeout: 15_000 }).toBe(true);
    // the tab without the links follows the journal the first tab writes: the prompt shows, no reload
    await second.getByTestId("session-row").first().tap();
    await second.getByText("from the first tab").first().waitFor({ timeout: 10_000 });
    // and what no journal keeps comes from the first tab's mirror: the phone is in control
    await expect
      .poll(() => second.getByTestId("control-banner").getAttribute("data-control"), { timeout: 10_000 })
      .toBe("granted");
    // released in the first tab (on the session's screen since the prompt): the second follows
    await first.getByRole("button", { name: "Release" }).tap();
    await expect
      .poll(() => second.getByTestId("control-banner").getAttribute("data-control"), { timeout: 10_000 })
      .not.toBe("granted");
    await first.getByRole("button", { name: "Take control" }).tap();
    await expect
      .poll(() => second.getByTestId("control-banner").getAttribute("data-control"), { timeout: 15_000 })
      .toBe("granted");
    await second.goBack();

    // Use here: the second tab takes the links (the phone is still in control), the first gives them up
    await second.getByTestId("use-here").tap();
    await expect.poll(() => state(second), { timeout: 15_000 }).toBe("online");
    await expect.poll(() => state(first), { timeout: 15_000 }).toBe("elsewhere");
    // the links restored the journal the tab already showed: still one row per session
    expect(await second.getByTestId("session-row").count()).toBe(1);
    // (no reload here: a page that reloads gives its lock up and queues behind the other tab)
    await second.getByTestId("session-row").first().tap();
    await expect
      .poll(() => second.getByTestId("control-banner").getAttribute("data-control"), { timeout: 15_000 })
      .toBe("granted");
    await sendPrompt(second, "from the second tab");
    await expect.poll(() => w.proc.out.includes("from the second tab"), { timeout: 15_000 }).toBe(true);

    // a prompt typed in the tab that gave the links up says why it was not sent
    await sendPrompt(first, "typed in the first tab");
    await first.getByText("open in another tab").first().waitFor();
    expect(w.proc.out).not.toContain("typed in the first tab");

    // closing the tab that holds them hands the links back to the other
    await second.close();
    await expect.poll(() => state(first), { timeout: 15_000 }).toBe("online");
    await sendPrompt(first, "back in the first tab");
    await expect.poll(() => w.proc.out.includes("back in the first tab"), { timeout: 15_000 }).toBe(true);

    // forgetting the laptop in a tab without the links closes them in the tab that has them
    const toList = (page: typeof first) =>
      page.evaluate(() => {
        location.hash = "#/";
      });
    await toList(first);
    await expect.poll(() => first.getByTestId("session-row").count(), { timeout: 10_000 }).toBe(1);
    const third = await phone.context.newPage();
    await third.goto(relay.httpUrl);
    await expect.poll(() => state(third), { timeout: 15_000 }).toBe("elsewhere");
    await third.getByTestId("session-row").first().waitFor({ timeout: 10_000 });
    await third.getByRole("link", { name: "Settings" }).tap();
    await third.getByRole("button", { name: /^Forget / }).tap();
    await expect.poll(() => state(first), { timeout: 10_000 }).toBe("offline");
    expect(await first.getByTestId("connection").textContent()).toContain("no laptop paired");
    // and the laptop's sessions leave the list in both tabs
    await expect.poll(() => first.getByTestId("session-row").count(), { timeout: 10_000 }).toBe(0);
    await toList(third);
    await expect.poll(() => third.getByTestId("session-row").count(), { timeout: 10_000 }).toBe(0);
    await third.close();
  }, 180_000);
});
