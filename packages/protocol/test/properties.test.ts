/**
 * Property tests: every frame type round-trips; random bytes and mutated valid frames never make a
 * decoder throw anything but ProtocolError (and never hang: the suite's timeout bounds every run).
 * FUZZ_SCALE multiplies every run count (the `fuzz` script uses 20).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  acceptSession,
  CONTROL_FRAME_TYPES,
  createPairingOffer,
  createSecureChannel,
  decodeBinaryFrame,
  decodeControlFrame,
  decodeHandshakeMessage,
  deriveSessionSecrets,
  encodeBinaryFrame,
  encodeControlFrame,
  encodeControlFrameBytes,
  generateDeviceIdentity,
  initiateSession,
  ProtocolError,
  parseDeviceIdentity,
  parsePairingLink,
  peekSealedHeader,
  publicIdentity,
  toBase64Url,
} from "../src/index.ts";
import { binaryFrame, controlFrame, mutate } from "./arbitraries.ts";

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
let cases = 0;
const runs = (n: number): { numRuns: number } => {
  const numRuns = Math.max(1, Math.round(n * SCALE));
  cases += numRuns;
  return { numRuns };
};

/** Runs `fn`; a ProtocolError counts as a clean rejection, anything else fails the property. */
function onlyProtocolErrors(fn: () => unknown): "ok" | "rejected" {
  try {
    fn();
    return "ok";
  } catch (error) {
    if (error instanceof ProtocolError) {
      expect(typeof error.code).toBe("string");
      return "rejected";
    }
    throw error;
  }
}

describe("round trips", () => {
  it("every control frame type round-trips through text and bytes", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(controlFrame, (frame) => {
        seen.add(frame.type);
        expect(decodeControlFrame(encodeControlFrame(frame))).toEqual(frame);
        expect(decodeControlFrame(encodeControlFrameBytes(frame))).toEqual(frame);
      }),
      runs(20_000),
    );
    expect([...seen].sort()).toEqual([...CONTROL_FRAME_TYPES].sort());
  });

  it("every binary frame type round-trips", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(binaryFrame, (frame) => {
        seen.add(frame.type);
        expect(decodeBinaryFrame(encodeBinaryFrame(frame))).toEqual(frame);
      }),
      runs(15_000),
    );
    expect(seen.size).toBe(5);
  });
});

describe("decoders on hostile input", () => {
  it("control decoder: random bytes and random strings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        onlyProtocolErrors(() => decodeControlFrame(bytes));
      }),
      runs(15_000),
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        onlyProtocolErrors(() => decodeControlFrame(text));
      }),
      runs(5_000),
    );
  });

  it("control decoder: random JSON, with and without a known type", () => {
    const known = fc.constantFrom(...CONTROL_FRAME_TYPES);
    const junk = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.tuple(known, junk).map(([type, rest]) => ({ ...rest, type })),
        ),
        (value) => {
          onlyProtocolErrors(() => decodeControlFrame(JSON.stringify(value) ?? "null"));
        },
      ),
      runs(10_000),
    );
  });

  it("control decoder: mutated valid frames", () => {
    fc.assert(
      fc.property(
        controlFrame.chain((frame) => mutate(encodeControlFrameBytes(frame))),
        (bytes) => {
          onlyProtocolErrors(() => decodeControlFrame(bytes));
        },
      ),
      runs(10_000),
    );
  });

  it("binary decoder: random bytes, random bytes behind a valid magic, mutated valid frames", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        onlyProtocolErrors(() => decodeBinaryFrame(bytes));
      }),
      runs(10_000),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), fc.integer({ min: 0, max: 6 }), (tail, type) => {
        const bytes = new Uint8Array(4 + tail.length);
        bytes.set([0x43, 0x52, 1, type]);
        bytes.set(tail, 4);
        onlyProtocolErrors(() => decodeBinaryFrame(bytes));
      }),
      runs(10_000),
    );
    fc.assert(
      fc.property(
        binaryFrame.chain((frame) => mutate(encodeBinaryFrame(frame))),
        (bytes) => {
          onlyProtocolErrors(() => decodeBinaryFrame(bytes));
        },
      ),
      runs(10_000),
    );
  });

  it("sealed frames: any mutation is rejected with a typed error and the channel stays usable", () => {
    const secrets = deriveSessionSecrets(
      new Uint8Array(32).fill(3),
      new Uint8Array(32).fill(4),
      new Uint8Array(16).fill(5),
    );
    const wrapper = createSecureChannel(secrets, "wrapper");
    const phone = createSecureChannel(secrets, "phone");
    fc.assert(
      fc.property(
        fc
          .oneof(
            controlFrame.map((f) => ({ control: f })),
            binaryFrame.map((f) => ({ binary: f })),
          )
          .chain((msg) => {
            const sealed = "control" in msg ? wrapper.sealControl(msg.control) : wrapper.sealBinary(msg.binary);
            return fc.tuple(fc.constant(sealed), mutate(sealed));
          }),
        ([sealed, mutated]) => {
          const same = mutated.length === sealed.length && mutated.every((b, i) => b === sealed[i]);
          if (!same) expect(onlyProtocolErrors(() => phone.openFrame(mutated))).toBe("rejected");
          expect(() => phone.openFrame(sealed)).not.toThrow();
          expect(onlyProtocolErrors(() => phone.openFrame(sealed))).toBe("rejected"); // replay
        },
      ),
      runs(5_000),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        onlyProtocolErrors(() => peekSealedHeader(bytes));
        expect(onlyProtocolErrors(() => phone.open(bytes))).toBe("rejected");
      }),
      runs(5_000),
    );
  });

  it("pairing links, identities and handshake messages: random text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        onlyProtocolErrors(() => parsePairingLink(text));
        onlyProtocolErrors(() => parsePairingLink(`codex-remote://pair?${text}#s=${text}`));
        onlyProtocolErrors(() => parseDeviceIdentity(text));
        onlyProtocolErrors(() => decodeHandshakeMessage(text));
      }),
      runs(4_000),
    );
  });
});

