import { describe, expect, it } from "vitest";
import { authTranscript, generateWebCryptoIdentity, verifyAuthSignature } from "./auth.ts";
import { fromBase64Url, toBase64Url } from "./base64url.ts";
import { decodeDeliver, decodeSend, decodeSendKnown, encodeDeliver, encodeSend, peekDeliver } from "./envelope.ts";
import { closeCodeFor, codeForClose, RELAY_ERRORS } from "./errors.ts";
import { parseClientMessage, parseServerMessage } from "./messages.ts";

describe("relay wire", () => {
  it("round-trips send and deliver envelopes and rejects malformed ones", () => {
    const payload = new Uint8Array([9, 8, 7]);
    const s = encodeSend({ room: "room-1", cls: "input", epoch: 0xdeadbeef, counter: 42, payload });
    expect(decodeSend(s)).toEqual({ room: "room-1", cls: "input", epoch: 0xdeadbeef, counter: 42, payload });
    const sender = "A".repeat(43);
    const d = encodeDeliver({ room: "r", cls: "control", sender, seq: 2 ** 40 + 5, payload });
    expect(decodeDeliver(d)).toEqual({ room: "r", cls: "control", sender, seq: 2 ** 40 + 5, payload });
    expect(peekDeliver(d)).toEqual({ seq: 2 ** 40 + 5, payload });
    expect(decodeSend(new Uint8Array([1, 9, 1, 65]))).toBeUndefined();
    expect(decodeSend(new Uint8Array([1, 0, 1, 0x2f, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(decodeSend(d)).toBeUndefined();
  });

  it("decodes a send with a known room exactly like decodeSend", () => {
    const payload = new Uint8Array([1, 2, 3, 4]);
    const frames = [
      encodeSend({ room: "room-1", cls: "output", epoch: 7, counter: 9, payload }),
      encodeSend({ room: "room-2", cls: "input", epoch: 7, counter: 10, payload }),
      encodeSend({ room: "r", cls: "control", epoch: 1, counter: 1, payload }),
      new Uint8Array([1, 9, 6, ...new TextEncoder().encode("room-1"), 0, 0, 0, 0, 0, 0, 0, 0]), // bad class
      new Uint8Array([1, 0, 6, ...new TextEncoder().encode("room/1"), 0, 0, 0, 0, 0, 0, 0, 0]), // bad room id
      new Uint8Array([1, 0, 6, ...new TextEncoder().encode("room-1"), 0, 0]), // truncated
    ];
    for (const f of frames) {
      for (const known of [undefined, "room-1", "room-2", "r"])
        expect(decodeSendKnown(f, known)).toEqual(decodeSend(f));
    }
    expect(decodeSendKnown(frames[0]!, "room-1")?.room).toBe("room-1");
  });

  it("parses only well-formed JSON messages", () => {
    expect(parseClientMessage('{"t":"join","room":"r1","after":3}')).toEqual({ t: "join", room: "r1", after: 3 });
    expect(parseClientMessage('{"t":"join","room":"bad room"}')).toBeUndefined();
    expect(parseClientMessage("not json")).toBeUndefined();
    expect(parseServerMessage('{"t":"gap","room":"r","from":1,"to":5}')).toEqual({
      t: "gap",
      room: "r",
      from: 1,
      to: 5,
    });
  });

  it("signs and verifies the auth transcript with Ed25519", async () => {
    const id = await generateWebCryptoIdentity();
    const nonce = crypto.getRandomValues(new Uint8Array(32));
    const sig = await id.sign(authTranscript(nonce, id.publicKey));
    expect(await verifyAuthSignature(id.publicKey, nonce, sig)).toBe(true);
    const other = crypto.getRandomValues(new Uint8Array(32));
    expect(await verifyAuthSignature(id.publicKey, other, sig)).toBe(false);
    expect(fromBase64Url(toBase64Url(id.publicKey))).toEqual(id.publicKey);
  });

  it("maps every error code to a unique close code and back", () => {
    const closes = new Set(Object.values(RELAY_ERRORS).map((e) => e.close));
    expect(closes.size).toBe(Object.keys(RELAY_ERRORS).length);
    expect(codeForClose(closeCodeFor("slow_consumer"))).toBe("slow_consumer");
  });
});
