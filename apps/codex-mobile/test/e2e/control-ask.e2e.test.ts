import { spawn } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone, shot } from "./browser.ts";
import { appLink, Proc, type Relay, startRelay, tempDir, WRAPPER_BIN } from "./procs.ts";

const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\x1b\][^\x07]*\x07/g, "");
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The laptop's default `control.grant = ask`, driven from the app: the wrapper runs in a real
 * terminal (a pty through util-linux `script`), the phone taps "Take control", the question shows in
 * the laptop's terminal and the key typed there decides.
 */
describe("phone app asks the laptop for control (the default: ask in the laptop's terminal)", () => {
  let relay: Relay;
  let laptop: Proc;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;
  const screen = () => plain(laptop.out);

  async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out: ${what}\n${screen().slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    relay = await startRelay({ dataDir: tempDir("cm-relay-") });
    const workDir = tempDir("cm-work-");
    const cmd = [process.execPath, WRAPPER_BIN, "--agent", "demo", "--relay", relay.url, "--pair", "--cwd", workDir]
      .map(quote)
      .join(" ");
    const child = spawn("script", ["-qfec", `stty cols 160 rows 50; exec ${cmd}`, "/dev/null"], {
      cwd: workDir,
      env: { ...process.env, XDG_CONFIG_HOME: tempDir("cm-laptop-"), NO_COLOR: "1", TERM: "xterm-256color" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    laptop = new Proc(child);
    phone = await launchPhone();
    page = phone.page;
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await laptop?.stop();
    await relay?.proc.stop();
  });

  it("pairs, asks, and the laptop's 'y' grants control; a later 'n' refuses it", async () => {
    await until(() => /#s=[A-Za-z0-9_-]+/.test(screen()), "pairing link");
    const link = /(https?:\/\/\S+#s=[A-Za-z0-9_-]+|codex-remote:\/\/pair\S+#s=[A-Za-z0-9_-]+)/.exec(screen())![1]!;
    await page.goto(appLink(relay, link));
    await page.getByRole("button", { name: "They match" }).tap({ timeout: 15_000 });
    await page.getByRole("button", { name: "See sessions" }).tap();
    await page.getByTestId("session-row").tap({ timeout: 15_000 });
    const banner = page.getByTestId("control-banner");
    await banner.waitFor();

    // the phone asks; the laptop's terminal shows the question and the app waits for the answer
    await page.getByRole("button", { name: "Take control" }).tap();
    await until(() => screen().includes("asks for control: allow? [y/N]"), "the question in the laptop's terminal");
    await expect.poll(() => banner.getAttribute("data-control")).toBe("requested");
    await shot(page, "control-ask-1-waiting");
    laptop.child.stdin?.write("y\r");
    await expect.poll(() => banner.getAttribute("data-control"), { timeout: 10_000 }).toBe("granted");

    // given back, asked again, and refused at the laptop this time
    await page.getByRole("button", { name: "Release" }).tap();
    await expect.poll(() => banner.getAttribute("data-control"), { timeout: 10_000 }).not.toBe("granted");
    const asked = screen().split("asks for control").length;
    await page.getByRole("button", { name: "Take control" }).tap();
    await until(() => screen().split("asks for control").length > asked, "the second question");
    laptop.child.stdin?.write("n\r");
    await expect.poll(() => banner.getAttribute("data-control"), { timeout: 10_000 }).toBe("refused");
    await shot(page, "control-ask-2-refused");
  }, 90_000);
});
