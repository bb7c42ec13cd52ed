import type { AgentEvent } from "@codex-remote/protocol";
import { applyToTimeline, pendingApprovals } from "./timeline.ts";
import type { AppState, SessionState, SessionView, StoreInput, TerminalBuffer } from "./types.ts";

/** How many frames may wait ahead of a missing one before the store gives up and asks for a resync. */
export const PENDING_WINDOW = 512;
/** Terminal history kept for a view mounted late (the laptop sends a snapshot on resync anyway). */
export const TERMINAL_HISTORY_BYTES = 2 * 1024 * 1024;

export function initialState(at = 0): AppState {
  return { connection: { state: "offline", since: at }, sessions: {}, order: [] };
}

function emptyTerminal(): TerminalBuffer {
  return { cols: 80, rows: 24, chunks: [], bytes: 0, version: 0 };
}

function newSession(id: string, at: number): SessionView {
  return {
    id,
    agent: "unknown",
    mode: "structured",
    online: true,
    closed: false,
    turnActive: false,
    lastActivity: at,
    items: [],
    control: "none",
    sync: { applied: 0, pending: new Map(), resync: "none", gaps: 0, resyncFrom: 0, rebase: false },
    terminal: emptyTerminal(),
    commands: [],
  };
}

/** The pure store: one input in, the next state out. Never mutates `state`. */
export function reduce(state: AppState, input: StoreInput): AppState {
  if (input.type === "connection") {
    const detail = input.detail;
    return { ...state, connection: { state: input.state, since: input.at, ...(detail ? { detail } : {}) } };
  }
  if (input.type === "session_remove") {
    if (!state.sessions[input.sessionId]) return state;
    const { [input.sessionId]: _, ...sessions } = state.sessions;
    return { ...state, sessions, order: state.order.filter((id) => id !== input.sessionId) };
  }
  const existing = state.sessions[input.sessionId];
  const base = existing ?? newSession(input.sessionId, "at" in input ? input.at : 0);
  const next = reduceSession(base, input);
  if (next === existing) return state;
  return {
    ...state,
    sessions: { ...state.sessions, [input.sessionId]: next },
    order: existing ? state.order : [...state.order, input.sessionId],
  };
}

