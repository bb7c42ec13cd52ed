import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { appLink, type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/**
 * The phone app in headless Chromium (390×844, touch) against real processes: the relay
 * (codex-sync-server, serving the built app) and the wrapper CLI (`codex-remote --agent demo`).
 */
describe("phone app against the real relay and the wrapper with the demo agent", () => {
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  const relayData = tempDir("cm-relay-");

  beforeAll(async () => {
    relay = await startRelay({ dataDir: relayData });
    wrapper = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-") });
    phone = await launchPhone();
    page = phone.page;
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
  });

  const session = () => page.locator('[data-testid="timeline"]');

  it("pairs by opening the link and shows the same six digits as the laptop", async () => {
    expect(wrapper.link).toContain("#s=");
    await page.goto(appLink(relay, wrapper.link));
    const sas = page.getByTestId("sas");
    await sas.waitFor({ timeout: 15_000 });
    const phoneSas = (await sas.textContent())!.replace(/\D/g, "").slice(-6);
    const shown = await wrapper.proc.waitFor(/show (\d{3}) ?(\d{3})/);
    const laptopSas = `${shown[1]}${shown[2]}`;
    expect(phoneSas).toBe(laptopSas);
    expect(page.url()).not.toContain("#s="); // the one-time secret left the address bar
    await shot(page, "01-pairing-sas");
    await page.getByRole("button", { name: "They match" }).tap();
    await page.getByTestId("paired").waitFor();
    await page.getByRole("button", { name: "See sessions" }).tap();
    const row = page.getByTestId("session-row");
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain("demo");
    await expect.poll(() => page.getByTestId("connection").getAttribute("data-state")).toBe("online");
    await shot(page, "02-session-list");
  });

  it("takes control, sends a prompt and shows the streamed answer", async () => {
    await page.getByTestId("session-row").tap();
    await page.getByTestId("control-banner").waitFor();
    await page.getByRole("button", { name: "Take control" }).tap();
    await expect.poll(() => page.getByTestId("control-banner").getAttribute("data-control")).toBe("granted");
    // the slash-command palette
    await page.locator("#prompt").fill("/");
    const palette = page.getByTestId("palette");
    await palette.waitFor();
    expect(await palette.textContent()).toContain("/interrupt");
    await shot(page, "03a-slash-palette");
    await page.locator("#prompt").fill("/st");
    await palette.getByRole("button", { name: /status/ }).tap();
    expect(await page.locator("#prompt").inputValue()).toBe("/status ");
    await page.locator("#prompt").fill("say hello");
    await page.getByRole("button", { name: "Send prompt" }).tap();
    await page.getByTestId("user-message").filter({ hasText: "say hello" }).waitFor();
    const text = page.getByTestId("agent-text").first();
    await expect.poll(() => text.textContent(), { timeout: 15_000 }).toContain("demo agent");
    // one-handed and accessible: every control has a name and a thumb-sized target
    const controls = await page.evaluate(() =>
      [...document.querySelectorAll("button, a[href], textarea, input")].map((el) => {
        const r = el.getBoundingClientRect();
        const label =
          el.getAttribute("aria-label") ?? (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : "");
        return { name: (label || el.textContent || "").trim(), h: r.height, visible: r.width > 0 };
      }),
    );
    for (const c of controls.filter((c) => c.visible)) {
      expect(c.name, "control without an accessible name").not.toBe("");
      expect(c.h, `${c.name} is too small to tap`).toBeGreaterThanOrEqual(44);
    }
    await expect
      .poll(() => page.getByTestId("session-state").textContent(), { timeout: 15_000 })
      .toBe("needs approval");
    await shot(page, "03-timeline-streamed");
  });

  it("approves a command and shows its live output and exit code", async () => {
    const approval = page.locator('[data-testid="approval"][data-kind="command"]');
    await approval.waitFor();
    await shot(page, "04-approval-command");
    await approval.getByRole("button", { name: "Approve", exact: true }).tap();
    const cmd = page.getByTestId("command").first();
    await expect
      .poll(() => cmd.getByTestId("command-output").textContent(), { timeout: 15_000 })
      .toContain("hello from the codex-remote demo agent");
    await expect.poll(() => cmd.getByTestId("exit-code").textContent()).toBe("exit 0");
    await expect.poll(() => approval.getAttribute("data-decision")).toBe("accept");
  });

  it("shows the patch as a per-file diff and denies it", async () => {
    const approval = page.locator('[data-testid="approval"][data-kind="file_change"]');
    await approval.waitFor({ timeout: 15_000 });
    // the diff shows once, in the file change the approval is about (per file, collapsible)
    const diffFile = page.locator('[data-testid="file-change"] [data-testid="diff-file"]').first();
    await diffFile.waitFor();
    expect(await approval.getByTestId("diff-file").count()).toBe(0);
    expect(await diffFile.locator("summary").textContent()).toContain("codex-remote-demo.txt");
    expect(await diffFile.locator(".ln.add").count()).toBeGreaterThan(0);
    await approval.scrollIntoViewIfNeeded();
    await shot(page, "05-diff-approval");
    await approval.getByRole("button", { name: "Deny" }).tap();
    await expect.poll(() => approval.getAttribute("data-decision"), { timeout: 10_000 }).toBe("decline");
    await expect
      .poll(() => page.locator('[data-testid="file-change"]').first().getAttribute("data-status"))
      .toBe("declined");
    await expect.poll(() => page.getByTestId("session-state").textContent(), { timeout: 15_000 }).toBe("idle");
    expect(existsSync(join(wrapper.workDir, "codex-remote-demo.txt"))).toBe(false);
    // collapse and re-open the file's diff (per-file collapsible)
    const summary = page.locator('[data-testid="file-change"] [data-testid="diff-file"] summary').first();
    await summary.tap();
    expect(await page.locator('[data-testid="file-change"] details').first().getAttribute("open")).toBeNull();
    await summary.tap();
    await shot(page, "06-timeline-after-deny");
  });

  it("resumes with nothing missing after the relay restarts mid-turn", async () => {
    await page.locator("#prompt").fill("keep going while the relay restarts");
    await page.getByRole("button", { name: "Send prompt" }).tap();
    await page.getByTestId("user-message").filter({ hasText: "keep going" }).waitFor();
    await relay.proc.stop("SIGKILL");
    await expect
      .poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 10_000 })
      .not.toBe("online");
    await shot(page, "07-relay-down");
    // the demo keeps streaming on the laptop while the relay is gone
    await new Promise((r) => setTimeout(r, 1500));
    relay = await startRelay({ dataDir: relayData, port: relay.port });
    await expect
      .poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 20_000 })
      .toBe("online");
    const approval = page.locator('[data-testid="approval"][data-kind="command"]').nth(1);
    await approval.waitFor({ timeout: 20_000 });
    await approval.getByRole("button", { name: "Approve", exact: true }).tap();
    const patch = page.locator('[data-testid="approval"][data-kind="file_change"]').nth(1);
    await patch.waitFor({ timeout: 15_000 });
    await patch.getByRole("button", { name: "Approve for this session" }).tap();
    await expect.poll(() => patch.getAttribute("data-decision"), { timeout: 10_000 }).toBe("accept_for_session");
    await expect.poll(() => page.getByTestId("session-state").textContent(), { timeout: 15_000 }).toBe("idle");
    expect(existsSync(join(wrapper.workDir, "codex-remote-demo.txt"))).toBe(true);
  });

  it("goes read-only with a banner when the laptop takes control back, and has every event", async () => {
    const from = wrapper.proc.out.length;
    wrapper.proc.write("/status");
    const events = Number((await wrapper.proc.waitFor(/events: (\d+)/, 10_000, from))[1]);
    const banner = page.getByTestId("control-banner");
    await expect.poll(() => banner.getAttribute("data-control"), { timeout: 10_000 }).toBe("revoked");
    expect(await page.locator("#prompt").isDisabled()).toBe(true);
    await expect.poll(() => session().getAttribute("data-applied"), { timeout: 10_000 }).toBe(String(events));
    expect(await page.getByTestId("resync-banner").count()).toBe(0);
    await shot(page, "08-read-only");
  });

  it("keeps the whole timeline across a reload (journal on the phone + the laptop's replay)", async () => {
    const before = await session().getAttribute("data-applied");
    await page.reload();
    await page.getByTestId("user-message").filter({ hasText: "say hello" }).waitFor({ timeout: 10_000 });
    await expect.poll(() => session().getAttribute("data-applied"), { timeout: 10_000 }).toBe(before);
    await expect
      .poll(() => page.getByTestId("connection").getAttribute("data-state"), { timeout: 10_000 })
      .toBe("online");
    expect(await page.getByTestId("command").count()).toBe(2);
  });

  it("interrupts a turn from the phone", async () => {
    await page.getByRole("button", { name: "Take control" }).tap();
    await expect.poll(() => page.getByTestId("control-banner").getAttribute("data-control")).toBe("granted");
    await page.locator("#prompt").fill("this one gets interrupted");
    await page.getByRole("button", { name: "Send prompt" }).tap();
    await page.locator('[data-testid="approval"][data-kind="command"]').nth(2).waitFor({ timeout: 15_000 });
    // a notification tap (content-free: `#/open/<room>`) lands on the session that needs approval
    await page.getByRole("link", { name: "Back to sessions" }).tap();
    await page.evaluate(() => {
      location.hash = "#/open/some-room";
    });
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#\/s\/[^/]+\/timeline$/);
    await page.getByRole("button", { name: "Stop" }).tap();
    await page.locator('[data-testid="turn"][data-status="interrupted"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId("session-state").textContent(), { timeout: 10_000 }).toBe("idle");
  });

  it("hold-to-talk sends 20 ms Opus frames from the mic, sealed, through the relay", async () => {
    // the relay's Prometheus counters (its operations interface): sealed frames and bytes received
    const inputFrames = async () => {
      const text = await (await fetch(`${relay.httpUrl}metrics`)).text();
      const num = (name: string) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, "m").exec(text)?.[1] ?? Number.NaN);
      return { n: num("relay_frames_in_total"), bytes: num("relay_bytes_in_total") };
    };
    const before = await inputFrames();
    const talk = page.getByTestId("talk");
    const box = (await talk.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await expect.poll(() => talk.getAttribute("data-state"), { timeout: 5000 }).toBe("sending");
    await shot(page, "15-talk-holding");
    await new Promise((r) => setTimeout(r, 1200));
    await page.mouse.up();
    await expect.poll(() => talk.getAttribute("data-state")).toBe("listening");
    await new Promise((r) => setTimeout(r, 500));
    const after = await inputFrames();
    const frames = after.n - before.n;
    // ~1.2 s of speech = ~60 frames of 20 ms (plus start_stream); Opus keeps each far below raw PCM's 640 bytes
    expect(frames).toBeGreaterThan(40);
    expect((after.bytes - before.bytes) / frames).toBeLessThan(400);
  });
});
