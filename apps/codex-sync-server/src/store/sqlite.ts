import { DatabaseSync, type StatementSync } from "node:sqlite";
import { Worker } from "node:worker_threads";
import { classCode, classOf, PushTarget } from "@codex-remote/protocol/relay";
import { SingleInstanceStore } from "./local-bus.ts";
import { SegmentFiles, type SegmentRef } from "./segment-files.ts";
import {
  type AppendInput,
  type AppendResult,
  type AppendSink,
  type DeviceRecord,
  type FrameRecord,
  type LogBounds,
  type PairingOutcome,
  pushTargetKey,
  type RelayStore,
  type Retention,
  type RoomRecord,
} from "./types.ts";

// 8 KiB pages: in a bare insert test (20 frames per commit) about 2x the default's rate for 16 KiB
// frames and 1.3x for 256 B ones (page_size applies to new files). Checkpoints do not run on this
// connection (wal_autocheckpoint = 0): a worker thread runs them, see CHECKPOINTER.
const SCHEMA = `
PRAGMA page_size = 8192;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA wal_autocheckpoint = 0;
PRAGMA journal_size_limit = 67108864;
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, kind TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL, revoked INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, account TEXT NOT NULL, host TEXT NOT NULL, controller TEXT, cepoch INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS rooms_host ON rooms(host);
CREATE TABLE IF NOT EXISTS members (room TEXT NOT NULL, device TEXT NOT NULL, PRIMARY KEY (room, device)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_device ON members(device);
CREATE TABLE IF NOT EXISTS pairings (room TEXT PRIMARY KEY, token_hash TEXT NOT NULL, expires INTEGER NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log_rooms (id INTEGER PRIMARY KEY, room TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS entries (k INTEGER PRIMARY KEY, sender TEXT NOT NULL, cls INTEGER NOT NULL, epoch INTEGER NOT NULL, counter INTEGER NOT NULL, ts INTEGER NOT NULL, payload BLOB NOT NULL, seg INTEGER, off INTEGER, len INTEGER, crc INTEGER);
CREATE TABLE IF NOT EXISTS log_meta (room TEXT PRIMARY KEY, head INTEGER NOT NULL, first INTEGER NOT NULL, bytes INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS senders (room TEXT NOT NULL, device TEXT NOT NULL, epoch INTEGER NOT NULL, counter INTEGER NOT NULL, PRIMARY KEY (room, device)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors (room TEXT NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (room, device)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS push (device TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (device, key)) WITHOUT ROWID;
`;

/**
 * The frame log, one B-tree: `entries` keyed by one integer, the room's number in log_rooms times
 * 2^40 plus the frame's sequence, so a room's frames are one key range and an append is one insert
 * at its end. (A table keyed by room text and sequence needed a second B-tree for that key and cost
 * about 1 µs more per 256 B frame.)
 */
const SEQ_BITS = 40;
const SEQ_LIMIT = 2 ** SEQ_BITS;
const SEQ_MASK = "1099511627775"; // 2^40 - 1, for SQL
/** Room numbers below this give keys JS numbers hold exactly; above it keys are BigInts. */
const NUMBER_KEY_ROOMS = 2 ** (53 - SEQ_BITS);
const MAX_LOG_ROOMS = 2 ** (63 - SEQ_BITS);

/** The frame table before `entries`; files that have it move their frames over once (MIGRATE_LOG). */
const LEGACY_LOG = `CREATE TABLE IF NOT EXISTS log (room TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL, cls INTEGER NOT NULL, epoch INTEGER NOT NULL, counter INTEGER NOT NULL, ts INTEGER NOT NULL, payload BLOB NOT NULL, seg INTEGER, off INTEGER, len INTEGER, crc INTEGER, UNIQUE (room, seq));`;
const MIGRATE_LOG = `
INSERT OR IGNORE INTO log_rooms (room) SELECT DISTINCT room FROM log;
INSERT OR IGNORE INTO entries (k, sender, cls, epoch, counter, ts, payload, seg, off, len, crc) SELECT (r.id << ${SEQ_BITS}) | l.seq, l.sender, l.cls, l.epoch, l.counter, l.ts, l.payload, l.seg, l.off, l.len, l.crc FROM log l JOIN log_rooms r ON r.room = l.room;
DROP TABLE log;
`;