function reduceSession(
  s: SessionView,
  input: Exclude<StoreInput, { type: "connection" } | { type: "session_remove" }>,
): SessionView {
  switch (input.type) {
    case "session_open":
      return {
        ...s,
        agent: input.agent,
        mode: input.mode,
        online: true,
        closed: false,
        lastActivity: Math.max(s.lastActivity, input.at),
        ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
        ...(input.model !== undefined ? { model: input.model } : {}),
        ...(input.laptop !== undefined ? { laptop: input.laptop } : {}),
      };
    case "session_close":
      return { ...s, closed: true, online: false, turnActive: false, lastActivity: Math.max(s.lastActivity, input.at) };
    case "presence":
      return s.online === input.online ? s : { ...s, online: input.online };
    case "event":
      return receiveEvent(s, input.seq, input.event, input.at);
    case "gap":
      return {
        ...s,
        items: [
          ...s.items,
          {
            kind: "notice",
            id: `notice-${s.items.length}`,
            code: "RELAY_GAP",
            message: `The relay no longer had some updates for this phone (relay frames ${input.from}–${input.to}); the laptop is asked to send them again.`,
          },
        ],
        sync: { ...s.sync, resync: s.sync.resync === "requested" ? "requested" : "needed", gaps: s.sync.gaps + 1 },
      };
    case "skip_missing": {
      // The user accepts the hole: jump to the first waiting event, visibly.
      const first = Math.min(...s.sync.pending.keys());
      if (!Number.isFinite(first)) return { ...s, sync: { ...s.sync, resync: "none" } };
      const marker = {
        kind: "notice" as const,
        id: `notice-${s.items.length}`,
        code: "SKIPPED",
        message: `Events ${s.sync.applied + 1}–${first - 1} never arrived; continuing without them.`,
      };
      return drain(
        { ...s, items: [...s.items, marker], sync: { ...s.sync, applied: first - 1, resync: "none" } },
        input.at,
      );
    }
    case "resync_requested":
      return { ...s, sync: { ...s.sync, resync: "requested", resyncFrom: s.sync.applied } };
    case "resync_done":
      return s.sync.resync === "requested" && s.sync.pending.size === 0
        ? { ...s, sync: { ...s.sync, resync: "none" } }
        : s;
    case "snapshot":
      return applySnapshot(s, input.seq, input.events, input.at);
    case "terminal_output":
      return { ...s, mode: "terminal", terminal: appendTerminal(s.terminal, input.bytes), lastActivity: input.at };
    case "terminal_size":
      return { ...s, terminal: { ...s.terminal, cols: input.cols, rows: input.rows } };
    case "control": {
      const { controlReason: _old, ...rest } = s;
      return { ...rest, control: input.state, ...(input.reason ? { controlReason: input.reason } : {}) };
    }
    case "approval_sent":
      return {
        ...s,
        items: s.items.map((i) =>
          i.kind === "approval" && i.requestId === input.requestId ? { ...i, sent: input.decision } : i,
        ),
      };
    case "commands":
      return { ...s, commands: input.commands };
    case "notice":
      return {
        ...s,
        items: [
          ...s.items,
          { kind: "notice", id: `notice-${s.items.length}`, code: input.code, message: input.message },
        ],
      };
    case "trimmed": {
      // nothing to jump over: this phone already has events past it (a journal restored again)
      if (input.upTo !== undefined && input.upTo <= s.sync.applied) return s;
      const marker = {
        kind: "notice" as const,
        id: `notice-${s.items.length}`,
        code: "EVENTS_TRIMMED",
        message: "Earlier events are no longer kept on the laptop; the timeline continues from here.",
      };
      const next = { ...s, items: [...s.items, marker] };
      if (input.upTo === undefined) return { ...next, sync: { ...s.sync, rebase: true } };
      return drain(
        { ...next, sync: { ...s.sync, applied: Math.max(s.sync.applied, input.upTo), resync: "none" } },
        input.at,
      );
    }
  }
}

/** In order: apply, then drain whatever was waiting. Duplicates are ignored; early frames wait. */
function receiveEvent(s: SessionView, seq: number, event: AgentEvent, at: number): SessionView {
  if (s.sync.rebase && seq > s.sync.applied) {
    s = { ...s, sync: { ...s.sync, applied: seq - 1, rebase: false, resync: "none" } };
    s = { ...s, sync: { ...s.sync, pending: new Map([...s.sync.pending].filter(([k]) => k >= seq)) } };
  }
  const { applied, pending } = s.sync;
  if (seq <= applied || pending.has(seq)) return s;
  if (seq > applied + 1) {
    const waiting = new Map(pending);
    waiting.set(seq, event);
    if (waiting.size > PENDING_WINDOW) {
      return { ...s, sync: { ...s.sync, pending: new Map(), resync: "needed", gaps: s.sync.gaps + 1 } };
    }
    return { ...s, sync: { ...s.sync, pending: waiting } };
  }
  const next = applyEvent(s, event, at, seq);
  return drain({ ...next, sync: { ...next.sync, applied: seq } }, at);
}

/** Applies whatever waits right after `applied`; a resync ends once nothing waits behind a hole. */
function drain(s: SessionView, at: number): SessionView {
  const { pending } = s.sync;
  let cursor = s.sync.applied;
  let next = s;
  let waiting: Map<number, AgentEvent> | undefined;
  while (pending.has(cursor + 1)) {
    waiting ??= new Map(pending);
    const e = waiting.get(cursor + 1)!;
    waiting.delete(cursor + 1);
    next = applyEvent(next, e, at, cursor + 1);
    cursor++;
  }
  const left = waiting ?? pending;
  const resync =
    s.sync.resync === "requested" && left.size === 0 && cursor > s.sync.resyncFrom ? "none" : s.sync.resync;
  return { ...next, sync: { ...next.sync, applied: cursor, pending: left, resync } };
}

