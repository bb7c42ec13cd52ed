import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  generateWebCryptoIdentity,
  RelayClient,
  type RelayClientEvents,
  type RelayClientOptions,
  type RelayIdentity,
} from "@codex-remote/protocol/relay";
import { afterAll } from "vitest";
import type { RelayConfigInput } from "../src/config.ts";
import { type Relay, startRelay } from "../src/server.ts";
import type { RelayStore } from "../src/store/types.ts";

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) {
    try {
      rmSync(d, { recursive: true, force: true, maxRetries: 3 });
    } catch {}
  }
});

/** A new directory under the system temp dir, removed when the test file ends. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

export async function relay(config: RelayConfigInput = {}, store?: RelayStore): Promise<Relay> {
  return startRelay({ store: "memory", port: 0, logLevel: "silent", ...config }, store ? { store } : {});
}

export function client(url: string, identity: RelayIdentity, extra: Partial<RelayClientOptions> = {}): RelayClient {
  return new RelayClient({ url, identity, reconnect: { initialMs: 20, maxMs: 200 }, ...extra });
}

export const token = () => randomBytes(24).toString("base64url");

/** A host with a room and a paired phone, both joined. */
export async function pairedSetup(url: string, room = "room-1", phoneExtra: Partial<RelayClientOptions> = {}) {
  const hostId = await generateWebCryptoIdentity();
  const phoneId = await generateWebCryptoIdentity();
  const host = client(url, hostId, { register: { kind: "host", name: "laptop" } });
  await host.connect();
  await host.openRoom(room);
  const t = token();
  await host.openPairing(room, t, 60_000);
  const phone = client(url, phoneId, { register: { kind: "phone", name: "phone" }, ...phoneExtra });
  await phone.connect();
  const paired = next(host, "paired");
  await phone.claimPairing(room, t, "phone");
  await paired;
  await host.join(room);
  await phone.join(room);
  return { host, phone, hostId, phoneId, room };
}

export function next<K extends keyof RelayClientEvents>(
  c: RelayClient,
  event: K,
  pred: (e: RelayClientEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<RelayClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`timeout waiting for ${event}`));
    }, timeoutMs);
    const off = c.on(event, (e) => {
      if (!pred(e)) return;
      clearTimeout(t);
      off();
      resolve(e);
    });
  });
}

export function payload(i: number, size = 32): Uint8Array {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

export function indexOf(p: Uint8Array): number {
  return new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(0);
}

export async function until(cond: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sends n frames with backpressure on the client outbox. */
export async function sendMany(c: RelayClient, room: string, from: number, n: number, size = 32, maxInFlight = 2000) {
  for (let i = from; i < from + n; i++) {
    while (c.outboxSize >= maxInFlight) await new Promise((r) => setTimeout(r, 2));
    c.send(room, "output", payload(i, size));
  }
}
