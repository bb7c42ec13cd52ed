import { deliverHeaderLength, type RoutingClass, writeDeliverHeader } from "@codex-remote/protocol/relay";
import type { WebSocket } from "ws";

/**
 * Writes deliver envelopes as WebSocket binary messages straight to the socket, so a sealed frame's
 * bytes are never copied on their way through the relay: one small buffer holds the WebSocket frame
 * header and the deliver header, and the payload (a view of what the sender's socket read, or of
 * what the store returned) follows it in the same writev. ws's own Sender writes synchronously when
 * there is no compression and no Blob (the relay uses neither), so these writes stay in order with
 * its pings, JSON messages and close frames.
 */

/** Below this, the payload is copied next to its headers: one small write beats two. */
const INLINE_BELOW = 2048;

interface RawSocket {
  readonly writableLength: number;
  cork(): void;
  uncork(): void;
  write(b: Uint8Array): boolean;
  destroyed?: boolean;
  writable?: boolean;
}

const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: RawSocket })._socket;

/**
 * Frames written to one socket during one event-loop turn leave in one writev: the socket is corked
 * on the first write of the turn and uncorked on setImmediate (ws's own cork/uncork nests inside),
 * or as soon as it holds FLUSH_AT bytes. A turn can read megabytes (libuv reads a socket up to 32
 * times per poll); holding all of it back until the turn ends left the reader idle meanwhile and
 * then flooded it, where writes of a few dozen KiB keep both ends busy.
 */
const FLUSH_AT = 64 * 1024;
const corked = new Set<RawSocket>();
function flushCorked(): void {
  for (const s of corked) s.uncork();
  corked.clear();
}
export function corkForTurn(ws: WebSocket): void {
  const socket = socketOf(ws);
  if (!socket || socket.destroyed || corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (corked.size === 1) setImmediate(flushCorked);
}

export interface DeliverFrame {
  readonly seq: number;
  readonly sender: string;
  readonly cls: RoutingClass;
  readonly payload: Uint8Array;
}

/**
 * The bytes that precede a frame's payload on the wire: WebSocket frame header (FIN, binary, no
 * mask, 7/16/64-bit length) then the deliver header; with a small payload, the payload too.
 * Shareable between the readers of one frame.
 */
export function deliverHead(room: string, f: DeliverFrame): Uint8Array {
  const dh = deliverHeaderLength(room, f.sender);
  const len = dh + f.payload.length;
  const wsh = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const inline = f.payload.length < INLINE_BELOW;
  const head = Buffer.allocUnsafe(wsh + dh + (inline ? f.payload.length : 0));
  head[0] = 0x82;
  if (wsh === 2) head[1] = len;
  else if (wsh === 4) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    head.writeUInt32BE(len >>> 0, 6);
  }
  writeDeliverHeader(head, room, f.cls, f.sender, f.seq, wsh);
  if (inline) head.set(f.payload, wsh + dh);
  return head;
}

/** Sends one deliver envelope (its head from deliverHead); false when the socket can't take it. */
export function writeDeliver(ws: WebSocket, head: Uint8Array, payload: Uint8Array): boolean {
  const socket = socketOf(ws);
  if (ws.readyState !== 1 || !socket || socket.destroyed || socket.writable === false) return false;
  corkForTurn(ws);
  socket.write(head);
  if (payload.length >= INLINE_BELOW) socket.write(payload);
  if (socket.writableLength >= FLUSH_AT && corked.delete(socket)) socket.uncork();
  return true;
}