/**
 * Files written before the log table: their frames move over once (the client message id of an old
 * frame is unknown, 0/0; dedup state for those senders is in `senders`).
 */
const MIGRATE_FRAMES = `
INSERT OR IGNORE INTO log (room, seq, sender, cls, epoch, counter, ts, payload) SELECT room, seq, sender, cls, 0, 0, ts, payload FROM frames;
DROP TABLE frames;
`;

/**
 * log_meta and senders are written every META_EVERY appended frames, whenever frames are trimmed,
 * and at close, not at every COMMIT: the rows appended since then are the rest of the truth (a frame
 * row holds its sender and client message id), so opening a room reads the meta row plus the log
 * after its head. Per COMMIT only the log's B-tree is written.
 */
const META_EVERY = 4096;

/**
 * Payloads of at least this many bytes go to segment files beside the database (see SegmentFiles);
 * smaller ones stay in the log row, where a row costs less than a file write.
 */
const SEGMENT_MIN_BYTES = 2048;
/** Columns the segment files added to the legacy log table; older files gain them before moving over. */
const SEGMENT_COLUMNS = ["seg", "off", "len", "crc"] as const;
const NO_BYTES = new Uint8Array(0);
/** A transaction commits when it holds this many payload bytes, not only at the end of its turn. */
const COMMIT_AT_BYTES = 256 * 1024;

/**
 * Checkpoints on a second connection in a worker thread: copying the WAL into the database file
 * and its fsync would otherwise stall the event loop for tens of milliseconds every few seconds
 * (the relay's latency tail). PASSIVE checkpoints never block the writer.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const { DatabaseSync } = require("node:sqlite");
const db = new DatabaseSync(workerData.path);
db.exec("PRAGMA busy_timeout = 2000");
const tick = () => { try { db.exec("PRAGMA wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  tick();
  db.close();
  parentPort.postMessage("stopped");
});
`;

interface Meta {
  /** the key of sequence 0 of this room (its log_rooms number << 40); undefined until it has one */
  base: number | bigint | undefined;
  /** timestamp of the oldest retained frame, when known (saves a query per append) */
  oldestTs: number | undefined;
  head: number;
  first: number;
  bytes: number;
  count: number;
  committedHead: number;
  committedFirst: number;
  /** head as written in log_meta: rows after it are not reflected there yet */
  savedHead: number;
  /** log_meta has a row for this room (sweep lists rooms from log_meta) */
  persisted: boolean;
  /** changed since log_meta was last written */
  dirty: boolean;
  /** changed in the open transaction */
  touched: boolean;
}

interface SenderState {
  readonly room: string;
  readonly device: string;
  epoch: number;
  counter: number;
  dirty: boolean;
}

type Row = Record<string, unknown>;

/** The key of sequence 0 of the room with log_rooms number `id`. */
function baseOf(id: number): number | bigint {
  return id < NUMBER_KEY_ROOMS ? id * SEQ_LIMIT : BigInt(id) << BigInt(SEQ_BITS);
}

interface Tx {
  waiters: { resolve(): void; reject(e: unknown): void }[];
  /** appendWith calls of this transaction, in order: input, sequence (0 = duplicate), sink */
  inputs: AppendInput[];
  seqs: number[];
  sinks: AppendSink[];
  /** payloads this transaction put in segment files (released again if it rolls back) */
  segRefs: SegmentRef[];
  /** payload bytes appended in it */
  bytes: number;
}

/**
 * The default store: one SQLite file via node:sqlite (WAL). Appends made in one event-loop tick
 * share one transaction; their promises resolve (and the frames become readable) after COMMIT, so
 * nothing is delivered or acknowledged before it is on disk. Survives restart and kill -9.
 * Single-instance: several relays need the Redis store.
 */
