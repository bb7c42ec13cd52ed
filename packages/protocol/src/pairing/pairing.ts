/**
 * Pairing: the first contact between a wrapper and a phone, from a QR code or link.
 *
 *   wrapper: createPairingOffer()  → shows link/QR (secret in the fragment)
 *   phone:   respondToPairingOffer(offer, identity) → sends PairingResponse (ephemeral key, its
 *            long-term identity, proof = HMAC(key from the secret, transcript over both public keys),
 *            key confirmation); gets its channel and SAS at once
 *   wrapper: pending.accept(response, identity) → checks single use, expiry, proof and confirmation;
 *            returns its channel, the SAS, the phone's identity to store, and a PairingAccept
 *   phone:   finish(accept) → checks the wrapper's confirmation and identity MAC; returns the
 *            wrapper's identity to store
 * Keys: ikm = X25519(e_w, e_p) || secret, salt = transcript hash (key schedule in key-schedule.ts).
 * Both sides show the same six-digit SAS. Later sessions use initiateSession/acceptSession.
 */
import {
  decodeKey,
  equalBytes,
  framedConcat,
  fromBase64UrlExact,
  randomBytes,
  toBase64Url,
  utf8Encode,
} from "../bytes.ts";
import { deriveSessionSecrets, type SessionSecrets } from "../channel/key-schedule.ts";
import { createSecureChannel, type SecureChannel, type SecureChannelOptions } from "../channel/secure-channel.ts";
import {
  generateX25519KeyPair,
  hkdfSha256,
  hmacSha256,
  type KeyPair,
  sha256,
  x25519SharedSecret,
} from "../crypto/primitives.ts";
import { ProtocolError } from "../errors.ts";
import type { PairingAccept, PairingResponse } from "../handshake/messages.ts";
import { type DeviceIdentity, type PublicIdentity, parsePublicIdentity, publicIdentity } from "../identity.ts";
import {
  checkPairingOffer,
  DEFAULT_PAIRING_TTL_MS,
  formatPairingLink,
  type PairingOffer,
  pairingQrText,
} from "./offer.ts";

const TRANSCRIPT_LABEL = "codex-remote/1 pairing";
const PROOF_KEY_LABEL = "codex-remote/1 pairing proof key";
const IDENTITY_MAC_LABEL = "codex-remote/1 pairing identity";
/** Failed proofs after which an offer is locked. */
export const MAX_PAIRING_ATTEMPTS = 5;

function identityBytes(identity: PublicIdentity): Uint8Array {
  return framedConcat(
    utf8Encode(identity.deviceId),
    utf8Encode(identity.signingPublicKey),
    utf8Encode(identity.agreementPublicKey),
  );
}

function transcriptHash(offer: PairingOffer, phoneEphemeral: Uint8Array, phone: PublicIdentity): Uint8Array {
  return sha256(
    framedConcat(
      utf8Encode(TRANSCRIPT_LABEL),
      utf8Encode(offer.relayUrl),
      utf8Encode(offer.roomId),
      utf8Encode(String(offer.expiresAt)),
      decodeKey(offer.wrapperPublicKey, 32, "wrapper public key"),
      phoneEphemeral,
      identityBytes(phone),
    ),
  );
}

function proofFor(offer: PairingOffer, transcript: Uint8Array): Uint8Array {
  const secret = decodeKey(offer.secret, 32, "pairing secret");
  const key = hkdfSha256(secret, utf8Encode(offer.roomId), PROOF_KEY_LABEL, 32);
  return hmacSha256(key, transcript);
}

function secretsFor(offer: PairingOffer, dh: Uint8Array, transcript: Uint8Array): SessionSecrets {
  const ikm = framedConcat(dh, decodeKey(offer.secret, 32, "pairing secret"));
  const secrets = deriveSessionSecrets(ikm, transcript, transcript.slice(0, 16));
  ikm.fill(0);
  return secrets;
}

function identityMac(secrets: SessionSecrets, wrapper: PublicIdentity): Uint8Array {
  return hmacSha256(
    secrets.wrapperConfirmKey,
    framedConcat(utf8Encode(IDENTITY_MAC_LABEL), secrets.transcriptHash, identityBytes(wrapper)),
  );
}

function mac(text: string, what: string): Uint8Array {
  const bytes = fromBase64UrlExact(text, 32);
  if (!bytes) throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", `${what} must be 32 bytes`);
  return bytes;
}

export interface PairingResult {
  readonly channel: SecureChannel;
  /** Six digits both screens show. */
  readonly sas: string;
  /** The peer's long-term identity: store it for later sessions. */
  readonly peer: PublicIdentity;
}

export interface CreatePairingOfferOptions {
  readonly relayUrl: string;
  /** Defaults to 16 random bytes, base64url. */
  readonly roomId?: string;
  readonly ttlMs?: number;
  readonly now?: number;
  readonly channel?: SecureChannelOptions;
}

/** The wrapper's side of one pairing offer: single use, expires. */
export class PendingPairing {
  readonly offer: PairingOffer;
  readonly #ephemeral: KeyPair;
  readonly #channelOptions: SecureChannelOptions | undefined;
  #used = false;
  #failures = 0;

  constructor(offer: PairingOffer, ephemeral: KeyPair, channelOptions?: SecureChannelOptions) {
    this.offer = offer;
    this.#ephemeral = ephemeral;
    this.#channelOptions = channelOptions;
  }

  /** The link to print (secret in the fragment). */
  link(base?: string): string {
    return formatPairingLink(this.offer, base);
  }

