/**
 * The cleartext header of a sealed frame. It is the AEAD associated data, so none of its fields
 * can be changed without the frame failing to open. The relay may read it (peekSealedHeader) to
 * route; it never sees anything else.
 *
 * 34 bytes, big-endian:
 *   0  u16 magic 0x4353 ("CS")   2  u8 version (1)   3  u8 content type (1 control, 2 binary)
 *   4  u8 direction (1 wrapper→phone, 2 phone→wrapper)   5  u8 flags (0, reserved)
 *   6  u32 key epoch   10 u64 sequence (per direction, ≤ 2^53-1)   18 16-byte session id
 * then ciphertext || 16-byte Poly1305 tag.
 */
import { toBase64Url } from "../bytes.ts";
import { ProtocolError } from "../errors.ts";

export const SEALED_MAGIC = 0x4353;
export const SEALED_VERSION = 1;
export const SEALED_HEADER_BYTES = 34;
export const SEALED_TAG_BYTES = 16;
export const SESSION_ID_BYTES = 16;

export const SEALED_CONTENT_TYPES = { control: 1, binary: 2 } as const;
export type SealedContentType = keyof typeof SEALED_CONTENT_TYPES;

export const DIRECTIONS = { wrapper_to_phone: 1, phone_to_wrapper: 2 } as const;
export type Direction = keyof typeof DIRECTIONS;

export interface SealedHeader {
  readonly contentType: SealedContentType;
  readonly direction: Direction;
  readonly epoch: number;
  readonly sequence: number;
  /** base64url of the 16 session id bytes. */
  readonly sessionId: string;
}

const TWO_32 = 0x1_0000_0000;

export function writeSealedHeader(
  out: Uint8Array,
  contentType: number,
  direction: number,
  epoch: number,
  sequence: number,
  sessionId: Uint8Array,
): void {
  const view = new DataView(out.buffer, out.byteOffset, SEALED_HEADER_BYTES);
  view.setUint16(0, SEALED_MAGIC);
  view.setUint8(2, SEALED_VERSION);
  view.setUint8(3, contentType);
  view.setUint8(4, direction);
  view.setUint8(5, 0);
  view.setUint32(6, epoch);
  view.setUint32(10, Math.floor(sequence / TWO_32));
  view.setUint32(14, sequence >>> 0);
  out.set(sessionId, 18);
}

export interface RawSealedHeader {
  readonly contentType: number;
  readonly direction: number;
  readonly epoch: number;
  readonly sequence: number;
}

/** Parses the fixed fields; PROTO_ERR_SEALED_TRUNCATED / PROTO_ERR_SEALED_HEADER on bad bytes. */
export function readSealedHeader(bytes: Uint8Array): RawSealedHeader {
  if (!(bytes instanceof Uint8Array))
    throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "sealed frame must be a Uint8Array");
  if (bytes.length < SEALED_HEADER_BYTES + SEALED_TAG_BYTES) {
    throw new ProtocolError(
      "PROTO_ERR_SEALED_TRUNCATED",
      `${bytes.length} < ${SEALED_HEADER_BYTES + SEALED_TAG_BYTES} bytes`,
    );
  }
  // Plain byte reads (no DataView): this runs for every received frame.
  const b = bytes;
  if (b[0] !== SEALED_MAGIC >> 8 || b[1] !== (SEALED_MAGIC & 0xff))
    throw new ProtocolError("PROTO_ERR_SEALED_HEADER", "magic");
  if (b[2] !== SEALED_VERSION) throw new ProtocolError("PROTO_ERR_SEALED_HEADER", `version ${b[2]}`);
  const contentType = b[3];
  if (contentType !== 1 && contentType !== 2)
    throw new ProtocolError("PROTO_ERR_SEALED_HEADER", `content type ${contentType}`);
  const direction = b[4];
  if (direction !== 1 && direction !== 2) throw new ProtocolError("PROTO_ERR_SEALED_HEADER", `direction ${direction}`);
  if (b[5] !== 0) throw new ProtocolError("PROTO_ERR_SEALED_HEADER", "reserved flags");
  const u32 = (at: number): number =>
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0;
  const hi = u32(10);
  if (hi > 0x1f_ffff) throw new ProtocolError("PROTO_ERR_SEALED_HEADER", "sequence above 2^53-1");
  return { contentType, direction, epoch: u32(6), sequence: hi * TWO_32 + u32(14) };
}

/** What the relay may know about a sealed frame, without any key. Throws only ProtocolError. */
export function peekSealedHeader(bytes: Uint8Array): SealedHeader {
  const raw = readSealedHeader(bytes);
  return {
    contentType: raw.contentType === 1 ? "control" : "binary",
    direction: raw.direction === 1 ? "wrapper_to_phone" : "phone_to_wrapper",
    epoch: raw.epoch,
    sequence: raw.sequence,
    sessionId: toBase64Url(bytes.subarray(18, 18 + SESSION_ID_BYTES)),
  };
}
