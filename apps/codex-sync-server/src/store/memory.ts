import type { PushTarget, RoomListing } from "@codex-remote/protocol/relay";
import { SingleInstanceStore } from "./local-bus.ts";
import { MemoryLog } from "./memory-log.ts";
import { PayloadArena } from "./payload-arena.ts";
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

/** In-memory store: for tests and throwaway relays. Everything is gone on exit. */
export class MemoryStore extends SingleInstanceStore implements RelayStore {
  readonly kind = "memory" as const;
  #devices = new Map<string, DeviceRecord>();
  #rooms = new Map<string, RoomRecord>();
  #pairings = new Map<string, { tokenHash: string; expiresAt: number; used: boolean }>();
  #logs = new Map<string, MemoryLog>();
  readonly #arena = new PayloadArena(4, { prefault: true });
  #cursors = new Map<string, number>();
  #push = new Map<string, Map<string, PushTarget>>();

  async ready(): Promise<boolean> {
    return true;
  }
  async getDevice(id: string) {
    return this.#devices.get(id);
  }
  async putDevice(d: DeviceRecord) {
    this.#devices.set(d.id, d);
  }
  async revokeDevice(id: string) {
    const d = this.#devices.get(id);
    if (d) this.#devices.set(id, { ...d, revoked: true });
    this.#push.delete(id);
  }
  async createRoom(r: { room: string; accountId: string; host: string; createdAt: number }) {
    if (this.#rooms.has(r.room)) return false;
    this.#rooms.set(r.room, { ...r, controller: r.host, controllerEpoch: 1, members: [r.host] });
    return true;
  }
  async getRoom(room: string) {
    return this.#rooms.get(room);
  }
  async countRoomsOf(host: string) {
    let n = 0;
    for (const r of this.#rooms.values()) if (r.host === host) n++;
    return n;
  }
  async addMember(room: string, deviceId: string) {
    const r = this.#rooms.get(room);
    if (r && !r.members.includes(deviceId)) this.#rooms.set(room, { ...r, members: [...r.members, deviceId] });
  }
  async roomsOf(deviceId: string, limit: number) {
    const out: RoomListing[] = [];
    for (const r of this.#rooms.values()) {
      if (out.length >= limit) break;
      if (r.members.includes(deviceId)) out.push({ room: r.room, host: r.host });
    }
    return out;
  }
  async setController(room: string, deviceId: string | null) {
    const r = this.#rooms.get(room);
    if (!r) return 0;
    const next = { ...r, controller: deviceId, controllerEpoch: r.controllerEpoch + 1 };
    this.#rooms.set(room, next);
    return next.controllerEpoch;
  }
  async openPairing(room: string, tokenHash: string, expiresAt: number) {
    this.#pairings.set(room, { tokenHash, expiresAt, used: false });
  }
  async claimPairing(room: string, tokenHash: string, now: number): Promise<PairingOutcome> {
    const p = this.#pairings.get(room);
    if (!p || p.tokenHash !== tokenHash) return "pairing_invalid";
    if (p.used) return "pairing_used";
    if (p.expiresAt <= now) return "pairing_expired";
    p.used = true;
    return "ok";
  }

  #lastRoom = "";
  #lastLog: MemoryLog | undefined;
  #log(room: string): MemoryLog {
    if (room === this.#lastRoom && this.#lastLog) return this.#lastLog;
    let l = this.#logs.get(room);
    if (!l) {
      l = new MemoryLog(this.#arena);
      this.#logs.set(room, l);
    }
    this.#lastRoom = room;
    this.#lastLog = l;
    return l;
  }

  async append(i: AppendInput, ret: Retention): Promise<AppendResult> {
    return this.appendNow(i, ret);
  }

  appendNow(i: AppendInput, ret: Retention): AppendResult {
    const seq = this.#add(i, ret);
    if (seq === 0) return { kind: "duplicate" };
    return { kind: "stored", seq };
  }

  appendWith(i: AppendInput, ret: Retention, sink: AppendSink): void {
    let seq: number;
    try {
      seq = this.#add(i, ret);
    } catch (err) {
      sink.appendFailed(i, err);
      return;
    }
    sink.appended(i, seq);
  }

  /** Appends and returns the new sequence, or 0 for a duplicate. */
  #add(i: AppendInput, ret: Retention): number {
    const l = this.#log(i.room);
    const prev = l.senders.get(i.sender);
    if (prev && prev.epoch === i.epoch && i.counter <= prev.counter) return 0;
    if (prev) {
      prev.epoch = i.epoch;
      prev.counter = i.counter;
    } else l.senders.set(i.sender, { epoch: i.epoch, counter: i.counter });
    const seq = l.push(i.sender, i.cls, i.ts, i.payload);
    l.trim(ret, i.ts);
    return seq;
  }

  async read(room: string, fromSeq: number, limit: number): Promise<FrameRecord[]> {
    return this.#logs.get(room)?.read(fromSeq, limit) ?? [];
  }
  async bounds(room: string): Promise<LogBounds> {
    return this.#logs.get(room)?.bounds() ?? { first: 1, head: 0 };
  }
  async sweep(ret: Retention, now: number) {
    for (const l of this.#logs.values()) l.trim(ret, now);
  }
  async setCursor(room: string, deviceId: string, seq: number) {
    this.#cursors.set(`${room}\u0000${deviceId}`, seq);
  }
  async getCursor(room: string, deviceId: string) {
    return this.#cursors.get(`${room}\u0000${deviceId}`);
  }
  async addPushTarget(deviceId: string, t: PushTarget) {
    let m = this.#push.get(deviceId);
    if (!m) {
      m = new Map();
      this.#push.set(deviceId, m);
    }
    m.set(pushTargetKey(t), t);
  }
  async removePushTarget(deviceId: string, key: string) {
    this.#push.get(deviceId)?.delete(key);
  }
  async pushTargets(deviceId: string) {
    return [...(this.#push.get(deviceId)?.values() ?? [])];
  }
  async close() {
    this.#arena.close();
  }
}
