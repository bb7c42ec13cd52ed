/** Published test vectors, run against the primitives the package actually uses, on both AEAD backends. */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8Encode } from "../src/bytes.ts";
import { aead as nobleBackend } from "../src/crypto/aead-browser.ts";
import { aead as nodeBackend } from "../src/crypto/aead-node.ts";
import { hchacha20 } from "../src/crypto/hchacha.ts";
import {
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  hkdfExpand,
  hkdfExtract,
  hkdfSha256,
  x25519PublicKey,
  x25519SharedSecret,
} from "../src/crypto/primitives.ts";
import { xchacha20poly1305Open, xchacha20poly1305Seal } from "../src/crypto/xchacha.ts";
import { isProtocolError } from "../src/errors.ts";

const h = hexToBytes;

describe("RFC 7748 X25519", () => {
  it("§5.2 single scalar multiplications", () => {
    expect(
      bytesToHex(
        x25519SharedSecret(
          h("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
          h("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
        ),
      ),
    ).toBe("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    expect(
      bytesToHex(
        x25519SharedSecret(
          h("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
          h("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"),
        ),
      ),
    ).toBe("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
  });

  it("§5.2 iterated: 1 and 1000 iterations", () => {
    let k: Uint8Array = h("0900000000000000000000000000000000000000000000000000000000000000");
    let u: Uint8Array = Uint8Array.from(k);
    for (let i = 1; i <= 1000; i++) {
      const next = x25519SharedSecret(k, u);
      u = k;
      k = next;
      if (i === 1) expect(bytesToHex(k)).toBe("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
    expect(bytesToHex(k)).toBe("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  });

  it("§6.1 Diffie-Hellman", () => {
    const aliceSk = h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const bobSk = h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const alicePk = x25519PublicKey(aliceSk);
    const bobPk = x25519PublicKey(bobSk);
    expect(bytesToHex(alicePk)).toBe("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    expect(bytesToHex(bobPk)).toBe("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(bytesToHex(x25519SharedSecret(aliceSk, bobPk))).toBe(shared);
    expect(bytesToHex(x25519SharedSecret(bobSk, alicePk))).toBe(shared);
  });

  it("rejects a low-order peer key with PROTO_ERR_KEY_INVALID", () => {
    const sk = h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    for (const low of [new Uint8Array(32), h("0100000000000000000000000000000000000000000000000000000000000000")]) {
      let code = "";
      try {
        x25519SharedSecret(sk, low);
      } catch (error) {
        code = isProtocolError(error) ? error.code : "other";
      }
      expect(code).toBe("PROTO_ERR_KEY_INVALID");
    }
  });
});

describe("RFC 5869 HKDF-SHA256", () => {
  it("test case 1", () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = h("000102030405060708090a0b0c");
    const info = h("f0f1f2f3f4f5f6f7f8f9");
    const prk = hkdfExtract(ikm, salt);
    expect(bytesToHex(prk)).toBe("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    expect(bytesToHex(hkdfExpand(prk, info, 42))).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  it("test case 3 (empty salt and info)", () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    expect(bytesToHex(hkdfExtract(ikm, new Uint8Array(0)))).toBe(
      "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    );
    expect(bytesToHex(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), 42))).toBe(
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    );
  });
});

describe("draft-irtf-cfrg-xchacha", () => {
  it("§2.2.1 HChaCha20", () => {
    const key = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    expect(bytesToHex(hchacha20(key, h("000000090000004a0000000031415927")))).toBe(
      "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
    );
  });

  const key = h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  const nonce = h("404142434445464748494a4b4c4d4e4f5051525354555657");
  const ad = h("50515253c0c1c2c3c4c5c6c7");
  const plaintext = utf8Encode(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  );
  const expected =
    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e" +
    "c0875924c1c7987947deafd8780acf49";

  for (const backend of [nodeBackend, nobleBackend]) {
    it(`§A.3.1 XChaCha20-Poly1305 on the ${backend.name} backend`, () => {
      const sealed = xchacha20poly1305Seal(backend, key, nonce, plaintext, ad);
      expect(bytesToHex(sealed)).toBe(expected);
      expect(xchacha20poly1305Open(backend, key, nonce, sealed, ad)).toEqual(plaintext);
      const bad = Uint8Array.from(sealed);
      bad[0] = (bad[0] as number) ^ 1;
      expect(() => xchacha20poly1305Open(backend, key, nonce, bad, ad)).toThrow(/authentication/);
    });
  }

  it("the node path is bit-identical to noble's xchacha20poly1305 on random inputs, across sizes", () => {
    for (let i = 0; i < 200; i++) {
      const k = globalThis.crypto.getRandomValues(new Uint8Array(32));
      const n = globalThis.crypto.getRandomValues(new Uint8Array(24));
      const a = globalThis.crypto.getRandomValues(new Uint8Array(i % 40));
      const p = globalThis.crypto.getRandomValues(new Uint8Array((i * 97) % 5000));
      const reference = xchacha20poly1305(k, n, a).encrypt(p);
      expect(xchacha20poly1305Seal(nodeBackend, k, n, p, a)).toEqual(reference);
      expect(xchacha20poly1305Open(nodeBackend, k, n, reference, a)).toEqual(p);
      expect(xchacha20poly1305Open(nobleBackend, k, n, xchacha20poly1305Seal(nodeBackend, k, n, p, a), a)).toEqual(p);
    }
  });
});

describe("RFC 8032 Ed25519", () => {
  const cases = [
    {
      sk: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      pk: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      msg: "",
      sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    },
    {
      sk: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      pk: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      msg: "72",
      sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    },
    {
      sk: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      pk: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      msg: "af82",
      sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    },
  ];
  for (const [i, c] of cases.entries()) {
    it(`§7.1 test ${i + 1}`, () => {
      expect(bytesToHex(ed25519PublicKey(h(c.sk)))).toBe(c.pk);
      expect(bytesToHex(ed25519Sign(h(c.sk), h(c.msg)))).toBe(c.sig);
      expect(ed25519Verify(h(c.pk), h(c.msg), h(c.sig))).toBe(true);
      const forged = h(c.sig);
      forged[5] = (forged[5] as number) ^ 4;
      expect(ed25519Verify(h(c.pk), h(c.msg), forged)).toBe(false);
    });
  }
});
