/**
 * The browser path: bundle the package entry for platform "browser" (as Vite/esbuild do for the
 * phone app), check no Node-only import is left, then load that bundle in Node and make it talk to
 * the Node build (node:crypto backend): pairing, both directions of sealed frames, same bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nodeBuild from "../src/index.ts";

type Protocol = typeof nodeBuild;
const entry = new URL("../src/index.ts", import.meta.url).pathname;
let dir = "";
let code = "";
let inputs: string[] = [];
let browser: Protocol;

beforeAll(async () => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["@codex-remote/source"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  code = result.outputFiles[0]?.text ?? "";
  inputs = Object.keys(result.metafile.inputs);
  dir = mkdtempSync(join(tmpdir(), "protocol-browser-"));
  const file = join(dir, "protocol.browser.mjs");
  writeFileSync(file, code);
  browser = (await import(pathToFileURL(file).href)) as Protocol;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("browser bundle", () => {
  it("contains no node: import and uses the noble backend", () => {
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).not.toMatch(/from\s*["']node:/);
    expect(code).not.toMatch(/require\(\s*["'](node:)?crypto["']\s*\)/);
    expect(code).not.toMatch(/import\s*\(\s*["']node:/);
    expect(inputs.some((p) => p.endsWith("crypto/aead-browser.ts"))).toBe(true);
    expect(inputs.some((p) => p.endsWith("crypto/aead-node.ts"))).toBe(false);
    expect(browser.platformBackend.name).toBe("noble");
    expect(nodeBuild.platformBackend.name).toBe("node");
  });

  it("a Vite production build with the phone app's resolve conditions has no node: import either", async () => {
    const output = await viteBuild({
      configFile: false,
      logLevel: "silent",
      root: dir,
      resolve: { conditions: ["@codex-remote/source", "browser", "module", "import", "default"] },
      build: {
        write: false,
        minify: false,
        lib: { entry, formats: ["es"], fileName: "protocol" },
      },
    });
    const results = Array.isArray(output) ? output : [output];
    const chunks = results.flatMap((r) => ("output" in r ? r.output : [])).filter((o) => o.type === "chunk");
    const text = chunks.map((c) => ("code" in c ? c.code : "")).join("\n");
    const modules = chunks.flatMap((c) => ("moduleIds" in c ? c.moduleIds : []));
    expect(text.length).toBeGreaterThan(10_000);
    expect(text).not.toMatch(/from\s*["']node:/);
    expect(text).not.toMatch(/["']node:crypto["']/);
    expect(modules.some((m) => m.endsWith("crypto/aead-browser.ts"))).toBe(true);
    expect(modules.some((m) => m.endsWith("crypto/aead-node.ts"))).toBe(false);
  }, 60_000);

  it("pairs a browser phone with a Node wrapper and exchanges frames both ways", () => {
    const laptop = nodeBuild.generateDeviceIdentity();
    const phoneIdentity = browser.generateDeviceIdentity();
    const pending = nodeBuild.createPairingOffer({ relayUrl: "ws://127.0.0.1:9/ws" });
    const offer = browser.parsePairingLink(pending.link());
    const phone = browser.respondToPairingOffer(offer, phoneIdentity);
    const response = nodeBuild.decodeHandshakeMessage(browser.encodeHandshakeMessage(phone.response));
    if (response.type !== "pairing_response") throw new Error("unexpected message");
    const wrapper = pending.accept(response, laptop);
    expect(phone.channel.backendName).toBe("noble");
    expect(wrapper.channel.backendName).toBe("node");
    expect(wrapper.sas).toBe(phone.sas);
    const accept = browser.decodeHandshakeMessage(nodeBuild.encodeHandshakeMessage(wrapper.accept));
    if (accept.type !== "pairing_accept") throw new Error("unexpected message");
    expect(phone.finish(accept)).toEqual(nodeBuild.publicIdentity(laptop));

    for (let i = 0; i < 20; i++) {
      const down = wrapper.channel.sealBinary({
        type: "terminal_output",
        streamId: 1,
        sequence: i,
        data: new Uint8Array(i * 777).fill(i),
      });
      const opened = phone.channel.openFrame(down);
      expect(opened.kind).toBe("binary");
      const up = phone.channel.sealControl({ type: "terminal_resize", sessionId: "s", cols: 80 + i, rows: 24 });
      expect(wrapper.channel.openFrame(up)).toEqual({
        kind: "control",
        sequence: i,
        frame: { type: "terminal_resize", sessionId: "s", cols: 80 + i, rows: 24 },
      });
    }
  });

  it("produces the same sealed bytes as the Node build for the same keys", () => {
    const ikm = new Uint8Array(32).fill(1);
    const th = new Uint8Array(32).fill(2);
    const sid = new Uint8Array(16).fill(3);
    const a = nodeBuild.createSecureChannel(nodeBuild.deriveSessionSecrets(ikm, th, sid), "phone");
    const b = browser.createSecureChannel(browser.deriveSessionSecrets(ikm, th, sid), "phone");
    for (const size of [0, 1, 63, 64, 1000, 70_000]) {
      const pt = new Uint8Array(size).map((_, i) => i * 31);
      expect(Array.from(b.seal("binary", pt))).toEqual(Array.from(a.seal("binary", pt)));
    }
  });
});
