import { AgentEvent } from "@codex-remote/protocol";
import { z } from "zod";
import { kv } from "../storage/db.ts";
import type { SessionMode } from "../store/types.ts";

/** Events kept per session on the phone, so the timeline survives a reload or a cold start offline. */
export const JOURNAL_EVENTS = 5000;
/** Sessions kept per relay room (the most recently active). */
export const JOURNAL_SESSIONS = 20;

export interface SessionMeta {
  sessionId: string;
  agent: string;
  cwd?: string;
  mode: SessionMode;
  lastActivity: number;
}
export interface Logged {
  seq: number;
  at: number;
  event: AgentEvent;
}
/** One session as its journal keeps it. */
export interface JournalEntry {
  meta: SessionMeta;
  events: Logged[];
}

const Stored = z.object({
  meta: z.object({
    sessionId: z.string().min(1),
    agent: z.string(),
    cwd: z.string().optional(),
    mode: z.enum(["structured", "terminal"]),
    lastActivity: z.number(),
  }),
  events: z.array(z.object({ seq: z.number().int().positive(), at: z.number(), event: z.unknown() })),
});

/** Journal keys: `journal:<room>:<sessionId>`. */
const KEY_PREFIX = "journal:";
const prefixOf = (room: string) => `${KEY_PREFIX}${room}:`;
/** Every journal key, split into its room and session (room ids have no ":", protocol RoomId). */
async function journalKeys(): Promise<{ room: string; sessionId: string }[]> {
  const out: { room: string; sessionId: string }[] = [];
  for (const key of await kv.keys(KEY_PREFIX)) {
    const end = key.indexOf(":", KEY_PREFIX.length);
    if (end > 0) out.push({ room: key.slice(KEY_PREFIX.length, end), sessionId: key.slice(end + 1) });
  }
  return out;
}

/**
 * What a journal tells the app's other tabs after a write: a session's journal was stored, or a
 * room's journals were dropped (its laptop forgotten). Only the tab holding the relay links writes
 * journals; the others follow them (live.ts).
 */
export const JournalChange = z.union([
  z.object({ room: z.string().min(1), sessionId: z.string().min(1), upTo: z.number().int().nonnegative() }),
  z.object({ room: z.string().min(1), cleared: z.literal(true) }),
]);
export type JournalChange = z.infer<typeof JournalChange>;
const CHANGES = "codex-remote:journal";
let changes: BroadcastChannel | undefined;
const announce = (change: JournalChange) => {
  if (typeof BroadcastChannel === "undefined") return;
  changes ??= new BroadcastChannel(CHANGES);
  changes.postMessage(change);
};

/** A stored session; only its events past `after` are parsed (and returned). */
function parseStored(value: unknown, after = 0): JournalEntry | undefined {
  const parsed = Stored.safeParse(value);
  if (!parsed.success) return undefined;
  const events: Logged[] = [];
  for (const e of parsed.data.events) {
    if (e.seq <= after) continue;
    const ev = AgentEvent.safeParse(e.event);
    if (ev.success) events.push({ seq: e.seq, at: e.at, event: ev.data });
  }
  const { cwd, ...rest } = parsed.data.meta;
  return { meta: { ...rest, ...(cwd !== undefined ? { cwd } : {}) }, events };
}

/**
 * The phone's own copy of what each session showed (IndexedDB, on this device only). Writes are
 * batched; `flush()` runs when the page is hidden so a reload loses nothing that was on screen.
 */
export class Journal {
  readonly #room: string;
  readonly #prefix: string;
  #sessions = new Map<string, { meta: SessionMeta; events: Logged[]; dirty: boolean; persisted: number }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Called after a write with the sessions whose durable sequence moved. */
  onPersisted: (sessionId: string, seq: number) => void = () => {};

  /** The highest sequence of this session that is safely stored (what the phone may acknowledge). */
  persisted(sessionId: string): number {
    return this.#sessions.get(sessionId)?.persisted ?? 0;
  }

  /** `room`: the relay room the link's sessions come from (one journal per room). */
  constructor(room: string) {
    this.#room = room;
    this.#prefix = prefixOf(room);
  }

