import type { DeviceKind, PushTarget, RoomListing, RoutingClass, ServerMessage } from "@codex-remote/protocol/relay";

/** A sealed frame as the relay keeps it: routing metadata plus opaque bytes it never opens. */
export interface FrameRecord {
  readonly seq: number;
  readonly sender: string;
  readonly cls: RoutingClass;
  readonly ts: number;
  readonly payload: Uint8Array;
}

export interface AppendInput {
  readonly room: string;
  readonly sender: string;
  readonly cls: RoutingClass;
  /** client message id: (epoch, counter); a repeat of an already stored id is a duplicate */
  readonly epoch: number;
  readonly counter: number;
  readonly payload: Uint8Array;
  readonly ts: number;
}

export type AppendResult = { readonly kind: "stored"; readonly seq: number } | { readonly kind: "duplicate" };

/**
 * Receives the outcome of `appendWith` (the relay's hot path: no promise, no result object per frame).
 * seq 0 means a duplicate.
 */
export interface AppendSink {
  appended(input: AppendInput, seq: number): void;
  appendFailed(input: AppendInput, err: unknown): void;
}

export interface Retention {
  readonly maxFrames: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

/** first: oldest retained sequence; head: last assigned (0 = nothing yet). Empty log: first = head + 1. */
export interface LogBounds {
  readonly first: number;
  readonly head: number;
}

export interface DeviceRecord {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly accountId: string;
  readonly name: string;
  readonly revoked: boolean;
  readonly createdAt: number;
}

export interface RoomRecord {
  readonly room: string;
  readonly accountId: string;
  readonly host: string;
  readonly controller: string | null;
  readonly controllerEpoch: number;
  readonly members: readonly string[];
  readonly createdAt: number;
}

export type PairingOutcome = "ok" | "pairing_invalid" | "pairing_expired" | "pairing_used";

/** What instances tell each other (in-process for memory/sqlite, pub/sub for Redis). */
export type BusEvent =
  | {
      readonly type: "frame";
      readonly room: string;
      readonly seq: number;
      readonly sender: string;
      readonly cls: RoutingClass;
      readonly payload: Uint8Array;
    }
  | { readonly type: "room"; readonly room: string; readonly to?: string | undefined; readonly msg: ServerMessage }
  | { readonly type: "revoked"; readonly deviceId: string };

/**
 * The one store interface. Implementations: memory (tests), SQLite (default, survives restart),
 * Redis (several instances). All pass test/store-contract.ts.
 *
 * Ordering contract: append() calls made in order for one room get increasing sequences in that order,
 * and a frame is readable and published only once it is durable.
 */
export interface RelayStore {
  readonly kind: "memory" | "sqlite" | "redis";
  ready(): Promise<boolean>;

  getDevice(id: string): Promise<DeviceRecord | undefined>;
  putDevice(device: DeviceRecord): Promise<void>;
  revokeDevice(id: string): Promise<void>;

  /** false when the room id is taken. The host becomes the first member and the controller. */
  createRoom(room: { room: string; accountId: string; host: string; createdAt: number }): Promise<boolean>;
  getRoom(room: string): Promise<RoomRecord | undefined>;
  countRoomsOf(host: string): Promise<number>;
  addMember(room: string, deviceId: string): Promise<void>;
  /** The rooms `deviceId` is a member of (hosts are members of their rooms), at most `limit`. */
  roomsOf(deviceId: string, limit: number): Promise<RoomListing[]>;
  /** Sets the controller and returns the new controller epoch. */
  setController(room: string, deviceId: string | null): Promise<number>;

  openPairing(room: string, tokenHash: string, expiresAt: number): Promise<void>;
  /** Atomically consumes a pairing token. */
  claimPairing(room: string, tokenHash: string, now: number): Promise<PairingOutcome>;

  append(input: AppendInput, retention: Retention): Promise<AppendResult>;
  /** Synchronous append, for stores where a frame is durable when the call returns (memory). */
  appendNow?(input: AppendInput, retention: Retention): AppendResult;
  /**
   * append() reporting to a sink instead of a promise, same ordering and durability: the sink hears
   * of a frame only once it is durable (synchronously for the memory store, after COMMIT for SQLite).
   */
  appendWith?(input: AppendInput, retention: Retention, sink: AppendSink): void;
  /** Frames with seq >= fromSeq (oldest first, at most limit); frames before `first` are gone. */
  read(room: string, fromSeq: number, limit: number): Promise<FrameRecord[]>;
  bounds(room: string): Promise<LogBounds>;
  /** Drops frames past the age limit in every room (appends trim count, bytes and age as they go). */
  sweep(retention: Retention, now: number): Promise<void>;

  setCursor(room: string, deviceId: string, seq: number): Promise<void>;
  getCursor(room: string, deviceId: string): Promise<number | undefined>;

  addPushTarget(deviceId: string, target: PushTarget): Promise<void>;
  removePushTarget(deviceId: string, key: string): Promise<void>;
  pushTargets(deviceId: string): Promise<PushTarget[]>;

  /**
   * Registers one authenticated connection of a device (connKey unique per connection, active) unless
   * the device already has `max` live connections on any instance sharing this store: false then.
   */
  claimPresence(deviceId: string, connKey: string, max: number, now: number): Promise<boolean>;
  /** Presence of one connection (active or in the background); undefined removes it. */
  setPresence(deviceId: string, connKey: string, active: boolean | undefined): Promise<void>;
  /**
   * Marks this instance's connections as still alive (every ping round). A store shared by several
   * instances stops counting, for limits and for push suppression, an entry not refreshed within
   * its staleness window: the connections of an instance that died.
   */
  touchPresence(entries: readonly PresenceKey[], now: number): Promise<void>;
  isActive(deviceId: string, now: number): Promise<boolean>;

  /**
   * Stores shared by several instances: adds each device's usage since this instance's last report
   * to its count for the current one-second window (from `now`) and returns the window's totals
   * across instances, in the same order. Single-instance stores leave it out.
   */
  addRateUsage?(usage: readonly RateUsage[], now: number): Promise<{ messages: number; bytes: number }[]>;

  publish(event: BusEvent): void;
  subscribe(listener: (event: BusEvent) => void): () => void;

  close(): Promise<void>;
}

export interface RateUsage {
  readonly deviceId: string;
  readonly messages: number;
  readonly bytes: number;
}

export interface PresenceKey {
  readonly deviceId: string;
  readonly connKey: string;
}

export function pushTargetKey(t: PushTarget): string {
  return t.kind === "apns" ? `apns:${t.token}` : `webpush:${t.subscription.endpoint}`;
}
