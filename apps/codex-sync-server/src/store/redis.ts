import { classCode, classOf, PushTarget, type RoomListing } from "@codex-remote/protocol/relay";
import { Redis } from "ioredis";
import {
  type AppendInput,
  type AppendResult,
  type BusEvent,
  type DeviceRecord,
  type FrameRecord,
  type LogBounds,
  type PairingOutcome,
  type PresenceKey,
  pushTargetKey,
  type RateUsage,
  type RelayStore,
  type Retention,
  type RoomRecord,
} from "./types.ts";

/**
 * Presence: one hash per device, field connKey = "<1|0 active>:<last sign of life, ms>". Entries
 * older than the staleness window (an instance that died without removing its own) do not count.
 * CLAIM_PRESENCE — KEYS: presence hash. ARGV: connKey, max, now, staleMs. Drops stale entries,
 * then adds connKey (active) unless `max` live entries of other connections exist: 1 added, 0 refused.
 */
const CLAIM_PRESENCE = `
local all = redis.call('HGETALL', KEYS[1])
local minTs = tonumber(ARGV[3]) - tonumber(ARGV[4])
local live = 0
for i = 1, #all, 2 do
  local ts = tonumber(string.match(all[i + 1], ':(%d+)$') or '0')
  if ts < minTs then
    redis.call('HDEL', KEYS[1], all[i])
  elseif all[i] ~= ARGV[1] then
    live = live + 1
  end
end
if live >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], '1:' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

/** TOUCH_PRESENCE — KEYS: presence hash. ARGV: connKey, now, staleMs. Refreshes an existing entry. */
const TOUCH_PRESENCE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], string.sub(v, 1, 1) .. ':' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * Appends and trims atomically. KEYS: log stream, meta hash, senders hash, rooms-with-logs set.
 * ARGV: sender, epoch, counter, cls, ts, payload, maxFrames, maxBytes, maxAgeMs, room, mode.
 * mode "trim" only applies retention. Returns the new seq, -1 for a duplicate, 0 after a trim.
 */
const APPEND = `
local trimOnly = ARGV[11] == 'trim'
local seq = 0
if not trimOnly then
  local prev = redis.call('HGET', KEYS[3], ARGV[1])
  if prev then
    local e, c = string.match(prev, '^(%d+):(%d+)$')
    if e == ARGV[2] and tonumber(ARGV[3]) <= tonumber(c) then return -1 end
  end
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
  seq = redis.call('HINCRBY', KEYS[2], 'head', 1)
  local size = string.len(ARGV[6])
  redis.call('XADD', KEYS[1], seq .. '-1', 's', ARGV[1], 'c', ARGV[4], 't', ARGV[5], 'n', size, 'p', ARGV[6])
  redis.call('HINCRBY', KEYS[2], 'count', 1)
  redis.call('HINCRBY', KEYS[2], 'bytes', size)
  redis.call('SADD', KEYS[4], ARGV[10])
end
local count = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
local bytes = tonumber(redis.call('HGET', KEYS[2], 'bytes') or '0')
local maxF = tonumber(ARGV[7])
local maxB = tonumber(ARGV[8])
local minTs = tonumber(ARGV[5]) - tonumber(ARGV[9])
while count > 0 do
  local o = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
  if #o == 0 then count = 0; bytes = 0; break end
  local id = o[1][1]
  local f = o[1][2]
  local ots = tonumber(f[6])
  local on = tonumber(f[8])
  if count > maxF or bytes > maxB or ots < minTs then
    redis.call('XDEL', KEYS[1], id)
    count = count - 1
    bytes = bytes - on
  else
    break
  end
end
redis.call('HSET', KEYS[2], 'count', count, 'bytes', bytes)
return seq
`;

const CREATE_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'account', ARGV[1], 'host', ARGV[2], 'controller', ARGV[2], 'cepoch', 1, 'created', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
`;