  /** The text for the QR code. */
  qrText(base?: string): string {
    return pairingQrText(this.offer, base);
  }

  /** True once accepted, or locked after too many failed proofs. */
  get used(): boolean {
    return this.#used;
  }

  /**
   * Verifies the phone's response. Errors: PROTO_ERR_PAIRING_USED (already used or locked),
   * PROTO_ERR_PAIRING_EXPIRED, PROTO_ERR_PAIRING_PROOF (wrong proof/confirmation: the offer stays
   * open until MAX_PAIRING_ATTEMPTS failures), PROTO_ERR_KEY_INVALID, PROTO_ERR_IDENTITY_INVALID.
   */
  accept(
    response: PairingResponse,
    identity: DeviceIdentity,
    now: number = Date.now(),
  ): PairingResult & { accept: PairingAccept } {
    if (this.#used) throw new ProtocolError("PROTO_ERR_PAIRING_USED");
    if (now > this.offer.expiresAt) throw new ProtocolError("PROTO_ERR_PAIRING_EXPIRED");
    if (response.roomId !== this.offer.roomId) throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", "room");
    const phone = parsePublicIdentity(response.identity);
    const phoneEphemeral = decodeKey(response.ephemeralPublicKey, 32, "phone ephemeral key");
    const transcript = transcriptHash(this.offer, phoneEphemeral, phone);
    if (!equalBytes(mac(response.proof, "proof"), proofFor(this.offer, transcript))) {
      this.#fail();
      throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", "proof");
    }
    const secrets = secretsFor(this.offer, x25519SharedSecret(this.#ephemeral.secretKey, phoneEphemeral), transcript);
    const channel = createSecureChannel(secrets, "wrapper", this.#channelOptions);
    try {
      channel.verifyConfirmation(mac(response.confirm, "confirmation"));
    } catch {
      this.#fail();
      throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", "key confirmation");
    }
    this.#used = true;
    this.#ephemeral.secretKey.fill(0);
    const own = publicIdentity(identity);
    const accept: PairingAccept = {
      type: "pairing_accept",
      v: 1,
      roomId: this.offer.roomId,
      identity: own,
      confirm: toBase64Url(channel.confirmation()),
      identityMac: toBase64Url(identityMac(secrets, own)),
    };
    return { channel, sas: channel.sas, peer: phone, accept };
  }

  #fail(): void {
    this.#failures++;
    if (this.#failures >= MAX_PAIRING_ATTEMPTS) {
      this.#used = true;
      this.#ephemeral.secretKey.fill(0);
    }
  }
}

/** Wrapper: a fresh offer (ephemeral X25519 key, 32-byte one-time secret, expiry). */
export function createPairingOffer(options: CreatePairingOfferOptions): PendingPairing {
  const now = options.now ?? Date.now();
  const ephemeral = generateX25519KeyPair();
  const offer = checkPairingOffer(
    {
      version: 1,
      relayUrl: options.relayUrl,
      roomId: options.roomId ?? toBase64Url(randomBytes(16)),
      wrapperPublicKey: toBase64Url(ephemeral.publicKey),
      secret: toBase64Url(randomBytes(32)),
      expiresAt: now + (options.ttlMs ?? DEFAULT_PAIRING_TTL_MS),
    },
    now,
  );
  return new PendingPairing(offer, ephemeral, options.channel);
}

export interface PhonePairing extends Omit<PairingResult, "peer"> {
  readonly response: PairingResponse;
  /** Checks the wrapper's PairingAccept; returns the wrapper's identity to store. */
  finish(accept: PairingAccept): PublicIdentity;
}

/** Phone: answers a (parsed, unexpired) offer with its long-term identity. */
export function respondToPairingOffer(
  offer: PairingOffer,
  identity: DeviceIdentity,
  options: { now?: number; channel?: SecureChannelOptions } = {},
): PhonePairing {
  const checked = checkPairingOffer(offer, options.now ?? Date.now());
  const own = publicIdentity(identity);
  const ephemeral = generateX25519KeyPair();
  const transcript = transcriptHash(checked, ephemeral.publicKey, own);
  const dh = x25519SharedSecret(ephemeral.secretKey, decodeKey(checked.wrapperPublicKey, 32, "wrapper public key"));
  ephemeral.secretKey.fill(0);
  const secrets = secretsFor(checked, dh, transcript);
  const channel = createSecureChannel(secrets, "phone", options.channel);
  const response: PairingResponse = {
    type: "pairing_response",
    v: 1,
    roomId: checked.roomId,
    ephemeralPublicKey: toBase64Url(ephemeral.publicKey),
    identity: own,
    proof: toBase64Url(proofFor(checked, transcript)),
    confirm: toBase64Url(channel.confirmation()),
  };
  let finished = false;
  return {
    response,
    channel,
    sas: channel.sas,
    finish(accept) {
      if (finished) throw new ProtocolError("PROTO_ERR_PAIRING_USED");
      if (accept.roomId !== checked.roomId) throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", "room");
      const wrapper = parsePublicIdentity(accept.identity);
      try {
        channel.verifyConfirmation(mac(accept.confirm, "confirmation"));
      } catch {
        throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", "wrapper key confirmation");
      }
      if (!equalBytes(mac(accept.identityMac, "identity MAC"), identityMac(secrets, wrapper))) {
        throw new ProtocolError("PROTO_ERR_PAIRING_PROOF", "wrapper identity MAC");
      }
      finished = true;
      return wrapper;
    },
  };
}