export class SqliteStore extends SingleInstanceStore implements RelayStore {
  readonly kind = "sqlite" as const;
  #db: DatabaseSync;
  #s: Record<string, StatementSync>;
  #meta = new Map<string, Meta>();
  /** room -> device -> last client message id stored */
  #senders = new Map<string, Map<string, SenderState>>();
  /** sender ids and metas changed since the last meta write; metas changed in the open transaction */
  #dirtySenders: SenderState[] = [];
  #dirtyMeta: [string, Meta][] = [];
  #touched: Meta[] = [];
  #sinceMetaWrite = 0;
  #metaWriteDue = false;
  #tx: Tx | undefined;
  #closed = false;
  #checkpointer: Worker | undefined;
  /** large payloads; none for ":memory:" (everything stays in rows) */
  #segments: SegmentFiles | undefined;

  constructor(path: string, opts: { checkpointIntervalMs?: number; segmentBytes?: number } = {}) {
    super();
    this.#db = new DatabaseSync(path);
    this.#db.exec(SCHEMA);
    this.#migrate();
    if (path !== ":memory:") {
      this.#segments = new SegmentFiles(`${path}.segments`, opts.segmentBytes);
      const counts = this.#db
        .prepare("SELECT seg, count(*) AS n FROM entries WHERE seg IS NOT NULL GROUP BY seg")
        .all();
      this.#segments.open((counts as Row[]).map((r) => [Number(r.seg), Number(r.n)]));
      const w = new Worker(CHECKPOINTER, {
        eval: true,
        workerData: { path, intervalMs: opts.checkpointIntervalMs ?? 250 },
      });
      w.unref();
      // if the checkpointer ever dies, checkpoint inline again rather than let the WAL grow
      w.on("error", () => this.#inlineCheckpoints());
      w.on("exit", () => this.#inlineCheckpoints());
      this.#checkpointer = w;
    } else this.#inlineCheckpoints();
    const p = (sql: string) => this.#db.prepare(sql);
    this.#s = {
      getDevice: p("SELECT * FROM devices WHERE id = ?"),
      putDevice: p("INSERT OR REPLACE INTO devices VALUES (?, ?, ?, ?, ?, ?)"),
      revoke: p("UPDATE devices SET revoked = 1 WHERE id = ?"),
      delPushAll: p("DELETE FROM push WHERE device = ?"),
      createRoom: p("INSERT OR IGNORE INTO rooms VALUES (?, ?, ?, ?, 1, ?)"),
      addMember: p("INSERT OR IGNORE INTO members VALUES (?, ?)"),
      getRoom: p("SELECT * FROM rooms WHERE room = ?"),
      members: p("SELECT device FROM members WHERE room = ?"),
      roomsOf: p("SELECT r.room, r.host FROM members m JOIN rooms r ON r.room = m.room WHERE m.device = ? LIMIT ?"),
      countRooms: p("SELECT count(*) AS n FROM rooms WHERE host = ?"),
      setController: p("UPDATE rooms SET controller = ?, cepoch = cepoch + 1 WHERE room = ? RETURNING cepoch"),
      openPairing: p("INSERT OR REPLACE INTO pairings VALUES (?, ?, ?, 0)"),
      getPairing: p("SELECT * FROM pairings WHERE room = ?"),
      usePairing: p("UPDATE pairings SET used = 1 WHERE room = ? AND used = 0"),
      getMeta: p("SELECT * FROM log_meta WHERE room = ?"),
      putMeta: p("INSERT OR REPLACE INTO log_meta VALUES (?, ?, ?, ?, ?)"),
      allMeta: p("SELECT room FROM log_meta"),
      getSender: p("SELECT epoch, counter FROM senders WHERE room = ? AND device = ?"),
      putSender: p("INSERT OR REPLACE INTO senders VALUES (?, ?, ?, ?)"),
      roomNumber: p("SELECT id FROM log_rooms WHERE room = ?"),
      addRoomNumber: p("INSERT INTO log_rooms (room) VALUES (?) RETURNING id"),
      insFrame: p("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      // key ranges are (from, to]: the first key of a room is base + 1
      oldestBatch: p(
        `SELECT k & ${SEQ_MASK} AS seq, coalesce(len, length(payload)) AS n, ts, seg FROM entries WHERE k > ? AND k < ? ORDER BY k LIMIT 256`,
      ),
      delRange: p("DELETE FROM entries WHERE k > ? AND k <= ?"),
      logTail: p(
        `SELECT max(k) & ${SEQ_MASK} AS h, count(*) AS n, coalesce(sum(coalesce(len, length(payload))), 0) AS b FROM entries WHERE k > ? AND k < ?`,
      ),
      senderTail: p("SELECT epoch, counter FROM entries WHERE k > ? AND k < ? AND sender = ? ORDER BY k DESC LIMIT 1"),
      read: p(
        `SELECT k & ${SEQ_MASK} AS seq, sender, cls, ts, payload, seg, off, len, crc FROM entries WHERE k > ? AND k <= ? ORDER BY k LIMIT ?`,
      ),
      setCursor: p("INSERT OR REPLACE INTO cursors VALUES (?, ?, ?)"),
      getCursor: p("SELECT seq FROM cursors WHERE room = ? AND device = ?"),
      addPush: p("INSERT OR REPLACE INTO push VALUES (?, ?, ?)"),
      delPush: p("DELETE FROM push WHERE device = ? AND key = ?"),
      listPush: p("SELECT target FROM push WHERE device = ?"),
    };
  }

  /** Moves frames of older files into `entries` (from `frames`, then from `log`), once. */
  #migrate(): void {
    const has = (name: string) =>
      this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
    if (has("frames")) this.#db.exec(`BEGIN; ${LEGACY_LOG} ${MIGRATE_FRAMES} COMMIT;`);
    if (!has("log")) return;
    const columns = new Set((this.#db.prepare("PRAGMA table_info(log)").all() as Row[]).map((r) => String(r.name)));
    for (const c of SEGMENT_COLUMNS) if (!columns.has(c)) this.#db.exec(`ALTER TABLE log ADD COLUMN ${c} INTEGER`);
    this.#db.exec(`BEGIN; ${MIGRATE_LOG} COMMIT;`);
  }

  /** The key of `seq` in a room whose base is `base`. */
  #key(base: number | bigint, seq: number): number | bigint {
    return typeof base === "number" ? base + seq : base + BigInt(seq);
  }

  /** The room's base key, giving the room a log_rooms number first if it has none (inside a transaction). */
  #baseFor(room: string, m: Meta): number | bigint {
    if (m.base !== undefined) return m.base;
    const id = Number((this.#s.addRoomNumber!.get(room) as Row).id);
    if (id >= MAX_LOG_ROOMS) throw new Error(`sqlite store: more than ${MAX_LOG_ROOMS} rooms with a log`);
    m.base = baseOf(id);
    return m.base;
  }

  #inlineCheckpoints(): void {
    this.#checkpointer = undefined;
    if (!this.#closed) this.#db.exec("PRAGMA wal_autocheckpoint = 8000");
  }

  async ready() {
    return !this.#closed;
  }

  async getDevice(id: string): Promise<DeviceRecord | undefined> {
    const r = this.#s.getDevice!.get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      id: String(r.id),
      kind: r.kind === "host" ? "host" : "phone",
      accountId: String(r.account),
      name: String(r.name),
      revoked: r.revoked === 1,
      createdAt: Number(r.created),
    };
  }
  async putDevice(d: DeviceRecord) {
    this.#s.putDevice!.run(d.id, d.kind, d.accountId, d.name, d.revoked ? 1 : 0, d.createdAt);
  }
  async revokeDevice(id: string) {
    this.#s.revoke!.run(id);
    this.#s.delPushAll!.run(id);
  }
  async createRoom(r: { room: string; accountId: string; host: string; createdAt: number }) {
    const res = this.#s.createRoom!.run(r.room, r.accountId, r.host, r.host, r.createdAt);
    if (res.changes === 0) return false;
    this.#s.addMember!.run(r.room, r.host);
    return true;
  }
  async getRoom(room: string): Promise<RoomRecord | undefined> {
    const r = this.#s.getRoom!.get(room) as Row | undefined;
    if (!r) return undefined;
    const members = (this.#s.members!.all(room) as Row[]).map((m) => String(m.device));
    return {
      room,
      accountId: String(r.account),
      host: String(r.host),
      controller: r.controller === null ? null : String(r.controller),
      controllerEpoch: Number(r.cepoch),
      members,
      createdAt: Number(r.created),
    };
  }
  async countRoomsOf(host: string) {
    return Number((this.#s.countRooms!.get(host) as Row).n);
  }
  async addMember(room: string, deviceId: string) {
    this.#s.addMember!.run(room, deviceId);
  }
  async roomsOf(deviceId: string, limit: number) {
    return (this.#s.roomsOf!.all(deviceId, limit) as Row[]).map((r) => ({
      room: String(r.room),
      host: String(r.host),
    }));
  }
  async setController(room: string, deviceId: string | null) {
    const r = this.#s.setController!.get(deviceId, room) as Row | undefined;
    return r ? Number(r.cepoch) : 0;
  }
  async openPairing(room: string, tokenHash: string, expiresAt: number) {
    this.#s.openPairing!.run(room, tokenHash, expiresAt);
  }
  async claimPairing(room: string, tokenHash: string, now: number): Promise<PairingOutcome> {
    const p = this.#s.getPairing!.get(room) as Row | undefined;
    if (!p || p.token_hash !== tokenHash) return "pairing_invalid";
    if (p.used === 1) return "pairing_used";
    if (Number(p.expires) <= now) return "pairing_expired";
    return this.#s.usePairing!.run(room).changes === 1 ? "ok" : "pairing_used";
  }

  #getMeta(room: string): Meta {
    let m = this.#meta.get(room);
    if (!m) {
      const r = this.#s.getMeta!.get(room) as Row | undefined;
      const num = this.#s.roomNumber!.get(room) as Row | undefined;
      const base = num ? baseOf(Number(num.id)) : undefined;
      const savedHead = r ? Number(r.head) : 0;
      let head = savedHead;
      let bytes = r ? Number(r.bytes) : 0;
      let count = r ? Number(r.count) : 0;
      // the rows appended after log_meta was last written
      const tail =
        base === undefined
          ? undefined
          : (this.#s.logTail!.get(this.#key(base, savedHead), this.#key(base, SEQ_LIMIT)) as Row);
      if (tail && Number(tail.n) > 0) {
        head = Number(tail.h);
        count += Number(tail.n);
        bytes += Number(tail.b);
      }
      const first = r ? Number(r.first) : 1;
      m = {
        base,
        oldestTs: undefined,
        head,
        first,
        bytes,
        count,
        committedHead: head,
        committedFirst: first,
        savedHead,
        persisted: r !== undefined,
        dirty: false,
        touched: false,
      };
      this.#meta.set(room, m);
    }
    return m;
  }

  #getSender(room: string, device: string): SenderState | undefined {
    let byDevice = this.#senders.get(room);
    if (!byDevice) {
      byDevice = new Map();
      this.#senders.set(room, byDevice);
    }
    let s = byDevice.get(device);
    if (!s) {
      // its last frame after the meta write, else its row in senders
      const m = this.#getMeta(room);
      const tail =
        m.base === undefined
          ? undefined
          : this.#s.senderTail!.get(this.#key(m.base, m.savedHead), this.#key(m.base, SEQ_LIMIT), device);
      const r = (tail ?? this.#s.getSender!.get(room, device)) as Row | undefined;
      if (!r) return undefined;
      s = { room, device, epoch: Number(r.epoch), counter: Number(r.counter), dirty: false };
      byDevice.set(device, s);
    }
    return s;
  }

  #markMeta(room: string, m: Meta): void {
    if (!m.touched) {
      m.touched = true;
      this.#touched.push(m);
    }
    if (m.dirty) return;
    m.dirty = true;
    this.#dirtyMeta.push([room, m]);
  }

  #beginTx(): Tx {
    if (!this.#tx) {
      this.#db.exec("BEGIN");
      const tx: Tx = { waiters: [], inputs: [], seqs: [], sinks: [], segRefs: [], bytes: 0 };
      this.#tx = tx;
      setImmediate(() => {
        if (this.#tx === tx) this.#commit();
      });
    }
    return this.#tx;
  }

  #commit(final = false): void {
    const tx = this.#tx;
    if (!tx) return;
    this.#tx = undefined;
    const touched = this.#touched;
    this.#touched = [];
    const writeMeta = final || this.#metaWriteDue || this.#sinceMetaWrite >= META_EVERY;
    const metas = writeMeta ? this.#dirtyMeta : [];
    const senders = writeMeta ? this.#dirtySenders : [];
    try {
      for (const [room, m] of metas) this.#s.putMeta!.run(room, m.head, m.first, m.bytes, m.count);
      for (const s of senders) this.#s.putSender!.run(s.room, s.device, s.epoch, s.counter);
      // the rows' bytes reach the kernel before the rows become visible
      this.#segments?.flush();
      this.#db.exec("COMMIT");
    } catch (e) {
      try {
        this.#db.exec("ROLLBACK");
      } catch {}
      this.#segments?.rollback(tx.segRefs);
      // the caches may be ahead of the file: read them again
      this.#meta.clear();
      this.#senders.clear();
      this.#dirtyMeta = [];
      this.#dirtySenders = [];
      this.#sinceMetaWrite = 0;
      this.#metaWriteDue = false;
      for (let k = 0; k < tx.sinks.length; k++) tx.sinks[k]!.appendFailed(tx.inputs[k]!, e);
      for (const w of tx.waiters) w.reject(e);
      return;
    }
    this.#segments?.committed();
    if (writeMeta) {
      for (const [, m] of metas) {
        m.dirty = false;
        m.persisted = true;
        m.savedHead = m.head;
      }
      for (const s of senders) s.dirty = false;
      this.#dirtyMeta = [];
      this.#dirtySenders = [];
      this.#sinceMetaWrite = 0;
      this.#metaWriteDue = false;
    }
    for (const m of touched) {
      m.touched = false;
      m.committedHead = m.head;
      m.committedFirst = m.first;
    }
    for (let k = 0; k < tx.sinks.length; k++) tx.sinks[k]!.appended(tx.inputs[k]!, tx.seqs[k]!);
    for (const w of tx.waiters) w.resolve();
  }

  append(i: AppendInput, ret: Retention): Promise<AppendResult> {
    const tx = this.#beginTx();
    // a duplicate may be of a frame still in this transaction: confirmed with the same commit
    const seq = this.#add(i, ret);
    const done = new Promise<AppendResult>((resolve, reject) =>
      tx.waiters.push({ resolve: () => resolve(seq === 0 ? { kind: "duplicate" } : { kind: "stored", seq }), reject }),
    );
    this.#commitIfFull(tx, i);
    return done;
  }

  appendWith(i: AppendInput, ret: Retention, sink: AppendSink): void {
    const tx = this.#beginTx();
    let seq: number;
    try {
      seq = this.#add(i, ret);
    } catch (err) {
      sink.appendFailed(i, err);
      return;
    }
    tx.inputs.push(i);
    tx.seqs.push(seq);
    tx.sinks.push(sink);
    this.#commitIfFull(tx, i);
  }

  /**
   * A turn can read megabytes (libuv reads a socket up to 32 times per poll), and frames are only
   * delivered after their COMMIT: committing once per turn kept readers idle while the relay read,
   * then flooded them. Committing every COMMIT_AT_BYTES lets delivery start while the turn goes on.
   */
  #commitIfFull(tx: Tx, i: AppendInput): void {
    tx.bytes += i.payload.byteLength;
    if (tx.bytes >= COMMIT_AT_BYTES) this.#commit();
  }

