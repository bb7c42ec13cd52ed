/**
 * SecureChannel: one end of an end-to-end encrypted session between a wrapper and a phone.
 *
 * - `seal(type, plaintext)` → a sealed frame (header || XChaCha20-Poly1305 ciphertext || tag);
 *   `open(sealed)` → the plaintext, after checking session, direction, key epoch and the replay
 *   window. A rejected frame (PROTO_ERR_*) changes no state: the channel stays usable.
 * - `sealControl` / `sealBinary` / `openFrame` add the control/binary frame codecs on top.
 * - Each direction has its own key chain; the sender moves to the next key epoch after
 *   `rekeyAfterFrames` frames or `rekeyAfterBytes` plaintext bytes, and the receiver follows.
 * - `confirmation()` / `verifyConfirmation(tag)`: explicit key confirmation for handshakes.
 *
 * On Node the AEAD runs on node:crypto (chacha20-poly1305 with the HChaCha20 subkey of the epoch);
 * in a browser on @noble/ciphers. Both produce the same bytes.
 */
import { aead as defaultBackend } from "#aead";
import { type BinaryFrame, decodeBinaryFrame, encodeBinaryFrame } from "../binary/frame.ts";
import { equalBytes, toBase64Url } from "../bytes.ts";
import { decodeControlFrame, encodeControlFrameBytes } from "../control/codec.ts";
import type { ControlFrame, ControlFrameInput } from "../control/frames.ts";
import type { AeadKey, ChaChaPolyBackend } from "../crypto/aead-types.ts";
import { hchacha20 } from "../crypto/hchacha.ts";
import { ProtocolError } from "../errors.ts";
import { confirmationTag, deriveEpochKeys, type SessionSecrets } from "./key-schedule.ts";
import { ReplayWindow } from "./replay-window.ts";
import {
  DIRECTIONS,
  type Direction,
  readSealedHeader,
  SEALED_CONTENT_TYPES,
  SEALED_HEADER_BYTES,
  SEALED_TAG_BYTES,
  SESSION_ID_BYTES,
  type SealedContentType,
  writeSealedHeader,
} from "./sealed-header.ts";

export type Role = "wrapper" | "phone";

export interface SecureChannelOptions {
  /** The AEAD backend; defaults to the platform's (node:crypto on Node, noble elsewhere). */
  readonly backend?: ChaChaPolyBackend;
  /** Move to the next key epoch after this many frames (default 2^20). */
  readonly rekeyAfterFrames?: number;
  /** ... or after this many plaintext bytes (default 2^30). */
  readonly rekeyAfterBytes?: number;
  /** Replay window size in frames (multiple of 32, default 1024). */
  readonly replayWindow?: number;
  /** Largest plaintext sealed or accepted (default 1 MiB + 64). */
  readonly maxPlaintextBytes?: number;
}

export interface OpenedFrame {
  readonly contentType: SealedContentType;
  readonly sequence: number;
  readonly epoch: number;
  readonly plaintext: Uint8Array;
}

export type OpenedMessage =
  | { readonly kind: "control"; readonly sequence: number; readonly frame: ControlFrame }
  | { readonly kind: "binary"; readonly sequence: number; readonly frame: BinaryFrame };

interface Epoch {
  readonly epoch: number;
  readonly handle: AeadKey;
  readonly nextChain: Uint8Array;
}

const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;
/** How many key epochs ahead a receiver derives to catch up with a sender whose frames were lost. */
const MAX_EPOCH_SKIP = 4;

function makeEpoch(backend: ChaChaPolyBackend, chain: Uint8Array, epoch: number): Epoch {
  const keys = deriveEpochKeys(chain);
  // The nonce prefix is fixed for the epoch, so the HChaCha20 subkey is too: computed once here.
  const subkey = hchacha20(keys.key, keys.noncePrefix);
  const handle = backend.importKey(subkey);
  subkey.fill(0);
  keys.key.fill(0);
  keys.noncePrefix.fill(0);
  return { epoch, handle, nextChain: keys.nextChain };
}

