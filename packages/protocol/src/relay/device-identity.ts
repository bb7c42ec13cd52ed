import { type DeviceIdentity, signMessage } from "../identity.ts";
import type { RelayIdentity } from "./auth.ts";

/** The relay identity of a protocol DeviceIdentity (its Ed25519 signing key). */
export function relayIdentity(device: DeviceIdentity): RelayIdentity {
  return {
    publicKey: device.signing.publicKey,
    sign: (message) => signMessage(device, message),
  };
}
