import type { RoutingClass } from "./messages.ts";

/**
 * The sealed-frame envelope: binary WebSocket messages carrying ONLY routing metadata and the
 * opaque ciphertext (which the relay never opens). Big-endian.
 *
 * send (device -> relay):
 *   u8 0x01 | u8 class | u8 roomLen | room (ASCII) | u32 epoch | u32 counter | payload...
 * deliver (relay -> device):
 *   u8 0x02 | u8 class | u8 roomLen | room | u8 senderLen | sender (ASCII) | u32 seqHi | u32 seqLo | payload...
 *
 * (epoch, counter) is the client message id: epoch is random per client instance, counter grows per
 * send; the relay uses it to store a frame re-sent after a reconnect exactly once.
 */
export const ENVELOPE_SEND = 0x01;
export const ENVELOPE_DELIVER = 0x02;

const CLASSES: readonly RoutingClass[] = ["output", "input", "control"];
export function classCode(cls: RoutingClass): number {
  return CLASSES.indexOf(cls);
}
export function classOf(code: number): RoutingClass | undefined {
  return CLASSES[code];
}

export interface SendEnvelope {
  readonly room: string;
  readonly cls: RoutingClass;
  readonly epoch: number;
  readonly counter: number;
  readonly payload: Uint8Array;
}

export interface DeliverEnvelope {
  readonly room: string;
  readonly cls: RoutingClass;
  readonly sender: string;
  readonly seq: number;
  readonly payload: Uint8Array;
}

function ascii(s: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i) & 0x7f;
  return at + s.length;
}

function readAscii(b: Uint8Array, at: number, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[at + i]!);
  return s;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

export function encodeSend(e: SendEnvelope): Uint8Array {
  const out = new Uint8Array(3 + e.room.length + 8 + e.payload.length);
  const dv = new DataView(out.buffer);
  out[0] = ENVELOPE_SEND;
  out[1] = classCode(e.cls);
  out[2] = e.room.length;
  let at = ascii(e.room, out, 3);
  dv.setUint32(at, e.epoch >>> 0);
  dv.setUint32(at + 4, e.counter >>> 0);
  at += 8;
  out.set(e.payload, at);
  return out;
}

/** undefined when the bytes are not a well-formed send envelope. */
export function decodeSend(b: Uint8Array): SendEnvelope | undefined {
  if (b.length < 3 || b[0] !== ENVELOPE_SEND) return undefined;
  const cls = classOf(b[1]!);
  const roomLen = b[2]!;
  if (cls === undefined || roomLen < 1 || roomLen > 64 || b.length < 3 + roomLen + 8) return undefined;
  const room = readAscii(b, 3, roomLen);
  if (!/^[A-Za-z0-9_-]+$/.test(room)) return undefined;
  const at = 3 + roomLen;
  return { room, cls, epoch: u32(b, at), counter: u32(b, at + 4), payload: b.subarray(at + 8) };
}

/**
 * decodeSend for a relay's hot path: when the frame's room has the same bytes as `known` (a room id
 * already decoded and validated on this connection), `known` is reused instead of building and
 * checking a new string. Same result as decodeSend.
 */
export function decodeSendKnown(b: Uint8Array, known: string | undefined): SendEnvelope | undefined {
  if (known === undefined || b[0] !== ENVELOPE_SEND || b[2] !== known.length || b.length < 3 + known.length + 8) {
    return decodeSend(b);
  }
  for (let i = 0; i < known.length; i++) if (b[3 + i] !== known.charCodeAt(i)) return decodeSend(b);
  const cls = classOf(b[1]!);
  if (cls === undefined) return undefined;
  const at = 3 + known.length;
  return { room: known, cls, epoch: u32(b, at), counter: u32(b, at + 4), payload: b.subarray(at + 8) };
}

/** Header bytes of a deliver envelope (the payload follows). */
export function deliverHeaderLength(room: string, sender: string): number {
  return 3 + room.length + 1 + sender.length + 8;
}

export function encodeDeliver(e: DeliverEnvelope): Uint8Array {
  const h = deliverHeaderLength(e.room, e.sender);
  const out = new Uint8Array(h + e.payload.length);
  writeDeliverHeader(out, e.room, e.cls, e.sender, e.seq);
  out.set(e.payload, h);
  return out;
}

// room + sender bytes of recent deliver headers (a relay writes the same few pairs over and over)
const prefixes = new Map<string, Map<string, Uint8Array>>();
let prefixCount = 0;

function deliverPrefix(room: string, sender: string): Uint8Array {
  let bySender = prefixes.get(room);
  if (bySender?.has(sender)) return bySender.get(sender)!;
  if (prefixCount >= 1024) {
    prefixes.clear();
    prefixCount = 0;
    bySender = undefined;
  }
  if (!bySender) {
    bySender = new Map();
    prefixes.set(room, bySender);
  }
  let p = bySender.get(sender);
  if (!p) {
    p = new Uint8Array(1 + room.length + 1 + sender.length);
    p[0] = room.length;
    let at = ascii(room, p, 1);
    p[at++] = sender.length;
    ascii(sender, p, at);
    bySender.set(sender, p);
    prefixCount++;
  }
  return p;
}

export function writeDeliverHeader(
  out: Uint8Array,
  room: string,
  cls: RoutingClass,
  sender: string,
  seq: number,
  offset = 0,
): void {
  const prefix = deliverPrefix(room, sender);
  out[offset] = ENVELOPE_DELIVER;
  out[offset + 1] = classCode(cls);
  out.set(prefix, offset + 2);
  let at = offset + 2 + prefix.length;
  const hi = Math.floor(seq / 2 ** 32);
  const lo = seq >>> 0;
  out[at++] = hi >>> 24;
  out[at++] = (hi >>> 16) & 0xff;
  out[at++] = (hi >>> 8) & 0xff;
  out[at++] = hi & 0xff;
  out[at++] = lo >>> 24;
  out[at++] = (lo >>> 16) & 0xff;
  out[at++] = (lo >>> 8) & 0xff;
  out[at] = lo & 0xff;
}

export function decodeDeliver(b: Uint8Array): DeliverEnvelope | undefined {
  if (b.length < 4 || b[0] !== ENVELOPE_DELIVER) return undefined;
  const cls = classOf(b[1]!);
  const roomLen = b[2]!;
  if (cls === undefined || b.length < 3 + roomLen + 1) return undefined;
  const room = readAscii(b, 3, roomLen);
  let at = 3 + roomLen;
  const senderLen = b[at++]!;
  if (b.length < at + senderLen + 8) return undefined;
  const sender = readAscii(b, at, senderLen);
  at += senderLen;
  const seq = u32(b, at) * 2 ** 32 + u32(b, at + 4);
  return { room, cls, sender, seq, payload: b.subarray(at + 8) };
}

/** Sequence and ciphertext of a deliver envelope without decoding its ids (hot receive paths). */
export function peekDeliver(b: Uint8Array): { seq: number; payload: Uint8Array } | undefined {
  if (b.length < 4 || b[0] !== ENVELOPE_DELIVER) return undefined;
  const at = 3 + b[2]! + 1 + (b[3 + b[2]!] ?? 0);
  if (b.length < at + 8) return undefined;
  return { seq: u32(b, at) * 2 ** 32 + u32(b, at + 4), payload: b.subarray(at + 8) };
}
