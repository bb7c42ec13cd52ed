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

/**
 * The phone's own copy of what each session showed (IndexedDB, on this device only). Writes are
 * batched; `flush()` runs when the page is hidden so a reload loses nothing that was on screen.
 */
export class Journal {
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
    this.#prefix = prefixOf(room);
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
    const rooms = new Set<string>();
    for (const key of await kv.keys(KEY_PREFIX)) {
      // room ids have no ":" (protocol RoomId)
      const end = key.indexOf(":", KEY_PREFIX.length);
      if (end > 0) rooms.add(key.slice(KEY_PREFIX.length, end));
    }
    return [...rooms];
  }

  async load(): Promise<{ meta: SessionMeta; events: Logged[] }[]> {
    const out: { meta: SessionMeta; events: Logged[] }[] = [];
    for (const key of await kv.keys(this.#prefix)) {
      const parsed = Stored.safeParse(await kv.get(key));
      if (!parsed.success) continue;
      const events: Logged[] = [];
      for (const e of parsed.data.events) {
        const ev = AgentEvent.safeParse(e.event);
        if (ev.success) events.push({ seq: e.seq, at: e.at, event: ev.data });
      }
      const { cwd, ...rest } = parsed.data.meta;
      const meta: SessionMeta = { ...rest, ...(cwd !== undefined ? { cwd } : {}) };
      this.#sessions.set(meta.sessionId, { meta, events, dirty: false, persisted: events.at(-1)?.seq ?? 0 });
      out.push({ meta, events });
    }
    return out;
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
      if (upTo > s.persisted) {
        s.persisted = upTo;
        this.onPersisted(s.meta.sessionId, upTo);
      }
    }
  }

  async clear(): Promise<void> {
    this.#sessions.clear();
    for (const key of await kv.keys(this.#prefix)) await kv.del(key);
  }
}
