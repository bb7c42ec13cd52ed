import { BackendError } from "./errors.ts";
import type { HandoffOptions, HandoffSession } from "./terminal/handoff.ts";
import type {
  AgentProcessOptions,
  BackendKind,
  CodexBackend,
  StructuredBackendKind,
  TerminalBackend,
  TerminalBackendKind,
} from "./types.ts";

type StructuredLoader = (opts: AgentProcessOptions) => Promise<CodexBackend>;
type TerminalLoader = (kind: TerminalBackendKind, opts: TerminalProcessOptions) => Promise<TerminalBackend>;
export type TerminalProcessOptions = AgentProcessOptions & { command?: string };

/** Implementations load lazily so that, e.g., `exec --agent demo` never loads node-pty. */
const structured: Partial<Record<StructuredBackendKind, StructuredLoader>> = {
  codex: async (opts) => new (await import("./codex/backend.ts")).CodexAppServerBackend(opts),
  claude: async (opts) => new (await import("./claude/backend.ts")).ClaudeStreamBackend(opts),
  demo: async () => new (await import("./demo/backend.ts")).DemoBackend(),
};
const inPty: TerminalLoader = async (kind, opts) =>
  new (await import("./terminal/pty-backend.ts")).PtyBackend(kind, opts);
const terminal: Partial<Record<TerminalBackendKind, TerminalLoader>> = {
  "codex-tui": inPty,
  "claude-tui": inPty,
  shell: inPty,
};

export const STRUCTURED_KINDS: readonly StructuredBackendKind[] = ["codex", "claude", "demo"];
export const TERMINAL_KINDS: readonly TerminalBackendKind[] = ["codex-tui", "claude-tui", "shell"];

export function isStructuredKind(kind: string): kind is StructuredBackendKind {
  return (STRUCTURED_KINDS as readonly string[]).includes(kind);
}

export function isTerminalKind(kind: string): kind is TerminalBackendKind {
  return (TERMINAL_KINDS as readonly string[]).includes(kind);
}

/** Creates (does not start) a structured backend. Rejects with `unsupported` for an unknown kind. */
export async function createBackend(
  kind: StructuredBackendKind,
  opts: AgentProcessOptions = {},
): Promise<CodexBackend> {
  const load = structured[kind];
  if (!load) throw new BackendError("unsupported", `no structured backend "${kind}"`);
  return load(opts);
}

/** Creates (does not start) a terminal backend (a program in a PTY with a headless xterm mirror). */
export async function createTerminalBackend(
  kind: TerminalBackendKind,
  opts: TerminalProcessOptions = {},
): Promise<TerminalBackend> {
  const load = terminal[kind];
  if (!load) throw new BackendError("unsupported", `no terminal backend "${kind}"`);
  return load(kind, opts);
}

export type { BackendKind };

/**
 * A TUI-with-handoff session for codex or claude (see terminal/handoff.ts): the real TUI in a PTY
 * that moves to the structured backend when the phone sends a prompt and back on a local key.
 */
export async function createHandoffSession(opts: HandoffOptions): Promise<HandoffSession> {
  return new (await import("./terminal/handoff.ts")).HandoffSession(opts);
}
