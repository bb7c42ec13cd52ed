import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { describe, expect, it } from "vitest";
import { deriveEpochKeys } from "../src/channel/key-schedule.ts";
import { aead as nobleBackend } from "../src/crypto/aead-browser.ts";
import { aead as nodeBackend } from "../src/crypto/aead-node.ts";
import { hchacha20 } from "../src/crypto/hchacha.ts";
import {
  acceptSession,
  createPairingOffer,
  createSecureChannel,
  decodeHandshakeMessage,
  deriveSessionSecrets,
  encodeHandshakeMessage,
  generateDeviceIdentity,
  initiateSession,
  isProtocolError,
  MAX_PAIRING_ATTEMPTS,
  type ProtocolError,
  parsePairingLink,
  peekSealedHeader,
  publicIdentity,
  respondToPairingOffer,
  SEALED_HEADER_BYTES,
  type SecureChannelOptions,
  toBase64Url,
  utf8Decode,
  utf8Encode,
} from "../src/index.ts";

function pair(wrapperOptions?: SecureChannelOptions, phoneOptions?: SecureChannelOptions) {
  const secrets = deriveSessionSecrets(
    new Uint8Array(32).fill(7),
    new Uint8Array(32).fill(9),
    new Uint8Array(16).fill(1),
  );
  return {
    secrets,
    wrapper: createSecureChannel(secrets, "wrapper", wrapperOptions),
    phone: createSecureChannel(secrets, "phone", phoneOptions),
  };
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isProtocolError(error)).toBe(true);
    expect((error as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe("secure channel", () => {
  it("uses node:crypto by default on Node", () => {
    expect(pair().wrapper.backendName).toBe("node");
  });

  it("seals and opens in both directions", () => {
    const { wrapper, phone } = pair();
    const a = wrapper.seal("control", utf8Encode("hello phone"));
    const b = phone.seal("binary", utf8Encode("hello wrapper"));
    expect(utf8Decode(phone.open(a).plaintext)).toBe("hello phone");
    const opened = wrapper.open(b);
    expect(opened.contentType).toBe("binary");
    expect(utf8Decode(opened.plaintext)).toBe("hello wrapper");
    expect(peekSealedHeader(a)).toMatchObject({
      direction: "wrapper_to_phone",
      sequence: 0,
      epoch: 0,
      contentType: "control",
      sessionId: wrapper.sessionId,
    });
  });

  it("produces the bytes of noble xchacha20poly1305 with nonce = epoch prefix || sequence, on both backends", () => {
    const { secrets } = pair();
    const node = createSecureChannel(secrets, "wrapper", { backend: nodeBackend });
    const noble = createSecureChannel(secrets, "wrapper", { backend: nobleBackend });
    const keys = deriveEpochKeys(secrets.wrapperToPhoneChain);
    for (let seq = 0; seq < 5; seq++) {
      const pt = utf8Encode(`frame ${seq}`.repeat(seq * 20 + 1));
      const a = node.seal("control", pt);
      const b = noble.seal("control", pt);
      expect(a).toEqual(b);
      const nonce = new Uint8Array(24);
      nonce.set(keys.noncePrefix);
      new DataView(nonce.buffer).setUint32(20, seq);
      const reference = xchacha20poly1305(keys.key, nonce, a.subarray(0, SEALED_HEADER_BYTES)).encrypt(pt);
      expect(a.subarray(SEALED_HEADER_BYTES)).toEqual(reference);
    }
    expect(hchacha20(keys.key, keys.noncePrefix)).toHaveLength(32);
  });

  it("opens across backends (node seals, noble opens and back)", () => {
    const { secrets } = pair();
    const nodeWrapper = createSecureChannel(secrets, "wrapper", { backend: nodeBackend });
    const noblePhone = createSecureChannel(secrets, "phone", { backend: nobleBackend });
    for (let i = 0; i < 10; i++) {
      const pt = new Uint8Array(i * 1000).fill(i);
      expect(noblePhone.open(nodeWrapper.seal("binary", pt)).plaintext).toEqual(pt);
      expect(nodeWrapper.open(noblePhone.seal("binary", pt)).plaintext).toEqual(pt);
    }
  });

  it("rejects replays, old frames, tampering, truncation, other sessions and directions, and stays usable", () => {
    const { wrapper, phone } = pair(undefined, { replayWindow: 64 });
    const first = wrapper.seal("control", utf8Encode("one"));
    phone.open(first);
    expectCode(() => phone.open(first), "PROTO_ERR_REPLAY");
    const frames = Array.from({ length: 100 }, (_, i) => wrapper.seal("control", utf8Encode(`f${i}`)));
    phone.open(frames[99] as Uint8Array);
    expectCode(() => phone.open(frames[0] as Uint8Array), "PROTO_ERR_TOO_OLD");
    expect(utf8Decode(phone.open(frames[90] as Uint8Array).plaintext)).toBe("f90");
    const tampered = Uint8Array.from(frames[91] as Uint8Array);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expectCode(() => phone.open(tampered), "PROTO_ERR_AUTH_FAILED");
    const retyped = Uint8Array.from(frames[91] as Uint8Array);
    retyped[3] = 2;
    expectCode(() => phone.open(retyped), "PROTO_ERR_AUTH_FAILED");
    const moved = Uint8Array.from(frames[91] as Uint8Array);
    moved[17] = (moved[17] as number) ^ 0x80;
    expectCode(() => phone.open(moved), "PROTO_ERR_AUTH_FAILED");
    expectCode(() => phone.open((frames[91] as Uint8Array).subarray(0, 40)), "PROTO_ERR_SEALED_TRUNCATED");
    expectCode(
      () => phone.open((frames[91] as Uint8Array).subarray(0, (frames[91] as Uint8Array).length - 1)),
      "PROTO_ERR_AUTH_FAILED",
    );
    const other = Uint8Array.from(frames[91] as Uint8Array);
    other[20] = (other[20] as number) ^ 1;
    expectCode(() => phone.open(other), "PROTO_ERR_SESSION_MISMATCH");
    expectCode(() => wrapper.open(frames[92] as Uint8Array), "PROTO_ERR_DIRECTION_MISMATCH");
    // The untouched original still opens after all those rejections.
    expect(utf8Decode(phone.open(frames[91] as Uint8Array).plaintext)).toBe("f91");
  });

  it("rekeys after the frame bound and the byte bound, and the receiver follows", () => {
    const { wrapper, phone } = pair({ rekeyAfterFrames: 3, rekeyAfterBytes: 1000 });
    const sealed = Array.from({ length: 10 }, (_, i) => wrapper.seal("binary", new Uint8Array(i === 7 ? 1500 : 10)));
    const epochs = sealed.map((s) => peekSealedHeader(s).epoch);
    expect(epochs).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 3, 3]);
    // Out of order across an epoch boundary (previous epoch stays openable).
    phone.open(sealed[0] as Uint8Array);
    phone.open(sealed[4] as Uint8Array);
    phone.open(sealed[2] as Uint8Array);
    phone.open(sealed[9] as Uint8Array);
    phone.open(sealed[7] as Uint8Array);
    expectCode(() => phone.open(sealed[1] as Uint8Array), "PROTO_ERR_EPOCH");
    expect(phone.state.receiveEpoch).toBe(3);
  });

  it("a forged frame claiming a later key epoch does not move the receiver", () => {
    const { wrapper, phone } = pair();
    const sealed = wrapper.seal("control", utf8Encode("x"));
    for (let epoch = 1; epoch <= 5; epoch++) {
      const forged = Uint8Array.from(sealed);
      new DataView(forged.buffer).setUint32(6, epoch);
      expectCode(() => phone.open(forged), epoch <= 4 ? "PROTO_ERR_AUTH_FAILED" : "PROTO_ERR_EPOCH");
      expect(phone.state.receiveEpoch).toBe(0);
    }
    expect(utf8Decode(phone.open(sealed).plaintext)).toBe("x");
  });
});

