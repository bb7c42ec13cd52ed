import {
  type DeviceIdentity,
  generateDeviceIdentity,
  parseDeviceIdentity,
  serializeDeviceIdentity,
  toBase64Url,
} from "@codex-remote/protocol";
import { KeyStore } from "./store.ts";

/** Opens the key store, creating this laptop's long-term identity (Ed25519 + X25519) on first use. */
export function openLaptopKeys(configDir: string): { keys: KeyStore; identity: DeviceIdentity } {
  const keys = KeyStore.open(configDir, () => {
    const identity = generateDeviceIdentity();
    // Stored under its relay device id (the signing public key), the id phones and the relay use.
    return { id: toBase64Url(identity.signing.publicKey), identity: serializeDeviceIdentity(identity) };
  });
  return { keys, identity: parseDeviceIdentity(keys.identity) };
}
