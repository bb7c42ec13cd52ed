import { describe, expect, it } from "vitest";
import {
  generateDeviceIdentity,
  isProtocolError,
  parseDeviceIdentity,
  parsePublicIdentity,
  publicIdentity,
  serializeDeviceIdentity,
  signMessage,
  toBase64Url,
  verifySignature,
} from "../src/index.ts";

describe("device identity", () => {
  it("serializes and parses back to the same keys; the id is the signing key", () => {
    const id = generateDeviceIdentity(1_700_000_000_000);
    const text = serializeDeviceIdentity(id);
    const back = parseDeviceIdentity(text);
    expect(back).toEqual(id);
    expect(id.deviceId).toBe(toBase64Url(id.signing.publicKey));
    expect(parsePublicIdentity(JSON.parse(JSON.stringify(publicIdentity(id))))).toEqual(publicIdentity(id));
  });

  it("rejects a tampered or malformed key file with PROTO_ERR_IDENTITY_INVALID", () => {
    const id = generateDeviceIdentity();
    const json = JSON.parse(serializeDeviceIdentity(id));
    const other = JSON.parse(serializeDeviceIdentity(generateDeviceIdentity()));
    for (const bad of [
      "not json",
      "{}",
      JSON.stringify({ ...json, signingPublicKey: other.signingPublicKey }),
      JSON.stringify({ ...json, agreementSecretKey: other.agreementSecretKey }),
      JSON.stringify({ ...json, signingSecretKey: "short" }),
      JSON.stringify({ ...json, deviceId: other.deviceId }),
    ]) {
      let ok = false;
      try {
        parseDeviceIdentity(bad);
      } catch (error) {
        ok = isProtocolError(error, "PROTO_ERR_IDENTITY_INVALID");
      }
      expect(ok).toBe(true);
    }
    const pub = publicIdentity(id);
    expect(() => parsePublicIdentity({ ...pub, deviceId: other.deviceId })).toThrow(/device id/);
  });

  it("signs and verifies (raw key, base64url, PublicIdentity); never throws on junk", () => {
    const id = generateDeviceIdentity();
    const sig = signMessage(id, "codex-remote/relay-auth/v1\u0000nonce");
    expect(sig).toHaveLength(64);
    expect(verifySignature(id.signing.publicKey, "codex-remote/relay-auth/v1\u0000nonce", sig)).toBe(true);
    expect(verifySignature(id.deviceId, "codex-remote/relay-auth/v1\u0000nonce", toBase64Url(sig))).toBe(true);
    expect(verifySignature(publicIdentity(id), "codex-remote/relay-auth/v1\u0000nonce", sig)).toBe(true);
    expect(verifySignature(publicIdentity(id), "codex-remote/relay-auth/v1\u0000other", sig)).toBe(false);
    expect(
      verifySignature(publicIdentity(generateDeviceIdentity()), "codex-remote/relay-auth/v1\u0000nonce", sig),
    ).toBe(false);
    expect(verifySignature("!!", "x", "??")).toBe(false);
    expect(verifySignature(new Uint8Array(5), "x", new Uint8Array(64))).toBe(false);
  });
});
