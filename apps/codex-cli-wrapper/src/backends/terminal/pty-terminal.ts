import { createRequire } from "node:module";
import type * as SerializeAddonModule from "@xterm/addon-serialize";
import type * as XtermHeadless from "@xterm/headless";
import type * as NodePty from "node-pty";
import { BackendError } from "../errors.ts";
import { mergeEnv } from "../json-lines-process.ts";
import type { TerminalExit, TerminalSnapshot, Unsubscribe } from "../types.ts";

// CommonJS packages; loaded through require so the typings and Node's resolution agree.
const require = createRequire(import.meta.url);
const { Terminal } = require("@xterm/headless") as typeof XtermHeadless;
const { SerializeAddon } = require("@xterm/addon-serialize") as typeof SerializeAddonModule;
const pty = require("node-pty") as typeof NodePty;

export interface PtySpawnOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  cols: number;
  rows: number;
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Answer the program's terminal queries (cursor position, device attributes) from the headless
   * mirror. True when no real terminal is attached; a session host that also shows the program on
   * the user's terminal sets it false, since that terminal answers.
   */
  answerQueries?: boolean;
  scrollback?: number;
}

/**
 * A program in a pseudo-terminal (node-pty), mirrored into a headless xterm so a snapshot of the
 * screen is always at hand. Output listeners get the raw bytes exactly as the program wrote them.
 */
export class PtyTerminal {
  readonly #pty: NodePty.IPty;
  readonly #term: XtermHeadless.Terminal;
  readonly #serialize: SerializeAddonModule.SerializeAddon;
  readonly #output = new Set<(bytes: Uint8Array) => void>();
  readonly #exitListeners = new Set<(exit: TerminalExit) => void>();
  #exit: TerminalExit | undefined;
  readonly exited: Promise<TerminalExit>;

  constructor(opts: PtySpawnOptions) {
    this.#term = new Terminal({
      cols: opts.cols,
      rows: opts.rows,
      scrollback: opts.scrollback ?? 1000,
      allowProposedApi: true,
    });
    this.#serialize = new SerializeAddon();
    this.#term.loadAddon(this.#serialize);
    try {
      this.#pty = pty.spawn(opts.command, [...opts.args], {
        name: "xterm-256color",
        cols: opts.cols,
        rows: opts.rows,
        cwd: opts.cwd,
        env: mergeEnv({ TERM: "xterm-256color", COLORTERM: "truecolor", ...opts.env }) as Record<string, string>,
        encoding: null,
      });
    } catch (cause) {
      this.#term.dispose();
      throw new BackendError("spawn_failed", `could not start ${opts.command} in a terminal`, { cause });
    }
    if (opts.answerQueries ?? true) {
      this.#term.onData((data) => {
        if (!this.#exit) this.#pty.write(data);
      });
    }
    this.#pty.onData((data: string | Buffer) => {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      this.#term.write(bytes);
      for (const listener of this.#output) listener(bytes);
    });
    this.exited = new Promise<TerminalExit>((resolve) => {
      this.#pty.onExit(({ exitCode, signal }) => {
        const exit: TerminalExit = { exitCode };
        if (signal) exit.signal = signal;
        this.#exit = exit;
        for (const listener of this.#exitListeners) listener(exit);
        resolve(exit);
      });
    });
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  get pid(): number {
    return this.#pty.pid;
  }

  onOutput(listener: (bytes: Uint8Array) => void): Unsubscribe {
    this.#output.add(listener);
    return () => this.#output.delete(listener);
  }

  onExit(listener: (exit: TerminalExit) => void): Unsubscribe {
    if (this.#exit) {
      listener(this.#exit);
      return () => {};
    }
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  write(data: string | Uint8Array): void {
    if (this.#exit) return;
    this.#pty.write(typeof data === "string" ? data : Buffer.from(data));
  }

  resize(cols: number, rows: number): void {
    if (this.#exit) return;
    this.#pty.resize(cols, rows);
    this.#term.resize(cols, rows);
  }

  /** The mirror's screen once every byte received so far has been parsed. */
  async snapshot(): Promise<TerminalSnapshot> {
    await new Promise<void>((resolve) => this.#term.write("", resolve));
    return this.snapshotNow();
  }

  /** The mirror's screen now (bytes still queued in the parser are not in it yet). */
  snapshotNow(): TerminalSnapshot {
    const buffer = this.#term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.#term.rows; y++) {
      lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? "");
    }
    return {
      cols: this.#term.cols,
      rows: this.#term.rows,
      data: this.#serialize.serialize(),
      lines,
      cursor: { x: buffer.cursorX, y: buffer.cursorY },
    };
  }

  /** Whole-screen text, for waiting on something to appear. */
  async screenText(): Promise<string> {
    return (await this.snapshot()).lines.join("\n");
  }

  /** SIGHUP (the terminal went away), then SIGKILL after `graceMs`; resolves when the program has exited. */
  async kill(graceMs = 2000): Promise<TerminalExit> {
    if (!this.#exit) {
      this.#pty.kill("SIGHUP");
      const timer = setTimeout(() => {
        if (!this.#exit) this.#pty.kill("SIGKILL");
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.#term.dispose();
    return this.#exit!;
  }
}
