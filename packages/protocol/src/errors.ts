/**
 * The one error table of the protocol package. Every failure a decoder, the secure channel or the
 * pairing can report has a stable code here (the fastify FST_ERR_* idea). Codes never change meaning;
 * new failures get new codes. Messages say what was wrong, never a key or a payload.
 */
export const PROTOCOL_ERRORS = {
  PROTO_ERR_INVALID_ARGUMENT: "an argument given to a protocol function is invalid",
  PROTO_ERR_TOO_LARGE: "the input is larger than the allowed maximum",
  PROTO_ERR_UTF8: "the bytes are not valid UTF-8",
  PROTO_ERR_JSON: "the text is not valid JSON",
  PROTO_ERR_UNKNOWN_TYPE: "the frame type is unknown",
  PROTO_ERR_SCHEMA: "the frame does not match its schema",
  PROTO_ERR_VERSION_UNSUPPORTED: "the peers share no protocol version",
  PROTO_ERR_BINARY_TRUNCATED: "the binary frame is shorter than its header or declared length",
  PROTO_ERR_BINARY_MAGIC: "the binary frame does not start with the protocol magic",
  PROTO_ERR_BINARY_VERSION: "the binary frame version is not supported",
  PROTO_ERR_BINARY_TYPE: "the binary frame type is unknown",
  PROTO_ERR_BINARY_FLAGS: "the binary frame sets unknown flag bits",
  PROTO_ERR_BINARY_LENGTH: "the binary frame length field does not match the bytes",
  PROTO_ERR_BINARY_FIELD: "a field of the binary frame is out of range",
  PROTO_ERR_KEY_INVALID: "a key has the wrong size or encoding, or yields a weak shared secret",
  PROTO_ERR_IDENTITY_INVALID: "the serialized device identity is malformed or inconsistent",
  PROTO_ERR_SEALED_TRUNCATED: "the sealed frame is shorter than header plus tag",
  PROTO_ERR_SEALED_HEADER: "the sealed frame header is malformed",
  PROTO_ERR_SESSION_MISMATCH: "the sealed frame belongs to another session",
  PROTO_ERR_DIRECTION_MISMATCH: "the sealed frame was sent in the other direction",
  PROTO_ERR_EPOCH: "the sealed frame uses a key epoch this receiver cannot open",
  PROTO_ERR_REPLAY: "the sealed frame sequence was already received",
  PROTO_ERR_TOO_OLD: "the sealed frame sequence is behind the replay window",
  PROTO_ERR_AUTH_FAILED: "the sealed frame failed authentication (tampered, truncated or wrong key)",
  PROTO_ERR_SEQUENCE_EXHAUSTED: "the channel sequence space is exhausted; open a new session",
  PROTO_ERR_KEY_CONFIRMATION: "the peer's key confirmation does not match",
  PROTO_ERR_HANDSHAKE: "the handshake message is unexpected or inconsistent",
  PROTO_ERR_PAIRING_LINK: "the pairing link or offer is malformed",
  PROTO_ERR_PAIRING_EXPIRED: "the pairing offer has expired",
  PROTO_ERR_PAIRING_USED: "the pairing offer was already used or locked after failed attempts",
  PROTO_ERR_PAIRING_PROOF: "the pairing proof does not match the offer",
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** The only error type the protocol package throws on bad input. `code` is stable; `detail` says what was wrong. */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly detail: string;

  constructor(code: ProtocolErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${PROTOCOL_ERRORS[code]}: ${detail}` : PROTOCOL_ERRORS[code], options);
    this.name = "ProtocolError";
    this.code = code;
    this.detail = detail ?? "";
  }

  /** A JSON-safe view, e.g. for an `error` control frame. */
  toJSON(): { code: ProtocolErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isProtocolError(value: unknown, code?: ProtocolErrorCode): value is ProtocolError {
  return value instanceof ProtocolError && (code === undefined || value.code === code);
}

/** Runs `fn`; anything but a ProtocolError it throws becomes one with `code`. Used by every decoder. */
export function guard<T>(code: ProtocolErrorCode, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(code, error instanceof Error ? error.name : "unexpected failure", { cause: error });
  }
}
