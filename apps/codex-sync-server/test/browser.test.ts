import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateWebCryptoIdentity } from "@codex-remote/protocol/relay";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { client, indexOf, payload, relay, tempDir, token, until } from "./helpers.ts";

const RELAY_ENTRY = fileURLToPath(new URL("../../../packages/protocol/src/relay/index.ts", import.meta.url));

describe("RelayClient in a real browser (Chromium)", () => {
  it("authenticates with WebCrypto Ed25519, hosts a room, streams to a Node phone and resumes after a drop", async () => {
    const dir = tempDir("relay-browser-");
    // the browser build of @codex-remote/protocol/relay: no Node built-ins may be needed
    await build({
      entryPoints: [RELAY_ENTRY],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2023",
      conditions: ["@codex-remote/source"],
      outfile: join(dir, "relay.js"),
      logLevel: "silent",
    });
    writeFileSync(
      join(dir, "index.html"),
      '<!doctype html><title>relay test</title><script type="module">import * as m from "/relay.js"; globalThis.relayLib = m;</script>',
    );
    const r = await relay({ staticDir: dir });
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${r.httpUrl}/index.html`);
      await page.waitForFunction(() => "relayLib" in globalThis);
      const t = token();
      const room = "browser-room";
      const hostId = await page.evaluate(
        async ({ url, room, t }) => {
          // biome-ignore lint/suspicious/noExplicitAny: the browser build, typed loosely on purpose
          const m = (globalThis as any).relayLib;
          const id = await m.generateWebCryptoIdentity();
          const c = new m.RelayClient({
            url,
            identity: id,
            register: { kind: "host", name: "browser" },
            reconnect: { initialMs: 20, maxMs: 200 },
          });
          const got: number[] = [];
          c.on("frame", (f: { payload: Uint8Array }) => {
            got.push(new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0));
          });
          Object.assign(globalThis, { c, got });
          await c.connect();
          await c.openRoom(room);
          await c.openPairing(room, t, 60_000);
          await c.join(room);
          return c.deviceId as string;
        },
        { url: r.url, room, t },
      );
      const phone = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "phone", name: "node" } });
      await phone.connect();
      expect((await phone.claimPairing(room, t, "node")).host).toBe(hostId);
      await phone.join(room);
      const fromBrowser: number[] = [];
      phone.on("frame", (f) => fromBrowser.push(indexOf(f.payload)));

      await page.evaluate(async (room) => {
        const g = globalThis as unknown as {
          c: { send(r: string, k: string, p: Uint8Array): void; flushed(): Promise<void> };
        };
        for (let i = 0; i < 200; i++) {
          const b = new Uint8Array(64);
          new DataView(b.buffer).setUint32(0, i);
          g.c.send(room, "output", b);
        }
        await g.c.flushed();
      }, room);
      await until(() => fromBrowser.length === 200, 20_000, "browser frames");
      expect(fromBrowser).toEqual([...Array(200).keys()]);

      // phone → browser, with the browser's connection dropped in the middle
      for (let i = 0; i < 50; i++) phone.send(room, "control", payload(i));
      await page.evaluate(() => (globalThis as unknown as { c: { dropConnection(): void } }).c.dropConnection());
      for (let i = 50; i < 100; i++) phone.send(room, "control", payload(i));
      await phone.flushed();
      const browserGot = async () => page.evaluate(() => (globalThis as unknown as { got: number[] }).got.slice());
      for (let i = 0; i < 200 && (await browserGot()).length < 100; i++)
        await new Promise((res) => setTimeout(res, 50));
      expect(await browserGot()).toEqual([...Array(100).keys()]);
      phone.close();
    } finally {
      await browser.close();
      await r.close();
    }
  }, 120_000);
});
