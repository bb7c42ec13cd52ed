import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { ConfigError, loadConfig } from "../src/config.ts";
import { relay, tempDir } from "./helpers.ts";

describe("config from env and flags", () => {
  it("defaults, env, then flags (flags win)", () => {
    const c = loadConfig(
      { CODEX_RELAY_PORT: "9000", CODEX_RELAY_STORE: "memory", CODEX_RELAY_MAX_FRAME_BYTES: "2048" },
      ["--port", "9100", "--retention-frames=10"],
    );
    expect(c.port).toBe(9100);
    expect(c.store).toBe("memory");
    expect(c.maxFrameBytes).toBe(2048);
    expect(c.retentionFrames).toBe(10);
    expect(c.host).toBe("127.0.0.1");
    expect(loadConfig({}, []).store).toBe("sqlite");
  });

  it("names every bad value and where it came from", () => {
    let err: unknown;
    try {
      loadConfig({ CODEX_RELAY_PORT: "70000", CODEX_RELAY_STORE: "mongo" }, [
        "--max-frame-bytes",
        "abc",
        "--nope",
        "1",
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toContain("--nope: unknown flag");
    try {
      loadConfig({ CODEX_RELAY_PORT: "70000", CODEX_RELAY_STORE: "mongo", CODEX_RELAY_REDIS_URL: "http://x" }, [
        "--max-frame-bytes",
        "abc",
      ]);
    } catch (e) {
      err = e;
    }
    const issues = (err as ConfigError).issues.join("\n");
    expect(issues).toMatch(/CODEX_RELAY_PORT: /);
    expect(issues).toMatch(/CODEX_RELAY_STORE: /);
    expect(issues).toMatch(/CODEX_RELAY_REDIS_URL: must start with redis:\/\//);
    expect(issues).toMatch(/--max-frame-bytes: /);
  });
});

describe("static serving of the built mobile app", () => {
  it("serves files, falls back to index.html, refuses path escapes", async () => {
    const dir = tempDir("relay-static-");
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
    const r = await relay({ staticDir: dir });
    try {
      const js = await fetch(`${r.httpUrl}/assets/app.js`);
      expect(js.headers.get("content-type")).toMatch(/javascript/);
      expect(await js.text()).toBe("console.log(1)");
      expect(await (await fetch(`${r.httpUrl}/sessions/abc`)).text()).toMatch(/<title>app/);
      expect((await fetch(`${r.httpUrl}/%2e%2e/%2e%2e/etc/passwd`)).status).not.toBe(500);
      expect(await (await fetch(`${r.httpUrl}/%2e%2e/%2e%2e/etc/passwd`)).text()).not.toMatch(/root:/);
      expect((await fetch(`${r.httpUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${r.httpUrl}/vapid-public-key`)).status).toBe(404);
    } finally {
      await r.close();
    }
  });

  it("publishes its Web Push public key where the app looks for it", async () => {
    const dir = tempDir("relay-static-");
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
    const vapid = webpush.generateVAPIDKeys();
    const publicKey = vapid.publicKey;
    const r = await relay({
      staticDir: dir,
      vapidPublicKey: publicKey,
      vapidPrivateKey: vapid.privateKey,
      vapidSubject: "mailto:ops@example.invalid",
    });
    try {
      const res = await fetch(`${r.httpUrl}/vapid-public-key`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(publicKey);
      expect(await (await fetch(`${r.httpUrl}/sessions/abc`)).text()).toMatch(/<title>app/);
    } finally {
      await r.close();
    }
  });
});