function applyEvent(s: SessionView, event: AgentEvent, at: number, seq: number): SessionView {
  const items = applyToTimeline(s.items, event, seq);
  let { turnActive, agent, goal, workMode } = s;
  const extra: Partial<SessionView> = {};
  switch (event.kind) {
    case "turn_started":
      turnActive = true;
      break;
    case "turn_completed":
    case "turn_failed":
    case "turn_interrupted":
      turnActive = false;
      break;
    case "session_started":
      agent = event.agent;
      if (event.cwd) extra.cwd = event.cwd;
      if (event.model) extra.model = event.model;
      break;
    case "usage":
      extra.usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
      break;
    case "goal":
      goal = event.goal ?? undefined;
      break;
    case "agent_mode":
      workMode = event.mode === "default" ? undefined : event.mode;
      break;
    default:
      break;
  }
  const { goal: _goal, workMode: _workMode, ...rest } = s;
  return {
    ...rest,
    ...extra,
    ...(goal ? { goal } : {}),
    ...(workMode ? { workMode } : {}),
    agent,
    turnActive,
    items,
    lastActivity: Math.max(s.lastActivity, at),
  };
}

function applySnapshot(s: SessionView, seq: number, events: AgentEvent[], at: number): SessionView {
  let next: SessionView = {
    ...s,
    items: [],
    turnActive: false,
    sync: { applied: 0, pending: new Map(), resync: "none", gaps: s.sync.gaps, resyncFrom: 0, rebase: false },
  };
  events.forEach((e, i) => {
    next = applyEvent(next, e, at, seq - events.length + i + 1);
  });
  // Frames that arrived after the snapshot's point survive; older ones are already inside it.
  const later = new Map([...s.sync.pending].filter(([k]) => k > seq));
  next = { ...next, sync: { ...next.sync, applied: seq, pending: later } };
  let cursor = seq;
  while (later.has(cursor + 1)) {
    next = applyEvent(next, later.get(cursor + 1)!, at, cursor + 1);
    later.delete(cursor + 1);
    cursor++;
  }
  return { ...next, sync: { ...next.sync, applied: cursor, pending: later } };
}

function appendTerminal(t: TerminalBuffer, bytes: Uint8Array): TerminalBuffer {
  const chunks = [...t.chunks, bytes];
  let total = t.bytes + bytes.length;
  while (total > TERMINAL_HISTORY_BYTES && chunks.length > 1) total -= chunks.shift()!.length;
  return { ...t, chunks, bytes: total, version: t.version + 1 };
}

/** What the session list shows for one session. */
export function sessionState(s: SessionView): SessionState {
  if (!s.online || s.closed) return "offline";
  if (pendingApprovals(s.items).length > 0) return "waiting_for_approval";
  if (s.turnActive) return "working";
  // a goal the agent cannot go on with waits for the user as much as an approval does
  const goal = s.goal?.status;
  if (goal === "blocked" || goal === "usage_limited" || goal === "budget_limited") return "needs_you";
  return "idle";
}

export interface SessionSummary {
  id: string;
  agent: string;
  laptop: string;
  folder: string;
  state: SessionState;
  lastActivity: number;
  resyncing: boolean;
}

export function sessionList(state: AppState): SessionSummary[] {
  return state.order
    .map((id) => state.sessions[id]!)
    .map((s) => ({
      id: s.id,
      agent: s.agent,
      laptop: s.laptop ?? "",
      folder: s.cwd ?? "",
      state: sessionState(s),
      lastActivity: s.lastActivity,
      resyncing: s.sync.resync !== "none",
    }))
    .sort((a, b) => b.lastActivity - a.lastActivity);
}