  /** Inserts a frame into the open transaction; its sequence, or 0 for a duplicate. */
  #add(i: AppendInput, ret: Retention): number {
    const prev = this.#getSender(i.room, i.sender);
    if (prev && prev.epoch === i.epoch && i.counter <= prev.counter) return 0;
    const m = this.#getMeta(i.room);
    const seq = m.head + 1;
    if (seq >= SEQ_LIMIT) throw new Error(`sqlite store: room ${i.room} reached ${SEQ_LIMIT} frames`);
    const base = this.#baseFor(i.room, m);
    const n = i.payload.byteLength;
    const ref = this.#segments && n >= SEGMENT_MIN_BYTES ? this.#segments.add(i.payload) : undefined;
    if (ref) this.#tx!.segRefs.push(ref);
    this.#s.insFrame!.run(
      this.#key(base, seq),
      i.sender,
      classCode(i.cls),
      i.epoch,
      i.counter,
      i.ts,
      ref ? NO_BYTES : i.payload,
      ref?.seg ?? null,
      ref?.off ?? null,
      ref ? n : null,
      ref?.check ?? null,
    );
    m.head = seq;
    this.#sinceMetaWrite++;
    // a room's first frame also writes its log_meta row, so sweep finds the room there
    if (!m.persisted) this.#metaWriteDue = true;
    if (prev) {
      prev.epoch = i.epoch;
      prev.counter = i.counter;
      if (!prev.dirty) {
        prev.dirty = true;
        this.#dirtySenders.push(prev);
      }
    } else {
      const s: SenderState = { room: i.room, device: i.sender, epoch: i.epoch, counter: i.counter, dirty: true };
      this.#senders.get(i.room)!.set(i.sender, s);
      this.#dirtySenders.push(s);
    }
    m.bytes += i.payload.length;
    m.count++;
    if (m.count === 1) m.oldestTs = i.ts;
    this.#markMeta(i.room, m);
    this.#trim(i.room, m, ret, i.ts);
    return seq;
  }

  /**
   * Retention. Cheap check first (cached oldest time); when a bound is crossed, drop the oldest frames
   * in batches down to 95% of the count and byte bounds (so a full log is not trimmed one row per
   * append) and everything past the age bound, with one DELETE per batch.
   */
  #trim(room: string, m: Meta, ret: Retention, now: number): void {
    const minTs = now - ret.maxAgeMs;
    if (m.count <= ret.maxFrames && m.bytes <= ret.maxBytes && m.oldestTs !== undefined && m.oldestTs >= minTs) {
      return;
    }
    const over = m.count > ret.maxFrames || m.bytes > ret.maxBytes;
    const keepFrames = over ? ret.maxFrames - Math.floor(ret.maxFrames / 20) : ret.maxFrames;
    const keepBytes = over ? ret.maxBytes - Math.floor(ret.maxBytes / 20) : ret.maxBytes;
    const base = m.base;
    if (base === undefined) return;
    for (;;) {
      const rows = this.#s.oldestBatch!.all(base, this.#key(base, SEQ_LIMIT)) as Row[];
      let cutoff = -1;
      let stopped = false;
      for (const r of rows) {
        const ts = Number(r.ts);
        if (m.count > keepFrames || m.bytes > keepBytes || ts < minTs) {
          cutoff = Number(r.seq);
          if (r.seg !== null) this.#segments?.release(Number(r.seg));
          m.count--;
          m.bytes -= Number(r.n);
          m.first = cutoff + 1;
          this.#markMeta(room, m);
        } else {
          m.first = Number(r.seq);
          m.oldestTs = ts;
          stopped = true;
          break;
        }
      }
      if (cutoff >= 0) {
        this.#s.delRange!.run(base, this.#key(base, cutoff));
        this.#metaWriteDue = true;
      }
      if (stopped || rows.length < 256) break;
    }
    if (m.count <= 0) {
      m.count = 0;
      m.bytes = 0;
      m.first = m.head + 1;
      m.oldestTs = undefined;
    }
  }

  /**
   * Frames from `fromSeq`. A frame whose segment bytes are gone or fail their check (a power loss
   * after COMMIT but before the page cache reached the disk) is never returned: a batch stops before
   * it, and a batch starting at it skips it, so the reader sees a gap where it was.
   */
  async read(room: string, fromSeq: number, limit: number): Promise<FrameRecord[]> {
    const m = this.#getMeta(room);
    const out: FrameRecord[] = [];
    const base = m.base;
    if (base === undefined) return out;
    for (let from = fromSeq; ; ) {
      const rows = this.#s.read!.all(this.#key(base, from - 1), this.#key(base, m.committedHead), limit) as Row[];
      for (const r of rows) {
        let payload = r.payload as Uint8Array;
        if (r.seg !== null) {
          const ref = { seg: Number(r.seg), off: Number(r.off), check: Number(r.crc) };
          const bytes = this.#segments?.read(ref, Number(r.len));
          if (!bytes) {
            if (out.length > 0) return out;
            continue;
          }
          payload = bytes;
        }
        out.push({
          seq: Number(r.seq),
          sender: String(r.sender),
          cls: classOf(Number(r.cls)) ?? "output",
          ts: Number(r.ts),
          payload,
        });
      }
      // a whole batch of lost frames: look further, or the reader's gap would swallow good ones
      if (out.length > 0 || rows.length < limit) return out;
      from = Number(rows[rows.length - 1]!.seq) + 1;
    }
  }
  async bounds(room: string): Promise<LogBounds> {
    const m = this.#getMeta(room);
    return { first: m.committedFirst, head: m.committedHead };
  }
  async sweep(ret: Retention, now: number) {
    const rooms = (this.#s.allMeta!.all() as Row[]).map((r) => String(r.room));
    for (const room of rooms) {
      const tx = this.#beginTx();
      this.#trim(room, this.#getMeta(room), ret, now);
      await new Promise<void>((resolve, reject) => tx.waiters.push({ resolve, reject }));
    }
  }
  async setCursor(room: string, deviceId: string, seq: number) {
    this.#s.setCursor!.run(room, deviceId, seq);
  }
  async getCursor(room: string, deviceId: string) {
    const r = this.#s.getCursor!.get(room, deviceId) as Row | undefined;
    return r ? Number(r.seq) : undefined;
  }
  async addPushTarget(deviceId: string, t: PushTarget) {
    this.#s.addPush!.run(deviceId, pushTargetKey(t), JSON.stringify(t));
  }
  async removePushTarget(deviceId: string, key: string) {
    this.#s.delPush!.run(deviceId, key);
  }
  async pushTargets(deviceId: string) {
    const out: PushTarget[] = [];
    for (const r of this.#s.listPush!.all(deviceId) as Row[]) {
      const t = PushTarget.safeParse(JSON.parse(String(r.target)));
      if (t.success) out.push(t.data);
    }
    return out;
  }
  async close() {
    if (this.#closed) return;
    // write log_meta and senders as they are, so the next open reads no log tail
    if (this.#dirtyMeta.length > 0 || this.#dirtySenders.length > 0) this.#beginTx();
    this.#commit(true);
    this.#closed = true;
    const w = this.#checkpointer;
    this.#checkpointer = undefined;
    if (w) {
      w.removeAllListeners("exit");
      w.removeAllListeners("error");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        w.once("message", () => {
          clearTimeout(t);
          resolve();
        });
        w.postMessage("stop");
      });
      await w.terminate();
    }
    this.#segments?.close();
    this.#db.close();
  }
}
