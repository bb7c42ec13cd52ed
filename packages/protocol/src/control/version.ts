/** Protocol version negotiation: each side lists what it speaks; the highest common version wins. */
import { ProtocolError } from "../errors.ts";

/** The protocol versions this build speaks, highest first. */
export const PROTOCOL_VERSIONS: readonly number[] = [1];
export const PROTOCOL_VERSION = 1;

/** Highest version both lists contain; PROTO_ERR_VERSION_UNSUPPORTED (naming both lists) when none. */
export function negotiateVersion(ours: readonly number[], theirs: readonly number[]): number {
  let best = -1;
  for (const v of ours) if (theirs.includes(v) && v > best) best = v;
  if (best < 0) {
    throw new ProtocolError(
      "PROTO_ERR_VERSION_UNSUPPORTED",
      `we speak [${ours.join(", ")}], the peer speaks [${theirs.slice(0, 16).join(", ")}]`,
    );
  }
  return best;
}