export class SecureChannel {
  readonly role: Role;
  /** base64url of the 16-byte session id that every sealed header carries. */
  readonly sessionId: string;
  /** Short authentication string (six digits) both ends can display and compare. */
  readonly sas: string;
  readonly backendName: string;
  readonly #backend: ChaChaPolyBackend;
  readonly #sessionIdBytes: Uint8Array;
  readonly #transcriptHash: Uint8Array;
  readonly #ownConfirmKey: Uint8Array;
  readonly #peerConfirmKey: Uint8Array;
  readonly #sendDirection: number;
  readonly #recvDirection: number;
  readonly #rekeyAfterFrames: number;
  readonly #rekeyAfterBytes: number;
  readonly #maxPlaintext: number;
  readonly #window: ReplayWindow;
  #send: Epoch;
  #sendSequence = 0;
  #sendFramesInEpoch = 0;
  #sendBytesInEpoch = 0;
  /** Receive epochs we can open: the current one and the one before it. */
  #recv: Epoch;
  #recvPrevious: Epoch | undefined;
  /** Receive epochs derived ahead of #recv (tentatively, for frames after a sender's rekey). */
  #ahead: Epoch[] = [];
  #confirmed = false;
  readonly #header = new Uint8Array(SEALED_HEADER_BYTES);
  readonly #headerView = new DataView(this.#header.buffer);
  readonly #sealNonce = new Uint8Array(12);
  readonly #sealNonceView = new DataView(this.#sealNonce.buffer);
  readonly #openNonce = new Uint8Array(12);
  readonly #openNonceView = new DataView(this.#openNonce.buffer);

