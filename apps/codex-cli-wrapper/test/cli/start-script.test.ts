import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PKG, tempConfigDir } from "../helpers/cli.ts";

describe("npm start without a terminal (CI)", () => {
  it("says what it would do, runs the relay + a demo turn briefly, and exits 0 without waiting for input", async () => {
    const script = join(PKG, "..", "..", "scripts", "start.ts");
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, CI: "true", CODEX_REMOTE_CONFIG_DIR: tempConfigDir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("exit", (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    expect(code, out).toBe(0);
    expect(out).toContain("codex-remote --relay <that relay> --pair");
    expect(out).toMatch(/relay \/healthz: HTTP 200/);
    expect(out).toMatch(/demo turn: exit 0, \d+ agent events/);
  }, 90_000);
});
