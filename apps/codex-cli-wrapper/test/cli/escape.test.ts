import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { createTerminalBackend } from "../../src/backends/factory.ts";
import { withCommandEscape } from "../../src/cli/escape.ts";
import { SessionHost } from "../../src/session/host.ts";

describe("Ctrl-] command line in a terminal session", () => {
  it("passes keys to the PTY and runs slash commands typed after Ctrl-]", async () => {
    const terminal = await createTerminalBackend("shell", { command: "/bin/bash", args: ["--norc", "--noprofile"] });
    let local = "";
    const host = new SessionHost({
      sessionId: "s-esc",
      agent: "shell",
      terminal,
      view: { event: () => {}, notice: () => {}, terminalOutput: (b) => (local += Buffer.from(b).toString()) },
    });
    host.attach();
    await terminal.start({ cwd: tmpdir(), cols: 80, rows: 24 });
    let shown = "";
    const onData = withCommandEscape(host, (t) => (shown += t));
    try {
      onData(Buffer.from("echo passed-$((2*3))\r"));
      const end = Date.now() + 10_000;
      while (!local.includes("passed-6") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(local).toContain("passed-6");
      onData(Buffer.from("\x1dstatus\r"));
      onData(Buffer.from("\x1dpairx\x7f\r"));
      onData(Buffer.from("\x1dnope\x1b"));
      await new Promise((r) => setTimeout(r, 100));
      expect(shown).toContain("codex-remote> /status");
      expect(shown).toContain("agent: shell");
      expect(shown).toContain("control: laptop");
      expect(shown, JSON.stringify(shown)).toContain("[PAIRING_FAILED]"); // /pair without a relay
      expect(shown).toContain("(cancelled)");
      expect(local).not.toContain("status");
    } finally {
      await host.close();
      await terminal.close();
    }
  });
});
