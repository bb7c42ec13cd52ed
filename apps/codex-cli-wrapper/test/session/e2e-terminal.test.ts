import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTerminalBackend } from "../../src/backends/factory.ts";
import { openLaptopKeys } from "../../src/keys/identity.ts";
import { SessionHost } from "../../src/session/host.ts";
import { RelayTransport } from "../../src/session/relay-transport.ts";
import { tempConfigDir } from "../helpers/cli.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { type RelayProcess, startRelayProcess } from "../helpers/relay-process.ts";

describe("shell agent in a PTY mirrored to a phone through a real relay process", () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await startRelayProcess({ configDir: tempConfigDir() });
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it("repaints a late phone from a snapshot, mirrors output, and takes keys only from the controller", async () => {
    const { keys, identity } = openLaptopKeys(tempConfigDir());
    const transport = new RelayTransport({
      url: relay.url,
      identity,
      keys,
      name: "laptop",
      reconnect: { initialMs: 50, maxMs: 300 },
    });
    const terminal = await createTerminalBackend("shell", {
      command: "/bin/bash",
      args: ["--norc", "--noprofile"],
      env: { PS1: "sh$ " },
    });
    let local = "";
    const host = new SessionHost({
      sessionId: "s-term",
      controlGrant: "auto",
      agent: "shell",
      terminal,
      transport,
      keys,
      view: { event: () => {}, notice: () => {}, terminalOutput: (b) => (local += Buffer.from(b).toString("utf8")) },
    });
    host.attach();
    transport.start();
    await transport.ready();
    await terminal.start({ cwd: tmpdir(), cols: 80, rows: 24 });
    const phone = new ScriptedPhone("term-phone");
    try {
      // Output from before the phone existed reaches it as a snapshot of the screen.
      host.localKeys("echo early-$((20+1))\r");
      const waitLocal = async (s: string) => {
        const end = Date.now() + 10_000;
        while (!local.includes(s)) {
          if (Date.now() > end) throw new Error(`local terminal never showed ${s}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await waitLocal("early-21");
      const ticket = await transport.pair();
      await phone.pair(ticket.link);
      await phone.waitFor(() => phone.terminalText().includes("early-21"), 10_000, "snapshot with earlier output");
      expect(phone.frames.some((f) => f.type === "terminal_resize" && f.cols === 80)).toBe(true);

      // Live output is mirrored byte for byte.
      host.localKeys("printf '\\033[1;31mred\\033[0m mirrored-%s\\n' $((6*7))\r");
      await phone.waitFor(
        () => phone.terminalText().includes("\u001b[1;31mred\u001b[0m mirrored-42"),
        10_000,
        "mirrored bytes",
      );

      // Keys from a phone not in control do not reach the PTY.
      phone.typeKeys("echo not-in-control\r");
      await phone.waitFor(() => phone.dropped.length > 0, 5000, "relay drop");
      expect(local).not.toContain("not-in-control");

      // In control, the phone types into the laptop's terminal.
      await phone.requestControl();
      await phone.waitFor(() => phone.controller === phone.deviceId, 5000, "control");
      phone.typeKeys("echo from-phone-$((1+1))\r");
      await waitLocal("from-phone-2");
      await phone.waitFor(() => phone.terminalText().includes("from-phone-2"), 10_000, "echo mirrored back");
    } finally {
      phone.close();
      await host.close();
      await terminal.close();
      await transport.close();
    }
  }, 90_000);
});

describe("output flood in the shell agent with a phone attached", () => {
  it("never holds the local terminal back and brings the phone to the final screen with a snapshot", async () => {
    const relay = await startRelayProcess({ configDir: tempConfigDir() });
    const { keys, identity } = openLaptopKeys(tempConfigDir());
    const transport = new RelayTransport({ url: relay.url, identity, keys, name: "laptop" });
    const terminal = await createTerminalBackend("shell", {
      command: "/bin/bash",
      args: ["--norc", "--noprofile"],
      env: { PS1: "sh$ " },
    });
    let local = "";
    const host = new SessionHost({
      sessionId: "s-flood",
      controlGrant: "auto",
      agent: "shell",
      terminal,
      transport,
      keys,
      terminalBytesPerSecond: 64 * 1024, // a small budget, so the flood surely exceeds it
      view: { event: () => {}, notice: () => {}, terminalOutput: (b) => (local += Buffer.from(b).toString("latin1")) },
    });
    host.attach();
    transport.start();
    await transport.ready();
    await terminal.start({ cwd: tmpdir(), cols: 80, rows: 24 });
    const phone = new ScriptedPhone("flood-phone");
    try {
      const ticket = await transport.pair();
      await phone.pair(ticket.link);
      host.localKeys("seq 1 300000; echo FLOOD-$((40+2))\r");
      const end = Date.now() + 20_000;
      while (!local.includes("FLOOD-42")) {
        if (Date.now() > end) throw new Error("local terminal did not get the whole flood");
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(local).toContain("\r\n300000\r\n");
      await phone.waitForScreen("FLOOD-42");
      const screen = await phone.screen();
      expect(screen).toContain("299999");
      expect(host.mirror!.stats.droppedBytes).toBeGreaterThan(0);
      expect(host.mirror!.stats.snapshots).toBeGreaterThanOrEqual(2);
    } finally {
      phone.close();
      await host.close();
      await terminal.close();
      await transport.close();
      await relay.stop();
    }
  }, 90_000);
});
