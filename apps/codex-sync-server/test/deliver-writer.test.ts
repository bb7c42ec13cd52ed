import { decodeDeliver } from "@codex-remote/protocol/relay";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket as Client, type WebSocket, WebSocketServer } from "ws";
import { deliverHead, writeDeliver } from "../src/deliver-writer.ts";

let wss: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise((r) => wss?.close(r) ?? r(undefined));
  wss = undefined;
});

/** A real ws server and client on loopback; `serve` runs with the server side's socket. */
async function roundTrip(serve: (ws: WebSocket) => void, expected: number): Promise<(Buffer | string)[]> {
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  wss.on("connection", serve);
  await new Promise((r) => wss!.once("listening", r));
  const port = (wss.address() as { port: number }).port;
  const client = new Client(`ws://127.0.0.1:${port}/`, { maxPayload: 16 * 1024 * 1024 });
  const got: (Buffer | string)[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on("message", (data, isBinary) => {
      got.push(isBinary ? (data as Buffer) : String(data));
      if (got.length === expected) resolve();
    });
    client.on("error", reject);
  });
  client.close();
  return got;
}

describe("deliver writer", () => {
  // every WebSocket length encoding (7-bit, 16-bit, 64-bit) and both sides of the inline threshold
  const sizes = [0, 1, 60, 61, 62, 125, 126, 2047, 2048, 65_000, 65_535, 65_536, 70_000, 1_000_000];

  it("writes envelopes a ws client reads back byte for byte, in order with ws's own sends", async () => {
    const payloads = sizes.map((n, i) => Buffer.alloc(n, (i * 37 + 11) & 0xff));
    const got = await roundTrip((ws) => {
      payloads.forEach((payload, i) => {
        const f = { seq: i + 1, sender: "dev-sender", cls: i % 2 ? "input" : "output", payload } as const;
        expect(writeDeliver(ws, deliverHead("room-a", f), payload)).toBe(true);
        ws.send(JSON.stringify({ after: i }));
      });
    }, sizes.length * 2);
    for (let i = 0; i < sizes.length; i++) {
      const d = decodeDeliver(got[i * 2] as Buffer);
      expect(d?.room).toBe("room-a");
      expect(d?.sender).toBe("dev-sender");
      expect(d?.seq).toBe(i + 1);
      expect(d?.cls).toBe(i % 2 ? "input" : "output");
      expect(Buffer.from(d!.payload).equals(payloads[i]!)).toBe(true);
      expect(got[i * 2 + 1]).toBe(JSON.stringify({ after: i }));
    }
  });

  it("a long turn's frames leave in writes of about 64 KiB, not all at the turn's end", async () => {
    // ~105 KiB: past one flush, and within what a loopback socket takes before its reader reads
    const payloads = Array.from({ length: 100 }, (_, i) => Buffer.alloc(1024, i & 0xff));
    const held: number[] = [];
    const got = await roundTrip((ws) => {
      const socket = (ws as unknown as { _socket: { writableLength: number } })._socket;
      payloads.forEach((payload, i) => {
        writeDeliver(ws, deliverHead("room-c", { seq: i + 1, sender: "s", cls: "output", payload }), payload);
        held.push(socket.writableLength);
      });
    }, payloads.length);
    // corked bytes never pile up past the flush point (plus the frame that crossed it)
    expect(Math.max(...held)).toBeLessThan(64 * 1024 + 2048);
    expect(got.map((b) => decodeDeliver(b as Buffer)?.seq)).toEqual(payloads.map((_, i) => i + 1));
    expect(got.every((b, i) => Buffer.from(decodeDeliver(b as Buffer)!.payload).equals(payloads[i]!))).toBe(true);
  });

  it("one head serves several readers; a closing socket is skipped, not written", async () => {
    const payload = Buffer.alloc(4096, 9);
    const head = deliverHead("room-b", { seq: 7, sender: "s", cls: "output", payload });
    const got = await roundTrip((ws) => {
      writeDeliver(ws, head, payload);
      writeDeliver(ws, head, payload);
      ws.close();
      expect(writeDeliver(ws, head, payload)).toBe(false);
    }, 2);
    expect(got.map((b) => decodeDeliver(b as Buffer)?.seq)).toEqual([7, 7]);
  });
});
