/**
 * Session handshake between devices that paired before (each holds the other's PublicIdentity):
 * no QR needed. Three messages, in the Noise KK spirit:
 *   initiator → session_init   { sessionId, role, deviceId, ephemeral key }
 *   responder → session_accept { deviceId, ephemeral key, key confirmation }
 *   initiator → session_finish { key confirmation }
 * ikm = X25519(e_w, e_p) || X25519(s_w, e_p) || X25519(e_w, s_p)   (s = long-term agreement keys)
 * transcript = SHA-256 of the labelled session id, both long-term and both ephemeral public keys.
 * Only the holder of the expected long-term key can compute the confirmation, so each side
 * authenticates the other; fresh ephemeral keys give each session its own keys.
 */
import {
  decodeKey,
  equalBytes,
  framedConcat,
  fromBase64Url,
  fromBase64UrlExact,
  randomBytes,
  toBase64Url,
  utf8Encode,
} from "../bytes.ts";
import { deriveSessionSecrets } from "../channel/key-schedule.ts";
import {
  createSecureChannel,
  type Role,
  type SecureChannel,
  type SecureChannelOptions,
} from "../channel/secure-channel.ts";
import { generateX25519KeyPair, type KeyPair, sha256, x25519SharedSecret } from "../crypto/primitives.ts";
import { ProtocolError } from "../errors.ts";
import type { DeviceIdentity, PublicIdentity } from "../identity.ts";
import type { SessionAccept, SessionFinish, SessionInit } from "./messages.ts";

const SESSION_LABEL = "codex-remote/1 session";

interface Parties {
  readonly role: Role;
  readonly own: DeviceIdentity;
  readonly peer: PublicIdentity;
  readonly ownEphemeral: KeyPair;
  readonly peerEphemeral: Uint8Array;
  readonly sessionId: Uint8Array;
}

function deriveChannel(p: Parties, options: SecureChannelOptions | undefined): SecureChannel {
  const peerStatic = decodeKey(p.peer.agreementPublicKey, 32, "peer agreement key");
  const dhEE = x25519SharedSecret(p.ownEphemeral.secretKey, p.peerEphemeral);
  // X25519(s_w, e_p) and X25519(e_w, s_p), computed from whichever side we are.
  const wrapper = p.role === "wrapper";
  const dhSwEp = wrapper
    ? x25519SharedSecret(p.own.agreement.secretKey, p.peerEphemeral)
    : x25519SharedSecret(p.ownEphemeral.secretKey, peerStatic);
  const dhEwSp = wrapper
    ? x25519SharedSecret(p.ownEphemeral.secretKey, peerStatic)
    : x25519SharedSecret(p.own.agreement.secretKey, p.peerEphemeral);
  const sw = wrapper ? p.own.agreement.publicKey : peerStatic;
  const sp = wrapper ? peerStatic : p.own.agreement.publicKey;
  const ew = wrapper ? p.ownEphemeral.publicKey : p.peerEphemeral;
  const ep = wrapper ? p.peerEphemeral : p.ownEphemeral.publicKey;
  const transcript = sha256(framedConcat(utf8Encode(SESSION_LABEL), p.sessionId, sw, sp, ew, ep));
  const ikm = framedConcat(dhEE, dhSwEp, dhEwSp);
  const secrets = deriveSessionSecrets(ikm, transcript, p.sessionId);
  ikm.fill(0);
  return createSecureChannel(secrets, p.role, options);
}

function macOf(text: string): Uint8Array {
  const mac = fromBase64UrlExact(text, 32);
  if (!mac) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "confirmation must be 32 bytes");
  return mac;
}

export interface SessionInitiator {
  readonly init: SessionInit;
  /** Verifies the responder's accept; returns the channel and the finish message to send. */
  complete(accept: SessionAccept): { channel: SecureChannel; finish: SessionFinish };
}

/** Starts a session with a paired peer. `role` is this side's role. */
export function initiateSession(
  identity: DeviceIdentity,
  peer: PublicIdentity,
  role: Role,
  options?: SecureChannelOptions,
): SessionInitiator {
  const ephemeral = generateX25519KeyPair();
  const sessionId = randomBytes(16);
  const init: SessionInit = {
    type: "session_init",
    v: 1,
    sessionId: toBase64Url(sessionId),
    role,
    deviceId: identity.deviceId,
    ephemeralPublicKey: toBase64Url(ephemeral.publicKey),
  };
  let done = false;
  return {
    init,
    complete(accept) {
      if (done) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "session already completed");
      if (accept.sessionId !== init.sessionId) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "session id");
      if (accept.deviceId !== peer.deviceId) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "unexpected peer device");
      const peerEphemeral = decodeKey(accept.ephemeralPublicKey, 32, "peer ephemeral key");
      const channel = deriveChannel(
        { role, own: identity, peer, ownEphemeral: ephemeral, peerEphemeral, sessionId },
        options,
      );
      channel.verifyConfirmation(macOf(accept.confirm));
      done = true;
      ephemeral.secretKey.fill(0);
      return {
        channel,
        finish: {
          type: "session_finish",
          v: 1,
          sessionId: init.sessionId,
          confirm: toBase64Url(channel.confirmation()),
        },
      };
    },
  };
}

export interface SessionResponder {
  readonly accept: SessionAccept;
  /** The responder's channel; seal only after `verifyFinish` (or once a frame from the peer opened). */
  readonly channel: SecureChannel;
  verifyFinish(finish: SessionFinish): void;
}

/** Answers a session_init from a paired peer (whose PublicIdentity this side stored). */
export function acceptSession(
  identity: DeviceIdentity,
  peer: PublicIdentity,
  init: SessionInit,
  options?: SecureChannelOptions,
): SessionResponder {
  if (init.deviceId !== peer.deviceId) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "unexpected peer device");
  const role: Role = init.role === "wrapper" ? "phone" : "wrapper";
  const sessionId = fromBase64UrlExact(init.sessionId, 16);
  if (!sessionId) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "session id");
  const peerEphemeral = decodeKey(init.ephemeralPublicKey, 32, "peer ephemeral key");
  const ephemeral = generateX25519KeyPair();
  const channel = deriveChannel(
    { role, own: identity, peer, ownEphemeral: ephemeral, peerEphemeral, sessionId },
    options,
  );
  ephemeral.secretKey.fill(0);
  const accept: SessionAccept = {
    type: "session_accept",
    v: 1,
    sessionId: init.sessionId,
    deviceId: identity.deviceId,
    ephemeralPublicKey: toBase64Url(ephemeral.publicKey),
    confirm: toBase64Url(channel.confirmation()),
  };
  return {
    accept,
    channel,
    verifyFinish(finish) {
      if (finish.sessionId !== init.sessionId) throw new ProtocolError("PROTO_ERR_HANDSHAKE", "session id");
      channel.verifyConfirmation(macOf(finish.confirm));
    },
  };
}

/** True when two public identities name the same keys. */
export function samePublicIdentity(a: PublicIdentity, b: PublicIdentity): boolean {
  const ka = fromBase64Url(a.agreementPublicKey);
  const kb = fromBase64Url(b.agreementPublicKey);
  return a.deviceId === b.deviceId && a.signingPublicKey === b.signingPublicKey && !!ka && !!kb && equalBytes(ka, kb);
}