  /** Calls `listener` with what other tabs' journals announce (see JournalChange); returns a stop. */
  static follow(listener: (change: JournalChange) => void): () => void {
    if (typeof BroadcastChannel === "undefined") return () => {};
    const channel = new BroadcastChannel(CHANGES);
    channel.addEventListener("message", (e: MessageEvent) => {
      const change = JournalChange.safeParse(e.data);
      if (change.success) listener(change.data);
    });
    return () => channel.close();
  }

  /**
   * Moves the sessions journaled under `from` to `to`, leaving any already under `to`. Apps before
   * 2026-11-24 journaled a laptop's first room under the laptop's id.
   */
  static async rekey(from: string, to: string): Promise<void> {
    if (from === to) return;
    for (const key of await kv.keys(prefixOf(from))) {
      const target = prefixOf(to) + key.slice(prefixOf(from).length);
      if ((await kv.get(target)) === undefined) await kv.set(target, await kv.get(key));
      await kv.del(key);
    }
  }

  /** The rooms this phone keeps sessions of. */
  static async rooms(): Promise<string[]> {
    return [...new Set((await journalKeys()).map((k) => k.room))];
  }

  /** The sessions this phone keeps, in every room. */
  static async sessionIds(): Promise<Set<string>> {
    return new Set((await journalKeys()).map((k) => k.sessionId));
  }

  async load(): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    for (const key of await kv.keys(this.#prefix)) {
      const entry = parseStored(await kv.get(key));
      if (!entry) continue;
      const { meta, events } = entry;
      this.#sessions.set(meta.sessionId, { meta, events, dirty: false, persisted: events.at(-1)?.seq ?? 0 });
      out.push(entry);
    }
    return out;
  }

  /**
   * One session's journal as stored, with only its events past `after`, without taking it into this
   * journal's own state (another tab following it reads it on every write).
   */
  async read(sessionId: string, after = 0): Promise<JournalEntry | undefined> {
    return parseStored(await kv.get(this.#prefix + sessionId), after);
  }

  meta(meta: SessionMeta): void {
    const s = this.#sessions.get(meta.sessionId);
    if (s) {
      s.meta = meta;
      s.dirty = true;
    } else this.#sessions.set(meta.sessionId, { meta, events: [], dirty: true, persisted: 0 });
    this.#schedule();
  }

  record(sessionId: string, entry: Logged): void {
    const s = this.#sessions.get(sessionId);
    if (!s) return;
    const last = s.events.at(-1);
    if (last && entry.seq <= last.seq) {
      if (s.events.some((e) => e.seq === entry.seq)) return;
      s.events.push(entry);
      s.events.sort((a, b) => a.seq - b.seq);
    } else s.events.push(entry);
    if (s.events.length > JOURNAL_EVENTS) s.events.splice(0, s.events.length - JOURNAL_EVENTS);
    s.meta.lastActivity = Math.max(s.meta.lastActivity, entry.at);
    s.dirty = true;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), 100);
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const all = [...this.#sessions.values()].sort((a, b) => b.meta.lastActivity - a.meta.lastActivity);
    for (const old of all.slice(JOURNAL_SESSIONS)) {
      this.#sessions.delete(old.meta.sessionId);
      await kv.del(this.#prefix + old.meta.sessionId);
    }
    for (const s of all.slice(0, JOURNAL_SESSIONS)) {
      if (!s.dirty) continue;
      s.dirty = false;
      const upTo = s.events.at(-1)?.seq ?? 0;
      await kv.set(this.#prefix + s.meta.sessionId, { meta: s.meta, events: s.events });
      announce({ room: this.#room, sessionId: s.meta.sessionId, upTo });
      if (upTo > s.persisted) {
        s.persisted = upTo;
        this.onPersisted(s.meta.sessionId, upTo);
      }
    }
  }

  async clear(): Promise<void> {
    this.#sessions.clear();
    for (const key of await kv.keys(this.#prefix)) await kv.del(key);
    announce({ room: this.#room, cleared: true });
  }
}