const SET_CONTROLLER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'controller', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'cepoch', 1)
`;

const CLAIM = `
local h = redis.call('HGET', KEYS[1], 'hash')
if not h or h ~= ARGV[1] then return 'pairing_invalid' end
if redis.call('HGET', KEYS[1], 'used') == '1' then return 'pairing_used' end
if tonumber(redis.call('HGET', KEYS[1], 'expires')) <= tonumber(ARGV[2]) then return 'pairing_expired' end
redis.call('HSET', KEYS[1], 'used', '1')
return 'ok'
`;

type Cmd = Redis & {
  relayAppend(...args: (string | Buffer | number)[]): Promise<number>;
  relayCreateRoom(...args: (string | number)[]): Promise<number>;
  relaySetController(...args: (string | number)[]): Promise<number>;
  relayClaim(...args: (string | number)[]): Promise<string>;
  relayClaimPresence(...args: (string | number)[]): Promise<number>;
  relayTouchPresence(...args: (string | number)[]): Promise<number>;
};

/**
 * Redis store for several relay instances: a stream per room (entry id = sequence), hashes for
 * devices, rooms, cursors and push targets, one pub/sub channel for fan-out between instances.
 */
export class RedisStore implements RelayStore {
  readonly kind = "redis" as const;
  readonly #r: Cmd;
  readonly #sub: Redis;
  readonly #p: string;
  readonly #listeners = new Set<(e: BusEvent) => void>();
  readonly #channel: string;

  /** how long a presence entry counts without being refreshed (3 ping rounds by default) */
  readonly #staleMs: number;

  private constructor(r: Redis, sub: Redis, prefix: string, staleMs: number) {
    this.#staleMs = staleMs;
    this.#r = r as Cmd;
    this.#sub = sub;
    this.#p = prefix;
    this.#channel = `${prefix}:bus`;
    r.defineCommand("relayAppend", { numberOfKeys: 4, lua: APPEND });
    r.defineCommand("relayCreateRoom", { numberOfKeys: 3, lua: CREATE_ROOM });
    r.defineCommand("relaySetController", { numberOfKeys: 1, lua: SET_CONTROLLER });
    r.defineCommand("relayClaim", { numberOfKeys: 1, lua: CLAIM });
    r.defineCommand("relayClaimPresence", { numberOfKeys: 1, lua: CLAIM_PRESENCE });
    r.defineCommand("relayTouchPresence", { numberOfKeys: 1, lua: TOUCH_PRESENCE });
    sub.on("messageBuffer", (_ch: Buffer, msg: Buffer) => {
      const e = decodeBus(msg);
      if (!e) return;
      for (const l of this.#listeners) l(e);
    });
  }

  static async connect(url: string, prefix: string, opts: { presenceStaleMs?: number } = {}): Promise<RedisStore> {
    const conn = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: false };
    const r = new Redis(url, conn);
    const sub = new Redis(url, conn);
    await r.connect();
    await sub.connect();
    const store = new RedisStore(r, sub, prefix, opts.presenceStaleMs ?? 90_000);
    await store.#indexMembersByDevice();
    await sub.subscribe(store.#channel);
    return store;
  }

  /**
   * `roomsOf` reads a set of rooms per device that `addMember` fills. Memberships written by a relay
   * from before that set are indexed once here (idempotent, so instances starting together are fine).
   */
  async #indexMembersByDevice(): Promise<void> {
    const done = this.#k("devrooms-indexed");
    if ((await this.#r.exists(done)) === 1) return;
    const prefix = this.#k("members", "");
    let cursor = "0";
    do {
      const [next, keys] = await this.#r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const room = key.slice(prefix.length);
        const devices = await this.#r.smembers(key);
        if (devices.length === 0) continue;
        const m = this.#r.multi();
        for (const d of devices) m.sadd(this.#k("devrooms", d), room);
        await m.exec();
      }
    } while (cursor !== "0");
    await this.#r.set(done, "1");
  }

  #k(...parts: string[]): string {
    return `${this.#p}:${parts.join(":")}`;
  }

  async ready() {
    try {
      return (await this.#r.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async getDevice(id: string): Promise<DeviceRecord | undefined> {
    const h = await this.#r.hgetall(this.#k("dev", id));
    if (!h.kind) return undefined;
    return {
      id,
      kind: h.kind === "host" ? "host" : "phone",
      accountId: h.account ?? id,
      name: h.name ?? "",
      revoked: h.revoked === "1",
      createdAt: Number(h.created),
    };
  }
  async putDevice(d: DeviceRecord) {
    await this.#r.hset(this.#k("dev", d.id), {
      kind: d.kind,
      account: d.accountId,
      name: d.name,
      revoked: d.revoked ? "1" : "0",
      created: String(d.createdAt),
    });
  }
  async revokeDevice(id: string) {
    await this.#r.multi().hset(this.#k("dev", id), "revoked", "1").del(this.#k("push", id)).exec();
  }
  async createRoom(r: { room: string; accountId: string; host: string; createdAt: number }) {
    const res = await this.#r.relayCreateRoom(
      this.#k("room", r.room),
      this.#k("members", r.room),
      this.#k("hostrooms", r.host),
      r.accountId,
      r.host,
      r.createdAt,
      r.room,
    );
    return res === 1;
  }
  async getRoom(room: string): Promise<RoomRecord | undefined> {
    const [h, members] = await Promise.all([
      this.#r.hgetall(this.#k("room", room)),
      this.#r.smembers(this.#k("members", room)),
    ]);
    if (!h.host) return undefined;
    return {
      room,
      accountId: h.account ?? h.host,
      host: h.host,
      controller: h.controller ? h.controller : null,
      controllerEpoch: Number(h.cepoch),
      members,
      createdAt: Number(h.created),
    };
  }
  async countRoomsOf(host: string) {
    return this.#r.scard(this.#k("hostrooms", host));
  }
  async addMember(room: string, deviceId: string) {
    await this.#r.multi().sadd(this.#k("members", room), deviceId).sadd(this.#k("devrooms", deviceId), room).exec();
  }
  /** A host's rooms are in hostrooms; rooms it was added to (a phone's) in devrooms. */
  async roomsOf(deviceId: string, limit: number) {
    const rooms = (await this.#r.sunion(this.#k("hostrooms", deviceId), this.#k("devrooms", deviceId))).slice(0, limit);
    const hosts = await Promise.all(rooms.map((room) => this.#r.hget(this.#k("room", room), "host")));
    const out: RoomListing[] = [];
    rooms.forEach((room, i) => {
      const host = hosts[i];
      if (host) out.push({ room, host });
    });
    return out;
  }
  async setController(room: string, deviceId: string | null) {
    return Number(await this.#r.relaySetController(this.#k("room", room), deviceId ?? ""));
  }
  async openPairing(room: string, tokenHash: string, expiresAt: number) {
    const key = this.#k("pair", room);
    await this.#r
      .multi()
      .del(key)
      .hset(key, { hash: tokenHash, expires: String(expiresAt), used: "0" })
      .pexpireat(key, expiresAt + 86_400_000)
      .exec();
  }
  async claimPairing(room: string, tokenHash: string, now: number): Promise<PairingOutcome> {
    return (await this.#r.relayClaim(this.#k("pair", room), tokenHash, now)) as PairingOutcome;
  }

  #appendArgs(room: string) {
    return [this.#k("log", room), this.#k("meta", room), this.#k("snd", room), this.#k("logs")];
  }

  async append(i: AppendInput, ret: Retention): Promise<AppendResult> {
    const seq = await this.#r.relayAppend(
      ...this.#appendArgs(i.room),
      i.sender,
      i.epoch,
      i.counter,
      classCode(i.cls),
      i.ts,
      Buffer.from(i.payload.buffer, i.payload.byteOffset, i.payload.byteLength),
      ret.maxFrames,
      ret.maxBytes,
      ret.maxAgeMs,
      i.room,
      "append",
    );
    return seq === -1 ? { kind: "duplicate" } : { kind: "stored", seq: Number(seq) };
  }

  async read(room: string, fromSeq: number, limit: number): Promise<FrameRecord[]> {
    const rows = await this.#r.xrangeBuffer(this.#k("log", room), `${fromSeq}-0`, "+", "COUNT", limit);
    return rows.map(([id, f]) => {
      const m = new Map<string, Buffer>();
      for (let j = 0; j + 1 < f.length; j += 2) m.set(f[j]!.toString(), f[j + 1]!);
      return {
        seq: Number(id.toString().split("-")[0]),
        sender: m.get("s")?.toString() ?? "",
        cls: classOf(Number(m.get("c")?.toString())) ?? "output",
        ts: Number(m.get("t")?.toString()),
        payload: new Uint8Array(m.get("p") ?? Buffer.alloc(0)),
      };
    });
  }

  async bounds(room: string): Promise<LogBounds> {
    const [head, oldest] = await Promise.all([
      this.#r.hget(this.#k("meta", room), "head"),
      this.#r.xrange(this.#k("log", room), "-", "+", "COUNT", 1),
    ]);
    const h = Number(head ?? 0);
    const first = oldest.length > 0 ? Number(oldest[0]![0].split("-")[0]) : h + 1;
    return { first, head: h };
  }

  async sweep(ret: Retention, now: number) {
    const rooms = await this.#r.smembers(this.#k("logs"));
    for (const room of rooms) {
      await this.#r.relayAppend(
        ...this.#appendArgs(room),
        "",
        0,
        0,
        0,
        now,
        "",
        ret.maxFrames,
        ret.maxBytes,
        ret.maxAgeMs,
        room,
        "trim",
      );
    }
  }

  async setCursor(room: string, deviceId: string, seq: number) {
    await this.#r.hset(this.#k("cur", room), deviceId, String(seq));
  }
  async getCursor(room: string, deviceId: string) {
    const v = await this.#r.hget(this.#k("cur", room), deviceId);
    return v === null ? undefined : Number(v);
  }
  async addPushTarget(deviceId: string, t: PushTarget) {
    await this.#r.hset(this.#k("push", deviceId), pushTargetKey(t), JSON.stringify(t));
  }
  async removePushTarget(deviceId: string, key: string) {
    await this.#r.hdel(this.#k("push", deviceId), key);
  }
  async pushTargets(deviceId: string) {
    const out: PushTarget[] = [];
    for (const v of Object.values(await this.#r.hgetall(this.#k("push", deviceId)))) {
      const t = PushTarget.safeParse(JSON.parse(v));
      if (t.success) out.push(t.data);
    }
    return out;
  }
  async claimPresence(deviceId: string, connKey: string, max: number, now: number) {
    const key = this.#k("presence", deviceId);
    return Number(await this.#r.relayClaimPresence(key, connKey, max, now, this.#staleMs)) === 1;
  }
  async touchPresence(entries: readonly PresenceKey[], now: number) {
    if (entries.length === 0) return;
    const p = this.#r.pipeline() as unknown as Pick<Cmd, "relayTouchPresence"> & { exec(): Promise<unknown> };
    for (const e of entries) p.relayTouchPresence(this.#k("presence", e.deviceId), e.connKey, now, this.#staleMs);
    await p.exec();
  }
  async setPresence(deviceId: string, connKey: string, active: boolean | undefined) {
    const key = this.#k("presence", deviceId);
    if (active === undefined) await this.#r.hdel(key, connKey);
    else
      await this.#r
        .multi()
        .hset(key, connKey, `${active ? 1 : 0}:${Date.now()}`)
        .pexpire(key, this.#staleMs)
        .exec();
  }
  async addRateUsage(usage: readonly RateUsage[], now: number) {
    const window = Math.floor(now / 1000);
    const p = this.#r.pipeline();
    for (const u of usage) {
      const m = this.#k("rate", u.deviceId, String(window), "m");
      const b = this.#k("rate", u.deviceId, String(window), "b");
      p.incrby(m, u.messages).pexpire(m, 3000).incrby(b, u.bytes).pexpire(b, 3000);
    }
    const res = (await p.exec()) ?? [];
    return usage.map((_, i) => ({
      messages: Number(res[i * 4]?.[1] ?? 0),
      bytes: Number(res[i * 4 + 2]?.[1] ?? 0),
    }));
  }
  async isActive(deviceId: string, now: number) {
    const minTs = now - this.#staleMs;
    for (const v of await this.#r.hvals(this.#k("presence", deviceId))) {
      const [active, ts] = v.split(":");
      if (active === "1" && Number(ts) >= minTs) return true;
    }
    return false;
  }

  publish(e: BusEvent) {
    void this.#r.publish(this.#channel, encodeBus(e)).catch(() => {});
  }
  subscribe(l: (e: BusEvent) => void) {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }
  async close() {
    this.#sub.disconnect();
    await this.#r.quit().catch(() => {});
  }
}

/** Bus message: u32 header length | JSON header | payload (frames only). */
function encodeBus(e: BusEvent): Buffer {
  const payload = e.type === "frame" ? e.payload : undefined;
  const header = Buffer.from(JSON.stringify(e.type === "frame" ? { ...e, payload: undefined } : e));
  const out = Buffer.allocUnsafe(4 + header.length + (payload?.length ?? 0));
  out.writeUInt32BE(header.length, 0);
  header.copy(out, 4);
  if (payload) out.set(payload, 4 + header.length);
  return out;
}

function decodeBus(b: Buffer): BusEvent | undefined {
  try {
    const n = b.readUInt32BE(0);
    const h = JSON.parse(b.subarray(4, 4 + n).toString()) as BusEvent;
    if (h.type === "frame") return { ...h, payload: new Uint8Array(b.subarray(4 + n)) };
    return h;
  } catch {
    return undefined;
  }
}
