import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { type Relay, startRelay, startWrapper, tempDir, type Wrapper } from "./procs.ts";
import { writeQrVideo } from "./qr-video.ts";

/**
 * Pairing by scanning: Chromium's fake camera plays a video of the QR code the wrapper printed; the
 * app's scanner (jsQR here: Linux Chromium has no BarcodeDetector) reads it and pairs.
 */
describe("pairing by scanning the laptop's QR code with the camera", () => {
  let relay: Relay;
  let wrapper: Wrapper;
  let phone: Awaited<ReturnType<typeof launchPhone>>;

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    wrapper = await startWrapper({ relayUrl: relay.url, agent: "demo", configDir: tempDir("cm-laptop-") });
    const video = join(tempDir("cm-camera-"), "qr.y4m");
    writeQrVideo(video, wrapper.link);
    phone = await launchPhone([`--use-file-for-fake-video-capture=${video}`]);
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await wrapper?.proc.stop();
    await relay?.proc.stop();
  });

  it("scans the QR code and shows the laptop's six digits", async () => {
    const page = phone.page;
    await page.goto(`${relay.httpUrl}#/pair`);
    await page.getByRole("button", { name: "Scan QR code" }).tap();
    const sas = page.getByTestId("sas");
    await sas.waitFor({ timeout: 20_000 });
    const shown = await wrapper.proc.waitFor(/show (\d{3}) ?(\d{3})/);
    expect((await sas.textContent())!.replace(/\D/g, "").slice(-6)).toBe(`${shown[1]}${shown[2]}`);
    await page.getByRole("button", { name: "They match" }).tap();
    await page.getByTestId("paired").waitFor();
    await shot(page, "00-paired-by-scan");
  });
});
