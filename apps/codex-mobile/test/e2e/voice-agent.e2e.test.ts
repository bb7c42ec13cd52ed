import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, pairAndTakeControl, sendPrompt, shot } from "./browser.ts";
import { type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";

/**
 * Talking to the agent from the app: Chromium's fake microphone plays "approve" spoken by espeak-ng;
 * the app holds to talk and sends Opus frames; the wrapper's voice bridge (pocketsphinx, offline)
 * hears the command and answers the pending approval for this phone.
 */
describe("voice from the app to the wrapper's voice engine", () => {
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;

  beforeAll(async () => {
    const dir = tempDir("cm-speech-");
    const raw = join(dir, "approve-raw.wav");
    const wav = join(dir, "approve.wav");
    const tts = spawnSync("espeak-ng", ["-w", raw, "approve"]);
    if (tts.status !== 0) throw new Error(`espeak-ng failed: ${tts.stderr}`);
    // 0.3 s of silence before the word and 3 s after, so the looping fake microphone says it once
    const pad = spawnSync("sox", [raw, "-r", "48000", "-b", "16", wav, "pad", "0.3", "3"]);
    if (pad.status !== 0) throw new Error(`sox failed: ${pad.stderr}`);
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    wrapper = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-") });
    phone = await launchPhone([`--use-file-for-fake-audio-capture=${wav}`]);
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
  });

  it('"approve" said into the phone answers the pending approval', async () => {
    const page = phone.page;
    await pairAndTakeControl(page, wrapper.link);
    await sendPrompt(page, "run your command");
    const approval = page.locator('[data-testid="approval"][data-kind="command"]');
    await approval.waitFor({ timeout: 30_000 });
    const talk = page.getByTestId("talk");
    const box = (await talk.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await new Promise((r) => setTimeout(r, 1800));
    await page.mouse.up();
    await expect.poll(() => approval.getAttribute("data-decision"), { timeout: 30_000 }).toBe("accept");
    expect(await approval.getByTestId("approval-result").textContent()).toContain("by this phone");
    await wrapper.proc.waitFor(/voice: heard "approve"/, 10_000);
    await shot(page, "17-voice-approve");
  });
});
