import { afterEach, describe, expect, it } from "vitest";
import { pinnedAgent } from "../../src/backends/resolve-binary.ts";
import { HandoffSession } from "../../src/backends/terminal/handoff.ts";
import { openLaptopKeys } from "../../src/keys/identity.ts";
import { HandoffBackend } from "../../src/session/handoff-backend.ts";
import { SessionHost } from "../../src/session/host.ts";
import { RelayTransport } from "../../src/session/relay-transport.ts";
import { waitForScreen } from "../backends/terminal-helpers.ts";
import { makeCodexHome } from "../fixtures/codex-home.ts";
import { inputTexts, startResponsesMock } from "../fixtures/responses-mock.ts";
import { tempConfigDir } from "../helpers/cli.ts";
import { ScriptedPhone } from "../helpers/phone.ts";
import { startRelayProcess } from "../helpers/relay-process.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("real codex TUI on the laptop, prompted from a phone through a real relay process", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it("mirrors the TUI, moves the conversation to the phone's prompt, and back on a laptop key", async () => {
    const relay = await startRelayProcess({ configDir: tempConfigDir() });
    cleanups.push(() => relay.stop());
    const mock = await startResponsesMock();
    cleanups.push(() => mock.close());
    const { cwd, env } = makeCodexHome(mock.port);
    mock.enqueue([{ type: "text", text: "local answer one" }], [{ type: "text", text: "phone answer two" }]);
    const handoff = new HandoffSession({
      agent: "codex",
      cwd,
      cols: 110,
      rows: 32,
      approvalPolicy: "ask",
      process: { env, binary: pinnedAgent("codex")!.prefixArgs[0]! },
    });
    const backend = new HandoffBackend(handoff, "codex");
    const { keys, identity } = openLaptopKeys(tempConfigDir());
    const transport = new RelayTransport({ url: relay.url, identity, keys, name: "laptop" });
    const host = new SessionHost({
      sessionId: "s-handoff",
      controlGrant: "auto",
      agent: "codex",
      backend,
      terminal: handoff.terminal,
      transport,
      keys,
      localKeys: (d) => handoff.localInput(d),
      view: { event: () => {}, notice: () => {} },
    });
    cleanups.push(async () => {
      await host.close();
      await backend.close();
      await transport.close();
    });
    host.attach();
    transport.start();
    await transport.ready();
    await backend.start({ cwd, approvalPolicy: "ask" });
    await waitForScreen(handoff.terminal, "Ask Codex");

    const phone = new ScriptedPhone("handoff-phone");
    cleanups.push(async () => phone.close());
    const ticket = await transport.pair();
    await phone.pair(ticket.link);

    // The laptop types into the real TUI; the phone sees the TUI's screen.
    for (const ch of "first local prompt") host.localKeys(ch);
    await waitForScreen(handoff.terminal, "first local prompt");
    await sleep(250);
    host.localKeys("\r");
    await waitForScreen(handoff.terminal, "local answer one");
    await phone.waitForScreen("local answer one");

    // The phone takes control and prompts: same thread, now structured, events to the phone.
    await phone.requestControl();
    await phone.waitFor(() => phone.controller === phone.deviceId, 5000, "control");
    phone.prompt("phone prompt two");
    const done = await phone.waitForEvent("turn_completed");
    expect(done.kind).toBe("turn_completed");
    expect(handoff.mode).toBe("structured");
    const texts = phone.events
      .filter((e) => e.event.kind === "text_completed")
      .map((e) => (e.event as { text: string }).text);
    expect(texts).toContain("phone answer two");
    expect(inputTexts(mock.requests[1]!)).toEqual(
      expect.arrayContaining(["first local prompt", "local answer one", "phone prompt two"]),
    );

    // A key on the laptop: control back to the laptop and the conversation back in the real TUI.
    host.localKeys("x");
    await waitForScreen(handoff.terminal, "phone answer two", 30_000);
    expect(handoff.mode).toBe("tui");
    expect(host.controller).toEqual({ kind: "local" });
  }, 90_000);
});
