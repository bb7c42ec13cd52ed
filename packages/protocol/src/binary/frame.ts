/**
 * Binary frames: what must not go through JSON (terminal bytes, audio, large diff/file chunks).
 *
 * Fixed 18-byte header, big-endian:
 *   0  u16 magic 0x4352 ("CR")     2  u8 version (1)     3  u8 type
 *   4  u16 flags                  6  u32 stream id      10 u32 sequence (per stream)
 *   14 u32 length of the body that follows (type-specific metadata + data)
 * Body per type:
 *   terminal_output / terminal_input: the raw bytes.
 *   audio: u8 codec (1 pcm_s16le, 2 opus), u8 channels, u32 sample rate (Hz),
 *          u32 frame duration (microseconds), then the samples / the Opus packet.
 *   diff_chunk / file_chunk: u64 offset, u64 total size (both ≤ 2^53-1), then the chunk bytes.
 * The frame is exactly header + length bytes; anything else is rejected.
 */
import { ProtocolError } from "../errors.ts";

export const BINARY_MAGIC = 0x4352;
export const BINARY_VERSION = 1;
export const BINARY_HEADER_BYTES = 18;
/** Largest body accepted or produced: 1 MiB (bigger payloads are split into chunks). */
export const MAX_BINARY_BODY_BYTES = 1 << 20;

export const BINARY_FRAME_TYPES = {
  terminal_output: 1,
  terminal_input: 2,
  audio: 3,
  diff_chunk: 4,
  file_chunk: 5,
} as const;
export type BinaryFrameType = keyof typeof BINARY_FRAME_TYPES;
const TYPE_BY_CODE: ReadonlyMap<number, BinaryFrameType> = new Map(
  Object.entries(BINARY_FRAME_TYPES).map(([name, code]) => [code, name as BinaryFrameType]),
);

/** Flag bits. Unknown bits are rejected so that a later version can give them meaning. */
export const BINARY_FLAGS = {
  /** The last frame of its stream (end of file/diff, end of utterance). */
  end: 0x0001,
  /** Audio: the first frame of an utterance (push-to-talk pressed / VAD start). */
  start: 0x0002,
} as const;
const KNOWN_FLAGS = BINARY_FLAGS.end | BINARY_FLAGS.start;

export const AUDIO_CODECS = { pcm_s16le: 1, opus: 2 } as const;
export type AudioCodec = keyof typeof AUDIO_CODECS;
const OPUS_RATES: ReadonlySet<number> = new Set([8000, 12000, 16000, 24000, 48000]);
const AUDIO_META_BYTES = 10;
const CHUNK_META_BYTES = 16;

interface FrameBase {
  readonly streamId: number;
  readonly sequence: number;
  /** Bit set of BINARY_FLAGS; 0 when omitted. */
  readonly flags?: number;
}
export interface TerminalFrame extends FrameBase {
  readonly type: "terminal_output" | "terminal_input";
  readonly data: Uint8Array;
}
export interface AudioFrame extends FrameBase {
  readonly type: "audio";
  readonly codec: AudioCodec;
  readonly sampleRate: number;
  readonly channels: number;
  /** Frame duration in microseconds (20 ms = 20000; Opus also allows 2500). */
  readonly frameDurationUs: number;
  readonly data: Uint8Array;
}
export interface ChunkFrame extends FrameBase {
  readonly type: "diff_chunk" | "file_chunk";
  /** Byte offset of this chunk in the whole diff/file. */
  readonly offset: number;
  /** Size of the whole diff/file. */
  readonly total: number;
  readonly data: Uint8Array;
}
export type BinaryFrame = TerminalFrame | AudioFrame | ChunkFrame;

