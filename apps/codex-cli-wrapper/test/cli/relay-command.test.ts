import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempConfigDir } from "../helpers/cli.ts";
import { startRelayProcess } from "../helpers/relay-process.ts";

describe("codex-remote relay", () => {
  it("serves the relay and the phone app's files from one process", async () => {
    const app = mkdtempSync(join(tmpdir(), "cr-app-"));
    writeFileSync(join(app, "index.html"), "<!doctype html><title>codex-remote app</title>");
    const relay = await startRelayProcess({ configDir: tempConfigDir(), staticDir: app });
    try {
      const base = relay.url.replace(/^ws/, "http").replace(/\/v1\/relay$/, "");
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("codex-remote app");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await relay.stop();
    }
  });
});
