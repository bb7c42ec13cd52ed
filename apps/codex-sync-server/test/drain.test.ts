import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexOf, next, pairedSetup, relay, sendMany, tempDir, until } from "./helpers.ts";

describe("graceful shutdown", () => {
  it("drains: clients are told to reconnect, readiness drops, a restarted relay resumes the log", async () => {
    const dir = tempDir("relay-drain-");
    const sqlitePath = join(dir, "relay.sqlite");
    const first = await relay({ store: "sqlite", sqlitePath });
    const port = first.port;
    const { host, phone, room } = await pairedSetup(first.url);
    const got: number[] = [];
    phone.on("frame", (f) => got.push(indexOf(f.payload)));
    await sendMany(host, room, 0, 100);
    await host.flushed();
    const told = next(phone, "close");
    const closing = first.close();
    const ev = await told;
    expect(ev).toMatchObject({ error: "server_draining", willReconnect: true });
    await closing;
    const second = await relay({ store: "sqlite", sqlitePath, port });
    try {
      expect((await fetch(`${second.httpUrl}/readyz`)).status).toBe(200);
      await sendMany(host, room, 100, 100);
      await until(() => got.length >= 200, 20_000, "200 frames");
      expect(got).toEqual([...Array(200).keys()]);
      const drained = second.close();
      const status = await fetch(`${second.httpUrl}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      expect([0, 503]).toContain(status);
      await drained;
    } finally {
      host.close();
      phone.close();
      await second.close();
    }
  });
});