function field(ok: boolean, what: string): void {
  if (!ok) throw new ProtocolError("PROTO_ERR_BINARY_FIELD", what);
}
const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
const isSafe = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function checkAudio(codec: AudioCodec, sampleRate: number, channels: number, durationUs: number, bytes: number): void {
  field(channels >= 1 && channels <= 8, "audio channels must be 1..8");
  field(durationUs >= 1 && durationUs <= 1_000_000, "audio frame duration must be 1 µs..1 s");
  if (codec === "opus") {
    field(OPUS_RATES.has(sampleRate), "opus sample rate must be 8/12/16/24/48 kHz");
    field(channels <= 2, "opus channels must be 1 or 2");
    field(bytes >= 1 && bytes <= 1275 * 3, "opus packet must be 1..3825 bytes");
  } else {
    field(sampleRate >= 8000 && sampleRate <= 192_000, "pcm sample rate must be 8..192 kHz");
    field(bytes % (2 * channels) === 0, "pcm s16 data must hold whole samples for every channel");
  }
}

function checkChunk(offset: number, total: number, bytes: number): void {
  field(isSafe(offset) && isSafe(total), "chunk offset and total must be integers ≤ 2^53-1");
  field(offset + bytes <= total, "chunk runs past the declared total");
}

/** Validates and encodes a binary frame. Bad fields raise PROTO_ERR_BINARY_FIELD / PROTO_ERR_TOO_LARGE. */
export function encodeBinaryFrame(frame: BinaryFrame): Uint8Array {
  const code = BINARY_FRAME_TYPES[frame.type];
  if (code === undefined) throw new ProtocolError("PROTO_ERR_BINARY_TYPE", String(frame.type));
  const flags = frame.flags ?? 0;
  if (!Number.isInteger(flags) || (flags & ~KNOWN_FLAGS) !== 0)
    throw new ProtocolError("PROTO_ERR_BINARY_FLAGS", String(flags));
  field(isU32(frame.streamId), "stream id must be a u32");
  field(isU32(frame.sequence), "sequence must be a u32");
  field(frame.data instanceof Uint8Array, "data must be a Uint8Array");
  const meta =
    frame.type === "audio"
      ? AUDIO_META_BYTES
      : frame.type === "terminal_output" || frame.type === "terminal_input"
        ? 0
        : CHUNK_META_BYTES;
  const length = meta + frame.data.length;
  if (length > MAX_BINARY_BODY_BYTES)
    throw new ProtocolError("PROTO_ERR_TOO_LARGE", `body ${length} > ${MAX_BINARY_BODY_BYTES}`);
  const out = new Uint8Array(BINARY_HEADER_BYTES + length);
  const view = new DataView(out.buffer);
  view.setUint16(0, BINARY_MAGIC);
  view.setUint8(2, BINARY_VERSION);
  view.setUint8(3, code);
  view.setUint16(4, flags);
  view.setUint32(6, frame.streamId);
  view.setUint32(10, frame.sequence);
  view.setUint32(14, length);
  const body = BINARY_HEADER_BYTES;
  if (frame.type === "audio") {
    const codecId = AUDIO_CODECS[frame.codec];
    field(codecId !== undefined, "audio codec must be pcm_s16le or opus");
    field(
      isU32(frame.sampleRate) && isU32(frame.frameDurationUs) && Number.isInteger(frame.channels),
      "audio fields must be integers",
    );
    checkAudio(frame.codec, frame.sampleRate, frame.channels, frame.frameDurationUs, frame.data.length);
    view.setUint8(body, codecId);
    view.setUint8(body + 1, frame.channels);
    view.setUint32(body + 2, frame.sampleRate);
    view.setUint32(body + 6, frame.frameDurationUs);
  } else if (frame.type === "diff_chunk" || frame.type === "file_chunk") {
    checkChunk(frame.offset, frame.total, frame.data.length);
    view.setBigUint64(body, BigInt(frame.offset));
    view.setBigUint64(body + 8, BigInt(frame.total));
  }
  out.set(frame.data, body + meta);
  return out;
}

export interface BinaryHeader {
  readonly version: number;
  readonly type: BinaryFrameType;
  readonly flags: number;
  readonly streamId: number;
  readonly sequence: number;
  readonly length: number;
}

