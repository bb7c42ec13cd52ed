import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { createBackend, createTerminalBackend } from "../backends/factory.ts";
import { HandoffSession } from "../backends/terminal/handoff.ts";
import type { CodexBackend, TerminalBackend } from "../backends/types.ts";
import type { Settings } from "../config/schema.ts";
import { HandoffBackend } from "../session/handoff-backend.ts";
import { SessionHost } from "../session/host.ts";
import type { HostTransport } from "../session/transport.ts";
import { createVoiceAdapters } from "../voice/adapters.ts";
import type { AgentPick } from "./detect.ts";
import { withCommandEscape } from "./escape.ts";
import type { CliIo } from "./io.ts";
import { renderEvent } from "./render.ts";

export interface InteractiveOptions {
  readonly settings: Settings;
  readonly pick: AgentPick;
  readonly agentArgs: readonly string[];
  readonly cwd: string;
  readonly showPairing: boolean;
  readonly io: CliIo;
  /** Connects the session to the relay (absent: local only). */
  readonly connect?: (host: () => SessionHost) => Promise<{ transport: HostTransport; pair: () => Promise<string> }>;
}

const write = (s: string) => {
  if (s) process.stdout.write(s);
};

/**
 * `codex-remote` in a terminal: the agent runs here; a structured agent gets a compact live view and
 * a prompt line (slash commands included), a terminal agent (shell) gets the raw terminal. With a
 * relay, paired phones see the same session. Without a TTY (a pipe, CI) prompts are read from
 * stdin line by line and the session ends when stdin ends and the agent is idle.
 */
export async function runInteractive(opts: InteractiveOptions): Promise<number> {
  const { settings, pick, io } = opts;
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const processOpts = {
    ...(pick.binary ? { binary: pick.binary } : {}),
    ...(opts.agentArgs.length > 0 ? { args: opts.agentArgs } : {}),
  };
  let backend: CodexBackend | undefined;
  let terminal: TerminalBackend | undefined;
  let handoff: HandoffSession | undefined;
  if (pick.agent === "shell")
    terminal = await createTerminalBackend("shell", { ...processOpts, command: settings.shell });
  else if ((pick.agent === "codex" || pick.agent === "claude") && process.stdin.isTTY && process.stdout.isTTY) {
    // The agent's real TUI here; a prompt from the phone moves the conversation to the structured
    // backend (same thread), a key on the laptop brings it back.
    handoff = new HandoffSession({
      agent: pick.agent,
      cwd: opts.cwd,
      cols: process.stdout.columns ?? 100,
      rows: process.stdout.rows ?? 30,
      approvalPolicy: settings.approve,
      ...(settings.model ? { model: settings.model } : {}),
      process: processOpts,
    });
    backend = new HandoffBackend(handoff, pick.agent);
    terminal = handoff.terminal;
    handoff.onModeChange((mode) =>
      io.err(
        mode === "structured"
          ? "\r\ncodex-remote: the phone sent a prompt: compact view (press a key to return to the TUI)"
          : "codex-remote: back in the TUI",
      ),
    );
  } else backend = await createBackend(pick.agent, processOpts);

  let host: SessionHost | undefined;
  const connection = opts.connect ? await opts.connect(() => host!) : undefined;
  host = new SessionHost({
    sessionId: randomUUID(),
    agent: pick.agent,
    backend,
    terminal,
    transport: connection?.transport,
    pair: connection?.pair,
    cwd: opts.cwd,
    eventLogLimit: settings.offlineQueueLimit,
    terminalBacklogBytes: settings.terminalBacklogBytes,
    terminalBytesPerSecond: settings.mirrorBytesPerSecond,
    controlGrant: settings.controlGrant,
    voice: settings.voice.enabled ? { adapters: () => createVoiceAdapters(settings.voice) } : undefined,
    // y/n for a phone's control request needs a person at an interactive terminal.
    askLocal: process.stdin.isTTY === true && process.stdout.isTTY === true,
    ...(handoff
      ? {
          localKeys: (d: string | Uint8Array) => {
            // In the compact view a pending approval is answered with y / n on the laptop too.
            const key = (typeof d === "string" ? d : Buffer.from(d).toString("utf8")).toLowerCase();
            const pending = host?.pendingApprovals()[0];
            // a question is answered with /answer (in the line view); "n" skips it
            const asks = pending !== undefined && host?.approvalQuestions(pending) !== undefined;
            if (handoff.mode === "structured" && pending && (key === "n" || (key === "y" && !asks)))
              host?.answerApproval(pending, key === "y" ? "accept" : "decline", { kind: "local" });
            else handoff.localInput(d);
          },
        }
      : {}),
    view: {
      event: (e) => {
        if (!terminal || handoff?.mode === "structured") write(renderEvent(e, color));
      },
      notice: (text) => io.err(`codex-remote: ${text}`),
      terminalOutput: (bytes) => process.stdout.write(bytes),
    },
  });
  host.attach();
  if (connection && opts.showPairing) {
    // Never let an unreachable relay stop the local session: pairing can wait for /pair.
    try {
      io.err(await connection.pair());
    } catch (e) {
      io.err(`codex-remote: cannot pair now (${(e as Error).message}); working locally, /pair once the relay is back`);
    }
  }

  try {
    if (handoff && backend) return await runHandoff(host, handoff, backend, opts);
    if (terminal) return await runTerminal(host, terminal, opts);
    return await runStructured(host, backend!, opts);
  } finally {
    await host.close();
    await backend?.close();
    if (!handoff) await terminal?.close();
    await connection?.transport.close();
  }
}