describe("handshakes on hostile but well-formed messages", () => {
  const key: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toBase64Url(b));
  const identity = fc.oneof(
    fc.record({ deviceId: key, signingPublicKey: key, agreementPublicKey: key }),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).chain((signing) =>
      key.map((agreement) => ({
        deviceId: toBase64Url(signing),
        signingPublicKey: toBase64Url(signing),
        agreementPublicKey: agreement,
      })),
    ),
  );

  it("pairing responses, session inits and accepts with random keys and MACs only yield ProtocolError", () => {
    const laptop = generateDeviceIdentity();
    const phone = generateDeviceIdentity();
    const pending = createPairingOffer({ relayUrl: "ws://127.0.0.1:1/ws" });
    fc.assert(
      fc.property(key, identity, key, key, (ephemeral, who, proof, confirm) => {
        onlyProtocolErrors(() =>
          pending.accept(
            {
              type: "pairing_response",
              v: 1,
              roomId: pending.offer.roomId,
              ephemeralPublicKey: ephemeral,
              identity: who,
              proof,
              confirm,
            },
            laptop,
          ),
        );
        const init = {
          type: "session_init" as const,
          v: 1 as const,
          sessionId: toBase64Url(new Uint8Array(16)),
          role: "phone" as const,
          deviceId: phone.deviceId,
          ephemeralPublicKey: ephemeral,
        };
        onlyProtocolErrors(() =>
          acceptSession(laptop, publicIdentity(phone), init).verifyFinish({
            type: "session_finish",
            v: 1,
            sessionId: init.sessionId,
            confirm,
          }),
        );
        const initiator = initiateSession(phone, publicIdentity(laptop), "phone");
        expect(
          onlyProtocolErrors(() =>
            initiator.complete({
              type: "session_accept",
              v: 1,
              sessionId: initiator.init.sessionId,
              deviceId: laptop.deviceId,
              ephemeralPublicKey: ephemeral,
              confirm,
            }),
          ),
        ).toBe("rejected");
      }),
      runs(300),
    );
    // Random responses never consumed the offer beyond the lock-out: it is locked, not crashed.
    expect(typeof pending.used).toBe("boolean");
  });
});

afterAll(() => {
  // The issue asks for at least 100k generated cases in CI.
  expect(cases).toBeGreaterThanOrEqual(100_000 * Math.min(SCALE, 1));
  console.log(`property tests: ${cases} generated cases`);
});
