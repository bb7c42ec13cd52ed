import { createRequire } from "node:module";
import type * as XtermHeadless from "@xterm/headless";
import { afterEach, describe, expect, it } from "vitest";
import { createTerminalBackend } from "../../src/backends/factory.ts";
import type { PtyBackend } from "../../src/backends/terminal/pty-backend.ts";
import type { TerminalExit } from "../../src/backends/types.ts";
import { waitForScreen } from "./terminal-helpers.ts";

const { Terminal } = createRequire(import.meta.url)("@xterm/headless") as typeof XtermHeadless;

describe("shell backend (a program in a PTY, mirrored)", () => {
  let term: PtyBackend | undefined;
  afterEach(async () => {
    await term?.close();
  });

  it("passes raw bytes both ways and keeps a headless screen whose snapshot repaints it", async () => {
    term = (await createTerminalBackend("shell", {
      command: "/bin/bash",
      args: ["--norc", "--noprofile"],
      env: { PS1: "shell$ " },
    })) as PtyBackend;
    const chunks: Uint8Array[] = [];
    term.onOutput((b) => chunks.push(b));
    await term.start({ cwd: "/tmp", cols: 80, rows: 24 });
    expect(term.running).toBe(true);
    term.write("printf '\\033[1;31mred\\033[0m mirrored-%s\\n' $((6*7))\r");
    await waitForScreen(term, "red mirrored-42");
    const raw = Buffer.concat(chunks).toString("utf8");
    expect(raw).toContain("\u001b[1;31mred\u001b[0m mirrored-42"); // the program's bytes, untouched

    const snap = await term.settledSnapshot();
    expect(snap.cols).toBe(80);
    expect(snap.lines.some((l) => l.includes("red mirrored-42"))).toBe(true);
    // a phone joining late paints the snapshot on an empty terminal and sees the same screen
    const phone = new Terminal({ cols: snap.cols, rows: snap.rows, allowProposedApi: true });
    await new Promise<void>((resolve) => phone.write(snap.data, resolve));
    const painted: string[] = [];
    for (let y = 0; y < phone.rows; y++) {
      painted.push(phone.buffer.active.getLine(phone.buffer.active.viewportY + y)?.translateToString(true) ?? "");
    }
    expect(painted).toEqual(snap.lines);
    expect(
      phone.buffer.active
        .getLine(phone.buffer.active.viewportY + snap.lines.findIndex((l) => l.includes("red mirrored")))!
        .getCell(0)!
        .getFgColor(),
    ).toBe(1);
    phone.dispose();
  });

  it("resizes the program's terminal and reports the program's own exit", async () => {
    term = (await createTerminalBackend("shell", {
      command: "/bin/bash",
      args: ["--norc", "--noprofile"],
    })) as PtyBackend;
    await term.start({ cwd: "/tmp", cols: 80, rows: 24 });
    term.resize(100, 30);
    term.write("echo size=$(tput cols)x$(tput lines)\r");
    await waitForScreen(term, "size=100x30");
    expect(term.snapshot().cols).toBe(100);
    const exited = new Promise<TerminalExit>((resolve) => term!.onExit(resolve));
    term.write("exit 3\r");
    expect((await exited).exitCode).toBe(3);
    expect(term.running).toBe(false);
  });
});
