import { generateWebCryptoIdentity } from "@codex-remote/protocol/relay";
import { describe, expect, it } from "vitest";
import { startRelay } from "../src/server.ts";
import { client, next, pairedSetup, token } from "./helpers.ts";

describe("logs", () => {
  it("never contain a frame's payload or a pairing token, even at trace level", async () => {
    const lines: string[] = [];
    const r = await startRelay(
      { store: "memory", port: 0, logLevel: "trace" },
      { logStream: { write: (l: string) => void lines.push(l) } },
    );
    try {
      const { host, phone, room } = await pairedSetup(r.url);
      const marker = "PAYLOAD-MARKER-7f3a";
      const got = next(phone, "frame");
      host.send(room, "output", new TextEncoder().encode(marker));
      await got;
      const t = token();
      await host.openPairing(room, t, 60_000);
      const other = client(r.url, await generateWebCryptoIdentity(), { register: { kind: "phone", name: "x" } });
      await other.connect();
      await other.claimPairing(room, t, "x");
      // a refused frame is logged as a drop, still without content
      const dropped = next(phone, "dropped");
      phone.send(room, "input", new TextEncoder().encode(marker));
      expect((await dropped).code).toBe("not_controller");
      for (const c of [host, phone, other]) c.close();
      const all = lines.join("\n");
      expect(lines.length).toBeGreaterThan(3);
      expect(all).toMatch(/device authenticated/);
      expect(all).not.toContain(marker);
      expect(all).not.toContain(t);
      expect(all).not.toContain(Buffer.from(marker).toString("base64"));
    } finally {
      await r.close();
    }
  });
});
