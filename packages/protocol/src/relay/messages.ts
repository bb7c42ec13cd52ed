import { z } from "zod";
import { BASE64URL } from "./base64url.ts";
import { RelayErrorCode } from "./errors.ts";

/**
 * The relay's JSON text messages (control plane). Sealed frames travel as binary WebSocket messages
 * (see `envelope.ts`). Everything here is routing metadata the relay may see: device ids, room ids,
 * sequence numbers, controller state. No message carries content.
 */
export const RELAY_WIRE_VERSION = 1;

export const RoomId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "room id: 1-64 of A-Z a-z 0-9 _ -");
export const DeviceId = z.string().regex(BASE64URL).length(43, "device id: base64url Ed25519 public key");
const B64 = z.string().regex(BASE64URL, "base64url").max(4096);
const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Rid = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31)
  .optional();
const U32 = z.number().int().min(0).max(0xffffffff);

export const DeviceKind = z.enum(["host", "phone"]);
export type DeviceKind = z.infer<typeof DeviceKind>;
export const RoutingClass = z.enum(["output", "input", "control"]);
export type RoutingClass = z.infer<typeof RoutingClass>;
/** attention_needed: the agent stopped pursuing its goal and waits for the user (blocked, out of budget). */
export const PushCategory = z.enum(["approval_needed", "turn_completed", "error", "attention_needed"]);
export type PushCategory = z.infer<typeof PushCategory>;

export const WebPushSubscription = z.object({
  endpoint: z.url().max(2048),
  keys: z.object({ p256dh: B64.min(1), auth: B64.min(1) }),
});
export type WebPushSubscription = z.infer<typeof WebPushSubscription>;

export const PushTarget = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("apns"),
    token: z.string().regex(/^[0-9a-fA-F]{16,200}$/),
    topic: z.string().max(200).optional(),
  }),
  z.object({ kind: z.literal("webpush"), subscription: WebPushSubscription }),
]);
export type PushTarget = z.infer<typeof PushTarget>;

