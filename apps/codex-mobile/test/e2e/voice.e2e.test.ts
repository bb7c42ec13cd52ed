import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPhone } from "./browser.ts";

/**
 * The voice client in real Chromium (fake microphone): capture → 16 kHz Opus frames, playback of
 * reply frames, and barge-in (pressing the mic while the reply plays silences it at once). The app's
 * source is served by Vite's dev server to a one-line harness page.
 */
describe("voice client in headless Chromium", () => {
  let vite: ViteDevServer;
  let phone: Awaited<ReturnType<typeof launchPhone>>;
  let page: Page;

  beforeAll(async () => {
    vite = await createServer({
      root: resolve(import.meta.dirname, "../.."),
      configFile: resolve(import.meta.dirname, "../../vite.config.ts"),
      server: { port: 0, host: "127.0.0.1", hmr: false },
      logLevel: "error",
    });
    await vite.listen();
    phone = await launchPhone(["--autoplay-policy=no-user-gesture-required"]);
    page = phone.page;
    const url = vite.resolvedUrls?.local[0] ?? "http://127.0.0.1:5173/";
    await page.goto(`${url}test/browser/voice.html`);
    await page.locator("body[data-ready='1']").waitFor({ state: "attached", timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await phone?.close();
    await vite?.close();
  });

  it("captures Opus frames while held, plays a reply and stops it on barge-in", async () => {
    const r = await page.evaluate(async () => {
      const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
      type Frame = { codec: string; sampleRate: number; frameMs: number; data: Uint8Array };
      interface Io {
        state: string;
        codec: string | undefined;
        onState(cb: (s: string) => void): void;
        start(mode: string): Promise<void>;
        press(down: boolean): void;
        play(f: Frame): void;
        stop(): void;
      }
      const { createVoice } = (window as unknown as { voiceModule: { createVoice: (s: object) => Io } }).voiceModule;
      const frames: Frame[] = [];
      let bargeIns = 0;
      const states: string[] = [];
      const v = createVoice({ frame: (f: Frame) => frames.push(f), bargeIn: () => bargeIns++ });
      v.onState((s: string) => states.push(s));
      await v.start("hold");
      v.press(true);
      await sleep(1000);
      v.press(false);
      await sleep(200);
      const captured = frames.length;
      const codec = v.codec;
      const first = frames[0];
      // the reply: play the captured Opus frames back, as the laptop's voice engine would send them
      for (const f of frames.slice(0, 40)) v.play(f);
      const t0 = performance.now();
      while (v.state !== "speaking" && performance.now() - t0 < 3000) await sleep(10);
      const spoke = v.state === "speaking";
      await sleep(150);
      const t1 = performance.now();
      v.press(true); // barge-in: press while the agent speaks
      const silencedAfterMs = v.state === "speaking" ? -1 : performance.now() - t1;
      v.press(false);
      v.stop();
      return {
        captured,
        codec,
        sampleRate: first?.sampleRate,
        frameMs: first?.frameMs,
        avgBytes: frames.reduce((n, f) => n + f.data.length, 0) / Math.max(1, frames.length),
        spoke,
        silencedAfterMs,
        bargeIns,
        states,
      };
    });
    expect(r.codec).toBe("opus");
    expect(r.sampleRate).toBe(16_000);
    expect(r.frameMs).toBe(20);
    expect(r.captured).toBeGreaterThan(35); // ~1 s of 20 ms frames
    expect(r.avgBytes).toBeLessThan(200);
    expect(r.spoke).toBe(true);
    expect(r.silencedAfterMs).toBeGreaterThanOrEqual(0);
    expect(r.silencedAfterMs).toBeLessThan(50);
    expect(r.bargeIns).toBe(1);
    expect(r.states).toContain("sending");
  });

  it("hands-free: the VAD decides what to send, and speech over the reply barges in", async () => {
    const r = await page.evaluate(async () => {
      const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
      type Frame = { codec: string; sampleRate: number; frameMs: number; data: Uint8Array };
      interface Io {
        state: string;
        start(mode: string): Promise<void>;
        play(f: Frame): void;
        stop(): void;
      }
      const { createVoice } = (window as unknown as { voiceModule: { createVoice: (s: object) => Io } }).voiceModule;
      const sent: Frame[] = [];
      let bargeIns = 0;
      const v = createVoice({ frame: (f: Frame) => sent.push(f), bargeIn: () => bargeIns++ });
      await v.start("handsfree");
      await sleep(2500);
      const sentHandsFree = sent.length;
      // a 4 s reply made of the mic's own frames; the fake mic beeps about once a second
      const reply = sent.slice(0, 50);
      for (let i = 0; i < 4; i++) for (const f of reply) v.play(f);
      const t0 = performance.now();
      while (v.state !== "speaking" && performance.now() - t0 < 3000) await sleep(10);
      const spoke = v.state === "speaking";
      while (v.state === "speaking" && performance.now() - t0 < 6000) await sleep(10);
      const playedMs = performance.now() - t0;
      v.stop();
      return { sentHandsFree, spoke, playedMs, bargeIns };
    });
    // hands-free sends only from the VAD's speech onset on (plus 200 ms of pre-roll), never the silence before
    expect(r.sentHandsFree).toBeGreaterThan(0);
    expect(r.sentHandsFree).toBeLessThan(125);
    expect(r.spoke).toBe(true);
    expect(r.bargeIns).toBeGreaterThanOrEqual(1);
    expect(r.playedMs).toBeLessThan(3500); // cut short of the 4 s reply by speech
  });
});