/** Reads and checks the fixed header only (e.g. to route by stream id before decoding the body). */
export function decodeBinaryHeader(bytes: Uint8Array): BinaryHeader {
  if (!(bytes instanceof Uint8Array))
    throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "bytes must be a Uint8Array");
  if (bytes.length < BINARY_HEADER_BYTES)
    throw new ProtocolError("PROTO_ERR_BINARY_TRUNCATED", `${bytes.length} < ${BINARY_HEADER_BYTES} header bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== BINARY_MAGIC)
    throw new ProtocolError("PROTO_ERR_BINARY_MAGIC", `0x${view.getUint16(0).toString(16)}`);
  const version = view.getUint8(2);
  if (version !== BINARY_VERSION) throw new ProtocolError("PROTO_ERR_BINARY_VERSION", String(version));
  const type = TYPE_BY_CODE.get(view.getUint8(3));
  if (!type) throw new ProtocolError("PROTO_ERR_BINARY_TYPE", String(view.getUint8(3)));
  const flags = view.getUint16(4);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new ProtocolError("PROTO_ERR_BINARY_FLAGS", `0x${flags.toString(16)}`);
  const length = view.getUint32(14);
  if (length > MAX_BINARY_BODY_BYTES)
    throw new ProtocolError("PROTO_ERR_TOO_LARGE", `body ${length} > ${MAX_BINARY_BODY_BYTES}`);
  return { version, type, flags, streamId: view.getUint32(6), sequence: view.getUint32(10), length };
}

/**
 * Decodes one binary frame (exactly header + length bytes). `data` is a view into `bytes` (no copy).
 * Throws only ProtocolError: PROTO_ERR_BINARY_* or PROTO_ERR_TOO_LARGE.
 */
export function decodeBinaryFrame(bytes: Uint8Array): BinaryFrame {
  const header = decodeBinaryHeader(bytes);
  const actual = bytes.length - BINARY_HEADER_BYTES;
  if (actual < header.length)
    throw new ProtocolError("PROTO_ERR_BINARY_TRUNCATED", `body ${actual} < declared ${header.length}`);
  if (actual > header.length)
    throw new ProtocolError("PROTO_ERR_BINARY_LENGTH", `body ${actual} > declared ${header.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = BINARY_HEADER_BYTES;
  const base = { streamId: header.streamId, sequence: header.sequence, flags: header.flags };
  if (header.type === "audio") {
    if (header.length < AUDIO_META_BYTES) throw new ProtocolError("PROTO_ERR_BINARY_TRUNCATED", "audio metadata");
    const codecId = view.getUint8(body);
    const codec: AudioCodec | undefined = codecId === 1 ? "pcm_s16le" : codecId === 2 ? "opus" : undefined;
    if (!codec) throw new ProtocolError("PROTO_ERR_BINARY_FIELD", `audio codec ${codecId}`);
    const channels = view.getUint8(body + 1);
    const sampleRate = view.getUint32(body + 2);
    const frameDurationUs = view.getUint32(body + 6);
    const data = bytes.subarray(body + AUDIO_META_BYTES);
    checkAudio(codec, sampleRate, channels, frameDurationUs, data.length);
    return { type: "audio", ...base, codec, sampleRate, channels, frameDurationUs, data };
  }
  if (header.type === "diff_chunk" || header.type === "file_chunk") {
    if (header.length < CHUNK_META_BYTES) throw new ProtocolError("PROTO_ERR_BINARY_TRUNCATED", "chunk metadata");
    const offset = view.getBigUint64(body);
    const total = view.getBigUint64(body + 8);
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    if (offset > max || total > max)
      throw new ProtocolError("PROTO_ERR_BINARY_FIELD", "chunk offset/total above 2^53-1");
    const data = bytes.subarray(body + CHUNK_META_BYTES);
    checkChunk(Number(offset), Number(total), data.length);
    return { type: header.type, ...base, offset: Number(offset), total: Number(total), data };
  }
  return { type: header.type, ...base, data: bytes.subarray(body) };
}