describe("pairing and sessions", () => {
  it("pairs from a link, agrees on SAS and keys, exchanges identities, then runs a later session without QR", () => {
    const laptop = generateDeviceIdentity();
    const phoneId = generateDeviceIdentity();
    const now = Date.now();
    const pending = createPairingOffer({ relayUrl: "ws://127.0.0.1:8787/ws", now });
    const link = pending.link();
    expect(link).toContain(`#s=${pending.offer.secret}`);
    expect(link.split("#")[0]).not.toContain(pending.offer.secret);
    const offer = parsePairingLink(link, now + 1000);
    expect(offer).toEqual(pending.offer);
    const phoneSide = respondToPairingOffer(offer, phoneId, { now: now + 1000 });
    const wrapperSide = pending.accept(phoneSide.response, laptop, now + 2000);
    expect(wrapperSide.sas).toBe(phoneSide.sas);
    expect(wrapperSide.sas).toMatch(/^\d{3} \d{3}$/);
    expect(wrapperSide.peer).toEqual(publicIdentity(phoneId));
    expect(phoneSide.finish(wrapperSide.accept)).toEqual(publicIdentity(laptop));
    expect(phoneSide.channel.open(wrapperSide.channel.seal("control", utf8Encode("hi"))).plaintext).toEqual(
      utf8Encode("hi"),
    );
    expectCode(() => pending.accept(phoneSide.response, laptop, now + 3000), "PROTO_ERR_PAIRING_USED");

    const init = initiateSession(phoneId, publicIdentity(laptop), "phone");
    const responder = acceptSession(laptop, publicIdentity(phoneId), init.init);
    const { channel: phoneChannel, finish } = init.complete(responder.accept);
    responder.verifyFinish(finish);
    expect(phoneChannel.sas).toBe(responder.channel.sas);
    expect(utf8Decode(responder.channel.open(phoneChannel.seal("control", utf8Encode("later"))).plaintext)).toBe(
      "later",
    );
  });

  it("rejects expired offers, wrong proofs and an impostor in a later session", () => {
    const laptop = generateDeviceIdentity();
    const phoneId = generateDeviceIdentity();
    const now = Date.now();
    const pending = createPairingOffer({ relayUrl: "wss://relay.invalid/ws", ttlMs: 1000, now });
    expectCode(() => parsePairingLink(pending.link(), now + 5000), "PROTO_ERR_PAIRING_EXPIRED");
    const response = respondToPairingOffer(pending.offer, phoneId, { now }).response;
    const forged = { ...response, proof: response.confirm };
    expectCode(() => pending.accept(forged, laptop, now), "PROTO_ERR_PAIRING_PROOF");
    expectCode(() => pending.accept(response, laptop, now + 5000), "PROTO_ERR_PAIRING_EXPIRED");
    expect(pending.accept(response, laptop, now).sas).toMatch(/\d{3} \d{3}/);

    const impostor = generateDeviceIdentity();
    const init = initiateSession(impostor, publicIdentity(laptop), "phone");
    const spoofed = { ...init.init, deviceId: phoneId.deviceId };
    const responder = acceptSession(laptop, publicIdentity(phoneId), spoofed);
    expectCode(() => init.complete({ ...responder.accept }), "PROTO_ERR_KEY_CONFIRMATION");
    const fakeFinish = {
      type: "session_finish" as const,
      v: 1 as const,
      sessionId: spoofed.sessionId,
      confirm: responder.accept.confirm,
    };
    expectCode(() => responder.verifyFinish(fakeFinish), "PROTO_ERR_KEY_CONFIRMATION");
    expectCode(() => init.complete({ ...responder.accept, deviceId: impostor.deviceId }), "PROTO_ERR_HANDSHAKE");
  });

  it("locks an offer after MAX_PAIRING_ATTEMPTS bad proofs; a tampered wrapper identity is refused by the phone", () => {
    const laptop = generateDeviceIdentity();
    const now = Date.now();
    const pending = createPairingOffer({ relayUrl: "ws://127.0.0.1:1/ws", now });
    const good = respondToPairingOffer(pending.offer, generateDeviceIdentity(), { now });
    for (let i = 0; i < MAX_PAIRING_ATTEMPTS; i++) {
      const attacker = respondToPairingOffer(
        { ...pending.offer, secret: toBase64Url(new Uint8Array(32).fill(i)) },
        generateDeviceIdentity(),
        { now },
      );
      expectCode(() => pending.accept(attacker.response, laptop, now), "PROTO_ERR_PAIRING_PROOF");
    }
    expect(pending.used).toBe(true);
    expectCode(() => pending.accept(good.response, laptop, now), "PROTO_ERR_PAIRING_USED");

    const second = createPairingOffer({ relayUrl: "ws://127.0.0.1:1/ws", now });
    const phone = respondToPairingOffer(second.offer, generateDeviceIdentity(), { now });
    const { accept } = second.accept(phone.response, laptop, now);
    const impostor = publicIdentity(generateDeviceIdentity());
    expectCode(() => phone.finish({ ...accept, identity: impostor }), "PROTO_ERR_PAIRING_PROOF");
    expect(phone.finish(accept)).toEqual(publicIdentity(laptop));
  });

  it("round-trips the handshake messages through their codec", () => {
    const laptop = generateDeviceIdentity();
    const phoneId = generateDeviceIdentity();
    const init = initiateSession(laptop, publicIdentity(phoneId), "wrapper");
    const wire = decodeHandshakeMessage(encodeHandshakeMessage(init.init));
    if (wire.type !== "session_init") throw new Error("type");
    const responder = acceptSession(phoneId, publicIdentity(laptop), wire);
    expect(responder.channel.role).toBe("phone");
    const acceptWire = decodeHandshakeMessage(encodeHandshakeMessage(responder.accept));
    if (acceptWire.type !== "session_accept") throw new Error("type");
    const { channel, finish } = init.complete(acceptWire);
    const finishWire = decodeHandshakeMessage(encodeHandshakeMessage(finish));
    if (finishWire.type !== "session_finish") throw new Error("type");
    responder.verifyFinish(finishWire);
    expect(responder.channel.confirmed).toBe(true);
    expect(channel.sessionId).toBe(responder.channel.sessionId);
    expectCode(() => init.complete(acceptWire), "PROTO_ERR_HANDSHAKE");
  });
});
