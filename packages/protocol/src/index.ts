/**
 * @codex-remote/protocol — every frame, key and pairing payload of codex-remote.
 * Runs in Node and in browsers: the AEAD backend is chosen through package.json `imports["#aead"]`
 * (node:crypto on Node, @noble/ciphers elsewhere). See README.md for the API by area.
 */

export { aead as platformBackend } from "#aead";
export * from "./agent-event.ts";
// binary frames
export * from "./binary/frame.ts";
export { bytesToHex, fromBase64Url, hexToBytes, randomBytes, toBase64Url, utf8Decode, utf8Encode } from "./bytes.ts";
export { deriveSessionSecrets, type SessionSecrets } from "./channel/key-schedule.ts";
export { ReplayWindow } from "./channel/replay-window.ts";
export {
  DIRECTIONS,
  type Direction,
  peekSealedHeader,
  SEALED_CONTENT_TYPES,
  SEALED_HEADER_BYTES,
  SEALED_TAG_BYTES,
  type SealedContentType,
  type SealedHeader,
} from "./channel/sealed-header.ts";
// secure channel
export {
  createSecureChannel,
  type OpenedFrame,
  type OpenedMessage,
  type Role,
  SecureChannel,
  type SecureChannelOptions,
} from "./channel/secure-channel.ts";
export {
  type DecodeControlOptions,
  decodeControlFrame,
  encodeControlFrame,
  encodeControlFrameBytes,
  MAX_CONTROL_FRAME_BYTES,
} from "./control/codec.ts";
// control frames
export * from "./control/frames.ts";
export { answerHello, createHello, type HelloOptions } from "./control/hello.ts";
export { negotiateVersion, PROTOCOL_VERSION, PROTOCOL_VERSIONS } from "./control/version.ts";
export { aead as nobleBackend } from "./crypto/aead-browser.ts";
// crypto building blocks (tests, benchmarks, other backends)
export type { AeadKey, ChaChaPolyBackend } from "./crypto/aead-types.ts";
export { hchacha20 } from "./crypto/hchacha.ts";
export { AEAD_TAG_BYTES, xchacha20poly1305Open, xchacha20poly1305Seal } from "./crypto/xchacha.ts";
export { guard, isProtocolError, PROTOCOL_ERRORS, ProtocolError, type ProtocolErrorCode } from "./errors.ts";
// handshakes and pairing
export * from "./handshake/messages.ts";
export {
  acceptSession,
  initiateSession,
  type SessionInitiator,
  type SessionResponder,
  samePublicIdentity,
} from "./handshake/session.ts";
// identity
export {
  DEVICE_IDENTITY_FORMAT,
  type DeviceIdentity,
  deviceIdFromSigningKey,
  generateDeviceIdentity,
  PublicIdentity,
  parseDeviceIdentity,
  parsePublicIdentity,
  publicIdentity,
  serializeDeviceIdentity,
  signMessage,
  verifySignature,
} from "./identity.ts";
export {
  checkPairingOffer,
  DEFAULT_PAIRING_LINK_BASE,
  DEFAULT_PAIRING_TTL_MS,
  formatPairingLink,
  PairingOffer,
  pairingQrText,
  parsePairingLink,
} from "./pairing/offer.ts";
export {
  type CreatePairingOfferOptions,
  createPairingOffer,
  MAX_PAIRING_ATTEMPTS,
  type PairingResult,
  PendingPairing,
  type PhonePairing,
  respondToPairingOffer,
} from "./pairing/pairing.ts";
