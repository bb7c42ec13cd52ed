import type {
  AgentEvent,
  AgentGoal,
  AgentTask,
  AgentWorkMode,
  ApprovalAnswers,
  ApprovalDecision,
  ApprovalKind,
  ApprovalQuestion,
} from "@codex-remote/protocol";

/** Everything the store accepts. The connection layer turns opened protocol frames into these. */
export type StoreInput =
  | { type: "connection"; state: ConnectionState; detail?: string; at: number }
  | {
      type: "session_open";
      sessionId: string;
      agent: string;
      cwd?: string;
      model?: string;
      mode: SessionMode;
      /** The paired laptop this session runs on (its name on this phone). */
      laptop?: string;
      at: number;
    }
  | { type: "session_close"; sessionId: string; at: number }
  /** Gone from this phone (its laptop forgotten): the session leaves the list. */
  | { type: "session_remove"; sessionId: string }
  | { type: "presence"; sessionId: string; online: boolean; at: number }
  /** One agent event with its per-session output sequence (1, 2, 3 ...). */
  | { type: "event"; sessionId: string; seq: number; event: AgentEvent; at: number }
  /** The relay could not deliver `from..to` (trimmed history): the session must resync. */
  | { type: "gap"; sessionId: string; from: number; to: number; at: number }
  /** The connection layer asked the laptop for a resync of this session. */
  | { type: "resync_requested"; sessionId: string; at: number }
  /** The user chose to continue past events that never arrived (shown as a marker). */
  | { type: "skip_missing"; sessionId: string; at: number }
  /** The laptop answered the resync request (it replays what it has right after this). */
  | { type: "resync_done"; sessionId: string; at: number }
  /** A full replay of the session's events up to `seq`, replacing whatever the store had. */
  | { type: "snapshot"; sessionId: string; seq: number; events: AgentEvent[]; at: number }
  | { type: "terminal_output"; sessionId: string; bytes: Uint8Array; at: number }
  | { type: "terminal_size"; sessionId: string; cols: number; rows: number }
  | { type: "control"; sessionId: string; state: ControlState; at: number; reason?: string }
  | {
      type: "approval_sent";
      sessionId: string;
      requestId: string;
      decision: ApprovalDecision;
      answers?: ApprovalAnswers;
      at: number;
    }
  | { type: "commands"; sessionId: string; commands: SlashCommand[] }
  /** The laptop no longer keeps events up to `upTo` (or up to the next one it sends): jump over them, visibly. */
  | { type: "trimmed"; sessionId: string; upTo: number | undefined; at: number }
  /** An error the laptop sent about this phone's request (not an agent event). */
  | { type: "notice"; sessionId: string; code: string; message: string; at: number };

/** elsewhere: another tab of the app holds the relay links (see live.ts). */
export type ConnectionState = "offline" | "connecting" | "online" | "reconnecting" | "elsewhere";
export type SessionMode = "structured" | "terminal";
/** none: the laptop has control; requested: asked, not answered; granted: this phone drives; revoked: taken back. */
export type ControlState = "none" | "requested" | "granted" | "revoked" | "refused";
export type SessionState = "working" | "waiting_for_approval" | "needs_you" | "idle" | "offline";

export interface SlashCommand {
  name: string;
  description: string;
}

export type TimelineItem =
  | { kind: "user"; id: string; text: string; source?: string }
  | { kind: "text"; id: string; text: string; done: boolean }
  | { kind: "reasoning"; id: string; text: string }
  | {
      kind: "command";
      id: string;
      command: string;
      cwd?: string;
      output: string;
      running: boolean;
      exitCode: number | null | undefined;
      durationMs?: number;
    }
  | {
      kind: "tool";
      id: string;
      tool: string;
      summary: string;
      status: "started" | "completed" | "failed" | "declined";
      output?: string;
    }
  /** The agent's checklist as of its latest change in this turn. */
  | { kind: "tasks"; id: string; tasks: AgentTask[] }
  | {
      kind: "file_change";
      id: string;
      files: { path: string; change: string; movePath?: string | undefined }[];
      diff: string;
      status: string;
    }
  | {
      kind: "approval";
      id: string;
      requestId: string;
      approval: ApprovalKind;
      summary: string;
      command?: string;
      diff?: string;
      reason?: string;
      /** The agent asks these instead of a yes/no. */
      questions?: readonly ApprovalQuestion[];
      /** A plan (Markdown) the agent asks to go ahead with. */
      plan?: string;
      /** Set once answered (by anyone); `sent` while this phone's answer is in flight. */
      decision?: ApprovalDecision;
      by?: string;
      answers?: ApprovalAnswers;
      sent?: ApprovalDecision;
    }
  | { kind: "turn"; id: string; status: "started" | "completed" | "failed" | "interrupted"; message?: string }
  | { kind: "error"; id: string; code: string; message: string; fatal: boolean }
  | { kind: "notice"; id: string; code: string; message: string };

export interface SyncState {
  /** Highest contiguous sequence applied. */
  applied: number;
  /** Frames that arrived ahead of a missing one, by sequence. */
  pending: ReadonlyMap<number, AgentEvent>;
  /** A gap was seen (or the pending window overflowed): the timeline is incomplete until a snapshot. */
  resync: "none" | "needed" | "requested";
  gaps: number;
  /** `applied` when the resync was requested: it ends once events past it arrive with no hole left. */
  resyncFrom: number;
  /** Set by a `trimmed` without a sequence: the next event becomes the new base. */
  rebase: boolean;
}

export interface SessionView {
  id: string;
  agent: string;
  cwd?: string;
  model?: string;
  laptop?: string;
  mode: SessionMode;
  online: boolean;
  closed: boolean;
  turnActive: boolean;
  lastActivity: number;
  items: readonly TimelineItem[];
  control: ControlState;
  controlReason?: string;
  sync: SyncState;
  terminal: TerminalBuffer;
  commands: readonly SlashCommand[];
  usage?: { inputTokens: number; outputTokens: number };
  /** The agent's working mode when it is not the default one (claude: plan, accept edits). */
  workMode?: AgentWorkMode;
  /** The goal the agent pursues over turns it starts by itself (codex goals), while one is set. */
  goal?: AgentGoal;
}

export interface TerminalBuffer {
  cols: number;
  rows: number;
  /** Bounded history of output chunks for a terminal view mounted late; `version` counts every chunk. */
  chunks: readonly Uint8Array[];
  bytes: number;
  version: number;
}

export interface AppState {
  connection: { state: ConnectionState; detail?: string; since: number };
  sessions: Readonly<Record<string, SessionView>>;
  order: readonly string[];
}