async function runStructured(host: SessionHost, backend: CodexBackend, opts: InteractiveOptions): Promise<number> {
  await backend.start({
    cwd: opts.cwd,
    approvalPolicy: opts.settings.approve,
    ...(opts.settings.model ? { model: opts.settings.model } : {}),
  });
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty, prompt: "> " });
  if (tty) {
    opts.io.err("codex-remote: type a prompt, /help for commands, Ctrl-D to quit");
    rl.prompt();
  }
  const idle = () =>
    new Promise<void>((resolve) => {
      if (!backend.turnActive) return resolve();
      const off = backend.events.subscribe((e) => {
        if (e.kind === "turn_completed" || e.kind === "turn_failed" || e.kind === "turn_interrupted") {
          off();
          resolve();
        }
      });
    });
  // Without a terminal (a pipe, a script), lines are a script: a prompt waits for the agent to be
  // idle, a y/n waits for the next approval request. With a terminal, lines act at once.
  const nextApproval = () =>
    new Promise<string | undefined>((resolve) => {
      const check = () => {
        const id = host.pendingApprovals()[0];
        if (id !== undefined || !backend.turnActive) {
          off();
          resolve(id);
        }
      };
      const off = backend.events.subscribe(() => setImmediate(check));
      check();
    });
  let chain = Promise.resolve();
  rl.on("line", (line) => {
    chain = chain.then(async () => {
      try {
        const answer = line.trim().toLowerCase();
        const isYesNo = answer === "y" || answer === "yes" || answer === "n" || answer === "no";
        // A phone's control request waiting for y/n comes before a pending approval.
        const pending =
          isYesNo && host.pendingControlRequest === undefined
            ? tty
              ? host.pendingApprovals()[0]
              : await nextApproval()
            : undefined;
        if (pending && answer.startsWith("y") && host.approvalQuestions(pending)) {
          // "yes" is no answer to a question: claude would hear that the user did not answer
          opts.io.out("the agent asks a question: /answer with an option number or your own words (n skips it)");
        } else if (pending) {
          host.answerApproval(pending, answer.startsWith("y") ? "accept" : "decline", { kind: "local" });
        } else {
          if (!tty && !line.trim().startsWith("/")) await idle();
          const out = await host.localInput(line);
          if (out) opts.io.out(out);
          if (!tty) await new Promise((r) => setTimeout(r, 20));
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        opts.io.err(`codex-remote: ${(e as Error).message}${code ? ` [${code}]` : ""}`);
      }
      if (tty) rl.prompt();
    });
  });
  rl.on("SIGINT", () => {
    if (backend.turnActive) void backend.interrupt().catch(() => {});
    else rl.close();
  });
  await new Promise<void>((resolve) => rl.on("close", resolve));
  await chain;
  await idle();
  return 0;
}

async function runTerminal(host: SessionHost, terminal: TerminalBackend, opts: InteractiveOptions): Promise<number> {
  const cols = process.stdout.columns ?? 100;
  const rows = process.stdout.rows ?? 30;
  const exited = new Promise<number>((resolve) => terminal.onExit((e) => resolve(e.exitCode)));
  await terminal.start({ cwd: opts.cwd, cols, rows });
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  const onData = withCommandEscape(host, (t) => process.stderr.write(t));
  stdin.on("data", onData);
  stdin.resume();
  const onResize = () => terminal.resize(process.stdout.columns ?? cols, process.stdout.rows ?? rows);
  process.stdout.on("resize", onResize);
  try {
    return await exited;
  } finally {
    stdin.off("data", onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    process.stdout.off("resize", onResize);
  }
}

async function runHandoff(
  host: SessionHost,
  handoff: HandoffSession,
  backend: CodexBackend,
  opts: InteractiveOptions,
): Promise<number> {
  // The TUI also exits when the conversation moves to the phone; the session ends only when it
  // exited while the TUI was the active side.
  const ended = new Promise<number>((resolve) =>
    handoff.terminal.onExit((e) => {
      setTimeout(() => {
        if (handoff.mode === "tui" && !handoff.terminal.running) resolve(e.exitCode);
      }, 500);
    }),
  );
  await backend.start({ cwd: opts.cwd, approvalPolicy: opts.settings.approve });
  const stdin = process.stdin;
  stdin.setRawMode?.(true);
  const onData = withCommandEscape(host, (t) => process.stderr.write(t));
  stdin.on("data", onData);
  stdin.resume();
  const onResize = () => handoff.resize(process.stdout.columns ?? 100, process.stdout.rows ?? 30);
  process.stdout.on("resize", onResize);
  try {
    return await ended;
  } finally {
    stdin.off("data", onData);
    stdin.setRawMode?.(false);
    stdin.pause();
    process.stdout.off("resize", onResize);
  }
}