  constructor(secrets: SessionSecrets, role: Role, options: SecureChannelOptions = {}) {
    if (role !== "wrapper" && role !== "phone") throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "role");
    if (secrets.sessionId.length !== SESSION_ID_BYTES)
      throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "session id must be 16 bytes");
    this.role = role;
    this.#backend = options.backend ?? defaultBackend;
    this.backendName = this.#backend.name;
    this.#sessionIdBytes = Uint8Array.from(secrets.sessionId);
    this.sessionId = toBase64Url(this.#sessionIdBytes);
    this.sas = secrets.sas;
    this.#transcriptHash = Uint8Array.from(secrets.transcriptHash);
    this.#rekeyAfterFrames = options.rekeyAfterFrames ?? 1 << 20;
    this.#rekeyAfterBytes = options.rekeyAfterBytes ?? 2 ** 30;
    this.#maxPlaintext = options.maxPlaintextBytes ?? (1 << 20) + 64;
    if (!(this.#rekeyAfterFrames >= 1 && this.#rekeyAfterBytes >= 1))
      throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "rekey bounds");
    this.#window = new ReplayWindow(options.replayWindow ?? 1024);
    const wrapper = role === "wrapper";
    this.#sendDirection = wrapper ? DIRECTIONS.wrapper_to_phone : DIRECTIONS.phone_to_wrapper;
    this.#recvDirection = wrapper ? DIRECTIONS.phone_to_wrapper : DIRECTIONS.wrapper_to_phone;
    this.#ownConfirmKey = Uint8Array.from(wrapper ? secrets.wrapperConfirmKey : secrets.phoneConfirmKey);
    this.#peerConfirmKey = Uint8Array.from(wrapper ? secrets.phoneConfirmKey : secrets.wrapperConfirmKey);
    this.#send = makeEpoch(this.#backend, wrapper ? secrets.wrapperToPhoneChain : secrets.phoneToWrapperChain, 0);
    this.#recv = makeEpoch(this.#backend, wrapper ? secrets.phoneToWrapperChain : secrets.wrapperToPhoneChain, 0);
    writeSealedHeader(this.#header, SEALED_CONTENT_TYPES.control, this.#sendDirection, 0, 0, this.#sessionIdBytes);
  }

  #nonceFor(sequence: number): Uint8Array {
    this.#openNonceView.setUint32(4, Math.floor(sequence / 0x1_0000_0000));
    this.#openNonceView.setUint32(8, sequence >>> 0);
    return this.#openNonce;
  }

  get sendDirection(): Direction {
    return this.#sendDirection === DIRECTIONS.wrapper_to_phone ? "wrapper_to_phone" : "phone_to_wrapper";
  }

  /** True once the peer's key confirmation was verified (or a frame from the peer opened). */
  get confirmed(): boolean {
    return this.#confirmed;
  }

  /** The next sequence `seal` will use, and the current send/receive epochs. */
  get state(): { sendSequence: number; sendEpoch: number; receiveEpoch: number; highestReceived: number } {
    return {
      sendSequence: this.#sendSequence,
      sendEpoch: this.#send.epoch,
      receiveEpoch: this.#recv.epoch,
      highestReceived: this.#window.highest,
    };
  }

  /** This side's key confirmation MAC (32 bytes), to send to the peer. */
  confirmation(): Uint8Array {
    return confirmationTag(this.#ownConfirmKey, this.#transcriptHash);
  }

  /** Checks the peer's key confirmation; PROTO_ERR_KEY_CONFIRMATION when it does not match. */
  verifyConfirmation(tag: Uint8Array): void {
    if (!(tag instanceof Uint8Array) || !equalBytes(tag, confirmationTag(this.#peerConfirmKey, this.#transcriptHash))) {
      throw new ProtocolError("PROTO_ERR_KEY_CONFIRMATION");
    }
    this.#confirmed = true;
  }

  /** Seals `plaintext` as the next frame of this direction. */
  seal(contentType: SealedContentType, plaintext: Uint8Array): Uint8Array {
    const type = SEALED_CONTENT_TYPES[contentType];
    if (type === undefined) throw new ProtocolError("PROTO_ERR_INVALID_ARGUMENT", "content type");
    if (plaintext.length > this.#maxPlaintext)
      throw new ProtocolError("PROTO_ERR_TOO_LARGE", `${plaintext.length} > ${this.#maxPlaintext}`);
    if (this.#sendSequence > MAX_SEQUENCE) throw new ProtocolError("PROTO_ERR_SEQUENCE_EXHAUSTED");
    if (this.#sendFramesInEpoch >= this.#rekeyAfterFrames || this.#sendBytesInEpoch >= this.#rekeyAfterBytes) {
      this.#rekeySend();
    }
    const sequence = this.#sendSequence;
    // Scratch header and nonce: both backends copy them before returning.
    const hi = Math.floor(sequence / 0x1_0000_0000);
    const lo = sequence >>> 0;
    const header = this.#header;
    header[3] = type;
    this.#headerView.setUint32(6, this.#send.epoch);
    this.#headerView.setUint32(10, hi);
    this.#headerView.setUint32(14, lo);
    this.#sealNonceView.setUint32(4, hi);
    this.#sealNonceView.setUint32(8, lo);
    const out = this.#backend.sealWithHeader(this.#send.handle, this.#sealNonce, header, plaintext);
    this.#sendSequence = sequence + 1;
    this.#sendFramesInEpoch++;
    this.#sendBytesInEpoch += plaintext.length;
    return out;
  }

  /**
   * Opens a sealed frame from the peer. Throws only ProtocolError (PROTO_ERR_SEALED_*,
   * _SESSION_MISMATCH, _DIRECTION_MISMATCH, _EPOCH, _REPLAY, _TOO_OLD, _AUTH_FAILED, _TOO_LARGE);
   * a rejected frame leaves the channel state as it was.
   */
  open(sealed: Uint8Array): OpenedFrame {
    const header = readSealedHeader(sealed);
    if (sealed.length - SEALED_HEADER_BYTES - SEALED_TAG_BYTES > this.#maxPlaintext) {
      throw new ProtocolError("PROTO_ERR_TOO_LARGE", `${sealed.length} bytes`);
    }
    if (!equalBytes(sealed.subarray(18, 18 + SESSION_ID_BYTES), this.#sessionIdBytes)) {
      throw new ProtocolError("PROTO_ERR_SESSION_MISMATCH");
    }
    if (header.direction !== this.#recvDirection) throw new ProtocolError("PROTO_ERR_DIRECTION_MISMATCH");
    this.#window.check(header.sequence);
    const epoch = this.#epochFor(header.epoch);
    const plaintext = this.#backend.open(
      epoch.handle,
      this.#nonceFor(header.sequence),
      sealed.subarray(0, SEALED_HEADER_BYTES),
      sealed.subarray(SEALED_HEADER_BYTES),
    );
    if (!plaintext) throw new ProtocolError("PROTO_ERR_AUTH_FAILED", `sequence ${header.sequence}`);
    // Authenticated: commit window and epoch state.
    this.#window.accept(header.sequence);
    if (epoch.epoch > this.#recv.epoch) this.#advanceReceive(epoch.epoch);
    this.#confirmed = true;
    return {
      contentType: header.contentType === SEALED_CONTENT_TYPES.control ? "control" : "binary",
      sequence: header.sequence,
      epoch: header.epoch,
      plaintext,
    };
  }

  /** Encodes and seals a control frame. */
  sealControl(frame: ControlFrameInput): Uint8Array {
    return this.seal("control", encodeControlFrameBytes(frame));
  }

  /** Encodes and seals a binary frame. */
  sealBinary(frame: BinaryFrame): Uint8Array {
    return this.seal("binary", encodeBinaryFrame(frame));
  }

  /** Opens and decodes a sealed control or binary frame. Throws only ProtocolError. */
  openFrame(sealed: Uint8Array): OpenedMessage {
    const opened = this.open(sealed);
    if (opened.contentType === "control") {
      return { kind: "control", sequence: opened.sequence, frame: decodeControlFrame(opened.plaintext) };
    }
    return { kind: "binary", sequence: opened.sequence, frame: decodeBinaryFrame(opened.plaintext) };
  }

  #rekeySend(): void {
    const next = makeEpoch(this.#backend, this.#send.nextChain, this.#send.epoch + 1);
    this.#send.nextChain.fill(0);
    this.#send = next;
    this.#sendFramesInEpoch = 0;
    this.#sendBytesInEpoch = 0;
  }

  /**
   * The epoch to open a frame with. Epochs ahead of the current one are derived on demand and
   * cached in #ahead, but nothing is committed here: a forged frame cannot move the receiver forward,
   * and repeated forgeries do not cost repeated derivations.
   */
  #epochFor(epoch: number): Epoch {
    const current = this.#recv;
    if (epoch === current.epoch) return current;
    if (this.#recvPrevious && epoch === this.#recvPrevious.epoch) return this.#recvPrevious;
    if (epoch < current.epoch || epoch > current.epoch + MAX_EPOCH_SKIP) {
      throw new ProtocolError("PROTO_ERR_EPOCH", `epoch ${epoch}, receiving ${current.epoch}`);
    }
    while (current.epoch + this.#ahead.length < epoch) {
      const last = this.#ahead[this.#ahead.length - 1] ?? current;
      this.#ahead.push(makeEpoch(this.#backend, last.nextChain, last.epoch + 1));
    }
    return this.#ahead[epoch - current.epoch - 1] as Epoch;
  }

  /** Moves the receive side to `epoch` (a frame of it authenticated); keeps the one before it. */
  #advanceReceive(epoch: number): void {
    const steps = epoch - this.#recv.epoch;
    const chain = [this.#recv, ...this.#ahead];
    this.#recvPrevious = chain[steps - 1];
    this.#recv = chain[steps] as Epoch;
    this.#ahead = chain.slice(steps + 1);
    // Wipe the chain keys of epochs we can no longer reach back to.
    for (const old of chain.slice(0, Math.max(0, steps - 1))) old.nextChain.fill(0);
  }
}

/** Creates one end of a secure channel from the secrets a handshake or the pairing derived. */
export function createSecureChannel(
  secrets: SessionSecrets,
  role: Role,
  options: SecureChannelOptions = {},
): SecureChannel {
  return new SecureChannel(secrets, role, options);
}
