/**
 * The key schedule. From the handshake's input keying material and transcript hash:
 *   prk            = HKDF-Extract(salt = transcript hash, ikm)
 *   chain[dir][0]  = HKDF-Expand(prk, "codex-remote/1 chain wrapper->phone" | "... phone->wrapper", 32)
 *   confirm[role]  = HKDF-Expand(prk, "codex-remote/1 confirm wrapper" | "... phone", 32)
 *   sas            = HKDF-Expand(prk, "codex-remote/1 sas", 4) → 6 decimal digits
 * and per direction and key epoch e:
 *   key[e]         = HKDF-Expand(chain[e], "codex-remote/1 frame key", 32)
 *   prefix[e]      = HKDF-Expand(chain[e], "codex-remote/1 nonce prefix", 16)
 *   chain[e+1]     = HKDF-Expand(chain[e], "codex-remote/1 rekey", 32)   (old chain wiped)
 * A frame's XChaCha20 nonce is prefix[e] || u64 BE sequence, unique per (key, frame).
 */

import { concatBytes, utf8Encode } from "../bytes.ts";
import { hkdfExpand, hkdfExtract, hmacSha256 } from "../crypto/primitives.ts";

export const LABELS = {
  chainWrapperToPhone: "codex-remote/1 chain wrapper->phone",
  chainPhoneToWrapper: "codex-remote/1 chain phone->wrapper",
  confirmWrapper: "codex-remote/1 confirm wrapper",
  confirmPhone: "codex-remote/1 confirm phone",
  sas: "codex-remote/1 sas",
  frameKey: "codex-remote/1 frame key",
  noncePrefix: "codex-remote/1 nonce prefix",
  rekey: "codex-remote/1 rekey",
  confirmation: "codex-remote/1 key confirmation",
} as const;

export interface SessionSecrets {
  readonly sessionId: Uint8Array;
  readonly transcriptHash: Uint8Array;
  readonly wrapperToPhoneChain: Uint8Array;
  readonly phoneToWrapperChain: Uint8Array;
  readonly wrapperConfirmKey: Uint8Array;
  readonly phoneConfirmKey: Uint8Array;
  /** Six digits, "123 456": both sides display it; the user compares. */
  readonly sas: string;
}

export function deriveSessionSecrets(
  ikm: Uint8Array,
  transcriptHash: Uint8Array,
  sessionId: Uint8Array,
): SessionSecrets {
  const prk = hkdfExtract(ikm, transcriptHash);
  const sasBytes = hkdfExpand(prk, LABELS.sas, 4);
  const n =
    (((sasBytes[0] as number) << 24) |
      ((sasBytes[1] as number) << 16) |
      ((sasBytes[2] as number) << 8) |
      (sasBytes[3] as number)) >>>
    0;
  const digits = String(n % 1_000_000).padStart(6, "0");
  const secrets: SessionSecrets = {
    sessionId,
    transcriptHash,
    wrapperToPhoneChain: hkdfExpand(prk, LABELS.chainWrapperToPhone, 32),
    phoneToWrapperChain: hkdfExpand(prk, LABELS.chainPhoneToWrapper, 32),
    wrapperConfirmKey: hkdfExpand(prk, LABELS.confirmWrapper, 32),
    phoneConfirmKey: hkdfExpand(prk, LABELS.confirmPhone, 32),
    sas: `${digits.slice(0, 3)} ${digits.slice(3)}`,
  };
  prk.fill(0);
  return secrets;
}

export interface EpochKeys {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
  readonly nextChain: Uint8Array;
}

export function deriveEpochKeys(chain: Uint8Array): EpochKeys {
  return {
    key: hkdfExpand(chain, LABELS.frameKey, 32),
    noncePrefix: hkdfExpand(chain, LABELS.noncePrefix, 16),
    nextChain: hkdfExpand(chain, LABELS.rekey, 32),
  };
}

/** The key confirmation MAC a side sends: HMAC(confirm key of that side, label || transcript hash). */
export function confirmationTag(confirmKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return hmacSha256(confirmKey, concatBytes(utf8Encode(LABELS.confirmation), transcriptHash));
}
