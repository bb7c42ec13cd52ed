import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The wrapper's scripted Anthropic Messages server and claude home, shared test fixtures of the project.
import { type AnthropicMock, startAnthropicMock } from "../../../codex-cli-wrapper/test/fixtures/anthropic-mock.ts";
import { makeClaudeHome } from "../../../codex-cli-wrapper/test/fixtures/claude-home.ts";
import { launchPhone, pairAndTakeControl, sendPrompt, shot } from "./browser.ts";
import { type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/** The real `claude` binary (stream-json, driven by the wrapper) answering from a scripted Messages server. */
describe("phone app with the real claude binary behind the wrapper", () => {
  let mock: AnthropicMock;
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  let workDir: string;

  beforeAll(async () => {
    mock = await startAnthropicMock();
    const claude = makeClaudeHome(mock.port);
    workDir = claude.cwd;
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    wrapper = await startWrapper({
      relayUrl: relay.url,
      agent: "claude",
      configDir: tempDir("cm-laptop-"),
      env: claude.env,
      workDir: claude.cwd,
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

  it("shows claude's questions as options; the tapped answer reaches claude and the turn goes on", async () => {
    const questions = [
      {
        question: "Which colour should the button be?",
        header: "Colour",
        multiSelect: false,
        options: [
          { label: "Red", description: "warm and loud" },
          { label: "Blue", description: "calm", preview: "[ OK ]  ← a blue button" },
        ],
      },
      {
        question: "Which extras?",
        header: "Extras",
        multiSelect: true,
        options: [
          { label: "Tests", description: "unit tests" },
          { label: "Docs", description: "a README line" },
          { label: "Bench", description: "a benchmark" },
        ],
      },
    ];
    mock.enqueue(
      [
        { type: "text", text: "Two questions first." },
        { type: "tool", name: "AskUserQuestion", input: { questions } },
      ],
      [{ type: "text", text: "Painting it as you said." }],
    );
    await pairAndTakeControl(page, wrapper.link);
    await sendPrompt(page, "make me a button");

    const card = page.locator('[data-testid="approval"][data-kind="question"]');
    await card.waitFor({ timeout: 30_000 });
    const colour = card.getByRole("group", { name: "Which colour should the button be?" });
    const extras = card.getByRole("group", { name: "Which extras?" });
    expect(await colour.textContent()).toContain("warm and loud");
    const send = card.getByRole("button", { name: "Send answers" });
    expect(await send.isDisabled()).toBe(true); // nothing chosen yet
    expect(await colour.getByLabel("Preview: Blue").count()).toBe(0); // shown once picked
    await colour.getByRole("button", { name: /^Blue/ }).tap();
    expect(await colour.getByLabel("Preview: Blue").textContent()).toBe("[ OK ]  ← a blue button");
    await extras.getByRole("button", { name: /^Tests/ }).tap();
    await extras.getByRole("button", { name: /^Bench/ }).tap();
    expect(await extras.getByRole("button", { name: /^Bench/ }).getAttribute("aria-pressed")).toBe("true");
    await shot(page, "18-claude-question");
    await send.tap();

    await expect
      .poll(() => card.getByTestId("approval-result").textContent(), { timeout: 30_000 })
      .toContain("Answered");
    expect(await card.getByTestId("answers").textContent()).toContain("Tests, Bench");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("Painting it as you said.");
    // claude got the answers as the user's choice, not "the user did not answer"
    const toolResult = JSON.stringify(mock.requests.at(-1)?.body);
    expect(toolResult).toContain('\\"Which colour should the button be?\\"=\\"Blue\\"');
    expect(toolResult).toContain('\\"Which extras?\\"=\\"Tests, Bench\\"');
    // and the laptop showed the questions with numbered options
    expect(wrapper.proc.out).toContain("2) Blue — calm");
  });

  it("shows a plan in full before claude leaves plan mode; Go ahead lets it start", async () => {
    const plan = "# Fix the login bug\n\n1. Add a failing test\n2. Trim the token before comparing\n3. Run the suite";
    mock.enqueue(
      [{ type: "tool", name: "EnterPlanMode", input: {} }],
      [
        { type: "text", text: "Here is my plan." },
        { type: "tool", name: "ExitPlanMode", input: { plan } },
      ],
      [{ type: "text", text: "Starting with the failing test." }],
    );
    await sendPrompt(page, "plan the login fix");
    const card = page.locator('[data-testid="approval"][data-kind="plan"]');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByRole("figure", { name: "Plan" }).textContent()).toBe(plan);
    expect(await card.getByRole("button", { name: "Approve for this session" }).count()).toBe(0);
    await shot(page, "19-claude-plan");
    await card.getByRole("button", { name: "Go ahead" }).tap();
    await expect
      .poll(() => card.getByTestId("approval-result").textContent(), { timeout: 30_000 })
      .toContain("Going ahead");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("Starting with the failing test.");
    expect(JSON.stringify(mock.requests.at(-1)?.body)).toContain("You have exited plan mode");
    // the laptop printed the plan too
    expect(wrapper.proc.out).toContain("│ 2. Trim the token before comparing");
  });

  it("/mode plan from the phone: the laptop's answer shows on the phone, and claude plans before it changes anything", async () => {
    const plan = "# Rename the flag\n\n1. Rename it in config.ts\n2. Update the docs";
    mock.enqueue(
      [
        { type: "text", text: "My plan:" },
        { type: "tool", name: "ExitPlanMode", input: { plan } },
      ],
      [{ type: "text", text: "Renaming it now." }],
    );
    await sendPrompt(page, "/mode plan");
    const answer = page.locator('[data-testid="notice"][data-code="SLASH_RESULT"]').last();
    await expect.poll(() => answer.textContent(), { timeout: 15_000 }).toContain("mode: plan");
    await expect.poll(() => page.getByTestId("work-mode").textContent(), { timeout: 15_000 }).toBe("plan mode");
    const cards = page.locator('[data-testid="approval"][data-kind="plan"]');
    const before = await cards.count();
    await sendPrompt(page, "rename the flag");
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(before + 1);
    const card = cards.last();
    // claude shows its plan file (this session's, from the plan above: the scripted model does not
    // rewrite it), not the text the model passed: a plan card either way
    expect(await card.getByRole("figure", { name: "Plan" }).textContent()).toMatch(/^# /);
    expect(JSON.stringify(mock.requests.at(-1)?.body)).toMatch(/plan mode is active/i);
    await card.getByRole("button", { name: "Go ahead" }).tap();
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("Renaming it now.");
    // leaving plan mode: the badge goes
    await expect.poll(() => page.getByTestId("work-mode").count(), { timeout: 15_000 }).toBe(0);
    await shot(page, "23-claude-mode-plan");
  });

  it("a message typed while claude works joins its work: shown at once, read by claude, answered", async () => {
    mock.enqueue(
      [
        {
          type: "tool",
          name: "Bash",
          input: { command: "touch formatted && sleep 3 && echo formatted", description: "format" },
        },
      ],
      [{ type: "text", text: "Formatted, and switched to tabs." }],
    );
    await sendPrompt(page, "format the file");
    const card = page.locator('[data-testid="approval"][data-kind="command"]').last();
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole("button", { name: "Approve", exact: true }).tap();
    // the turn is running (Stop is shown); a typed message can still be sent
    await page.getByRole("button", { name: "Stop" }).waitFor();
    await page.locator("#prompt").fill("also, use tabs");
    await page.getByRole("button", { name: "Send prompt" }).tap();
    await expect.poll(() => page.getByTestId("user-message").last().textContent()).toContain("also, use tabs");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("Formatted, and switched to tabs.");
    expect(JSON.stringify(mock.requests.at(-1)?.body)).toContain("also, use tabs");
    expect(await page.getByTestId("error").count()).toBe(0);
  });

  it("shows the other tools claude runs (a file read) with what they did and their result", async () => {
    writeFileSync(join(workDir, "notes.txt"), "the relay forwards ciphertext only\n");
    mock.enqueue(
      [{ type: "tool", name: "Read", input: { file_path: join(workDir, "notes.txt") } }],
      [{ type: "text", text: "The notes say the relay forwards ciphertext only." }],
    );
    await sendPrompt(page, "what do the notes say?");
    const card = page.getByRole("article", { name: "Tool Read" }).last();
    await expect.poll(() => card.getAttribute("data-status"), { timeout: 30_000 }).toBe("completed");
    expect(await card.textContent()).toContain("notes.txt");
    await card.getByText("Result").tap();
    expect(await card.getByTestId("tool-output").textContent()).toContain("the relay forwards ciphertext only");
    await shot(page, "21-claude-tool-call");
  });

  it("shows claude's task list as one checklist that follows its progress", async () => {
    mock.enqueue(
      [
        { type: "tool", name: "TaskCreate", input: { subject: "Write the failing test", description: "first" } },
        { type: "tool", name: "TaskCreate", input: { subject: "Fix the parser", description: "then" } },
      ],
      [{ type: "tool", name: "TaskUpdate", input: { taskId: "1", status: "completed" } }],
      [{ type: "tool", name: "TaskUpdate", input: { taskId: "2", status: "in_progress" } }],
      [{ type: "text", text: "The test is written; fixing the parser next." }],
    );
    await sendPrompt(page, "plan the fix and start");
    const list = page.getByTestId("task-list").last();
    const statuses = () => list.getByTestId("task").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(["completed", "in_progress"]);
    expect(await list.textContent()).toContain("1 of 2 done");
    expect(await list.getByTestId("task").allTextContents()).toEqual([
      expect.stringContaining("Write the failing test"),
      expect.stringContaining("Fix the parser"),
    ]);
    expect(await page.getByRole("article", { name: /^Tool Task/ }).count()).toBe(0);
    await shot(page, "22-claude-task-list");
  });

  it("a turn claude starts by itself (a scheduled job falling due) shows its prompt as a scheduled task", async () => {
    mock.enqueue(
      [{ type: "tool", name: "CronCreate", input: { cron: "* * * * *", prompt: "check the build", recurring: false } }],
      [{ type: "text", text: "I will check at the next minute." }],
      [{ type: "text", text: "The build is green." }],
    );
    await sendPrompt(page, "check the build in a minute");
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("I will check at the next minute.");
    // the job falls due at the next minute boundary: claude runs its prompt with no message from anyone
    const scheduled = page.locator('[data-testid="user-message"][data-source="scheduled"]');
    await scheduled.waitFor({ timeout: 75_000 });
    expect(await scheduled.textContent()).toContain("check the build");
    expect(await scheduled.getByText("Scheduled task").isVisible()).toBe(true);
    await expect
      .poll(() => page.getByTestId("agent-text").last().textContent(), { timeout: 30_000 })
      .toContain("The build is green.");
    // the phone's own prompt is not labelled
    const typed = page.getByTestId("user-message").filter({ hasText: "check the build in a minute" });
    expect(await typed.getAttribute("data-source")).not.toBe("scheduled");
    expect(await typed.getByText("Scheduled task").count()).toBe(0);
    await shot(page, "24-claude-scheduled-task");
  }, 120_000);
});