// ---------- client -> relay ----------
export const ClientMessage = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("auth"),
    v: z.literal(RELAY_WIRE_VERSION),
    /** the challenge nonce being answered (lets the relay tell a replay from a bad signature) */
    nonce: B64.length(43),
    publicKey: B64.length(43),
    signature: B64.length(86),
    register: z.object({ kind: DeviceKind, name: z.string().max(100) }).optional(),
  }),
  z.object({ t: z.literal("open_room"), rid: Rid, room: RoomId }),
  /** token: the one-time pairing token (base64url, >= 16 bytes); the relay keeps only its SHA-256. */
  z.object({
    t: z.literal("open_pairing"),
    rid: Rid,
    room: RoomId,
    token: B64.min(22).max(128),
    ttlMs: z.number().int().min(1000).max(86_400_000),
  }),
  z.object({
    t: z.literal("claim_pairing"),
    rid: Rid,
    room: RoomId,
    token: B64.min(22).max(128),
    name: z.string().max(100),
  }),
  /** after: the last sequence this device already has; omitted = resume from the relay's ack cursor. */
  z.object({ t: z.literal("join"), rid: Rid, room: RoomId, after: Seq.optional() }),
  z.object({ t: z.literal("leave"), rid: Rid, room: RoomId }),
  /** Cumulative: every frame up to and including seq was received. */
  z.object({ t: z.literal("ack"), room: RoomId, seq: Seq }),
  z.object({ t: z.literal("control_request"), rid: Rid, room: RoomId }),
  z.object({ t: z.literal("control_grant"), rid: Rid, room: RoomId, deviceId: DeviceId }),
  z.object({ t: z.literal("control_refuse"), rid: Rid, room: RoomId, deviceId: DeviceId }),
  /** The host takes control back (or a controller hands it back). */
  z.object({ t: z.literal("control_revoke"), rid: Rid, room: RoomId }),
  z.object({ t: z.literal("notify"), rid: Rid, room: RoomId, category: PushCategory }),
  z.object({ t: z.literal("push_register"), rid: Rid, target: PushTarget }),
  z.object({ t: z.literal("presence"), active: z.boolean() }),
  z.object({ t: z.literal("revoke_device"), rid: Rid, deviceId: DeviceId }),
  /**
   * A host admits a device to one of its rooms: one that is already a member of another room of the
   * same host (a phone paired with this laptop follows the laptop's other sessions).
   */
  z.object({ t: z.literal("add_member"), rid: Rid, room: RoomId, deviceId: DeviceId }),
  /** The rooms this device is a member of; answered with `ok` data `{ rooms: RoomListing[] }`. */
  z.object({ t: z.literal("list_rooms"), rid: Rid }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---------- relay -> client ----------
export const ServerMessage = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("challenge"),
    v: z.literal(RELAY_WIRE_VERSION),
    nonce: B64.length(43),
    serverTime: z.number(),
  }),
  z.object({ t: z.literal("welcome"), deviceId: DeviceId, accountId: DeviceId, kind: DeviceKind }),
  /** Reply to a request that carried a rid. */
  z.object({ t: z.literal("ok"), rid: z.number().int(), data: z.record(z.string(), z.unknown()).optional() }),
  z.object({
    t: z.literal("error"),
    rid: z.number().int().optional(),
    code: RelayErrorCode,
    message: z.string(),
    room: RoomId.optional(),
  }),
  z.object({
    t: z.literal("joined"),
    room: RoomId,
    /** first retained sequence, last assigned sequence (0 = empty log) */
    first: Seq,
    head: Seq,
    controller: DeviceId.nullable(),
    host: DeviceId,
  }),
  /** Frames from..to (inclusive) were trimmed before this device read them: resync from state. */
  z.object({ t: z.literal("gap"), room: RoomId, from: Seq, to: Seq }),
  /** Frames of this sender in this room with counter <= upTo (same epoch) are durable in the log. */
  z.object({ t: z.literal("sent"), room: RoomId, epoch: U32, upTo: U32 }),
  /** A sent frame the relay refused to forward, and why. */
  z.object({ t: z.literal("dropped"), room: RoomId, epoch: U32, counter: U32, code: RelayErrorCode }),
  z.object({ t: z.literal("controller"), room: RoomId, deviceId: DeviceId.nullable(), epoch: z.number().int() }),
  z.object({ t: z.literal("control_requested"), room: RoomId, deviceId: DeviceId }),
  z.object({ t: z.literal("control_refused"), room: RoomId, deviceId: DeviceId }),
  /** Sent to the host when a phone claimed its pairing room (the public half only). */
  z.object({ t: z.literal("paired"), room: RoomId, deviceId: DeviceId, name: z.string() }),
  z.object({ t: z.literal("revoked"), deviceId: DeviceId }),
  /** Sent to a device its host admitted to another room (`add_member`). */
  z.object({ t: z.literal("room_added"), room: RoomId, host: DeviceId, deviceId: DeviceId }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** One room of a `list_rooms` answer. */
export const RoomListing = z.object({ room: RoomId, host: DeviceId });
export type RoomListing = z.infer<typeof RoomListing>;
/** At most this many rooms in one `list_rooms` answer. */
export const MAX_LISTED_ROOMS = 256;
export const RoomList = z.object({ rooms: z.array(RoomListing).max(MAX_LISTED_ROOMS) });

export type ClientMessageOf<T extends ClientMessage["t"]> = Extract<ClientMessage, { t: T }>;
export type ServerMessageOf<T extends ServerMessage["t"]> = Extract<ServerMessage, { t: T }>;

export function parseClientMessage(text: string): ClientMessage | undefined {
  try {
    const r = ClientMessage.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function parseServerMessage(text: string): ServerMessage | undefined {
  try {
    const r = ServerMessage.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
