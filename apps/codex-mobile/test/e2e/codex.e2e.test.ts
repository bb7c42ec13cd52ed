import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The wrapper's scripted OpenAI Responses server and CODEX_HOME, shared test fixtures of the project.
import { makeCodexHome } from "../../../codex-cli-wrapper/test/fixtures/codex-home.ts";
import { type ResponsesMock, startResponsesMock } from "../../../codex-cli-wrapper/test/fixtures/responses-mock.ts";
import { launchPhone, pairAndTakeControl, sendPrompt, shot } from "./browser.ts";
import { type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

const CODEX_BIN_DIR = resolve(import.meta.dirname, "../../../codex-cli-wrapper/node_modules/.bin");

/** The real `codex` binary (app-server, driven by the wrapper) answering from a scripted model server. */
describe("phone app with the real codex binary behind the wrapper", () => {
  let mock: ResponsesMock;
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;

  beforeAll(async () => {
    mock = await startResponsesMock();
    const codex = makeCodexHome(mock.port);
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    wrapper = await startWrapper({
      relayUrl: relay.url,
      agent: "codex",
      configDir: tempDir("cm-laptop-"),
      env: { ...codex.env, PATH: `${CODEX_BIN_DIR}:${process.env.PATH ?? ""}` },
    });
    phone = await launchPhone();
    page = phone.page;
  }, 90_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
    await mock?.close();
  });

  it("streams codex's answer, asks for approval on the phone and shows the command's output", async () => {
    mock.enqueue(
      [
        { type: "text", text: "I will run one command for you.", chunks: 5 },
        { type: "exec", cmd: "echo codex-on-the-phone", escalate: true, justification: "show it on the phone" },
      ],
      [{ type: "text", text: "The command printed codex-on-the-phone.", chunks: 4 }],
    );
    await pairAndTakeControl(page, wrapper.link);
    await sendPrompt(page, "run the demo command");
    await expect
      .poll(() => page.getByTestId("agent-text").first().textContent(), { timeout: 30_000 })
      .toContain("I will run one command");
    const approval = page.locator('[data-testid="approval"][data-kind="command"]');
    await approval.waitFor({ timeout: 30_000 });
    expect(await approval.textContent()).toContain("echo codex-on-the-phone");
    await approval.getByRole("button", { name: "Approve", exact: true }).tap();
    const cmd = page.getByTestId("command").filter({ hasText: "codex-on-the-phone" }).first();
    await expect
      .poll(() => cmd.getByTestId("command-output").textContent(), { timeout: 30_000 })
      .toContain("codex-on-the-phone");
    await expect.poll(() => cmd.getByTestId("exit-code").textContent(), { timeout: 15_000 }).toBe("exit 0");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("printed codex-on-the-phone");
    await shot(page, "14-codex-real-binary");
  });

  it("shows the goal codex keeps working on by itself, and that it is done", async () => {
    mock.enqueue(
      [{ type: "function", name: "create_goal", arguments: { objective: "make every test pass" } }],
      [{ type: "text", text: "Goal set; working on it." }],
      // codex goes on by itself while the goal is active
      [{ type: "text", text: "Still on it: one test left." }],
      [{ type: "function", name: "update_goal", arguments: { status: "complete" } }],
      [{ type: "text", text: "Every test passes." }],
    );
    await sendPrompt(page, "set a goal: make every test pass");
    const goal = page.getByTestId("goal");
    await goal.waitFor({ timeout: 30_000 });
    expect(await goal.textContent()).toContain("make every test pass");
    await expect.poll(() => goal.getAttribute("data-status"), { timeout: 30_000 }).toBe("complete");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("Every test passes.");
    // the turns codex started by itself are on the phone too
    expect(await page.getByTestId("agent-text").filter({ hasText: "one test left" }).count()).toBe(1);
    await shot(page, "15-codex-goal");
  });

  it("pauses the goal from the phone (codex stops going on by itself) and resumes it", async () => {
    mock.enqueue(
      [{ type: "function", name: "create_goal", arguments: { objective: "polish the docs" } }],
      [{ type: "text", text: "Goal set." }],
      // the turn codex starts by itself, slow enough to pause during it
      [{ type: "text", text: "Working on the docs slowly. ".repeat(4), chunks: 40, delayMs: 100 }],
      // after Resume
      [{ type: "function", name: "update_goal", arguments: { status: "complete" } }],
      [{ type: "text", text: "The docs are polished." }],
    );
    await sendPrompt(page, "set a goal: polish the docs");
    const goal = page.getByTestId("goal");
    await expect.poll(() => goal.textContent(), { timeout: 30_000 }).toContain("polish the docs");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("Working on the docs");
    await goal.getByRole("button", { name: "Pause" }).tap();
    await expect.poll(() => goal.getAttribute("data-status"), { timeout: 30_000 }).toBe("paused");
    await shot(page, "16-codex-goal-paused");
    await goal.getByRole("button", { name: "Resume" }).tap();
    await expect.poll(() => goal.getAttribute("data-status"), { timeout: 30_000 }).toBe("complete");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("The docs are polished.");
    expect(await goal.getByRole("button").count()).toBe(0);
  });
});
