/**
 * Checks a deployed relay end to end, from any machine that can reach it:
 *
 *   node --conditions=@codex-remote/source apps/codex-sync-server/deploy/smoke.ts wss://relay.example.com/v1/relay \
 *     [--frames 1000] [--restart "docker restart relay"]
 *
 * Registers a throwaway laptop and phone, pairs them, sends frames laptop → phone and checks that
 * every one arrives once, in order. With --restart it then runs that command (restart the relay)
 * and checks that the phone, reconnecting from sequence 0, gets the same frames again from the
 * relay's log: the store survived the restart. At the end it revokes both throwaway devices (their
 * frames age out with the relay's retention). Exit code 0 when everything held.
 */
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import {
  generateWebCryptoIdentity,
  RelayClient,
  RelayClientError,
  type RelayIdentity,
} from "@codex-remote/protocol/relay";
import { z } from "zod";

const Args = z.object({
  url: z.string().regex(/^wss?:\/\//, "the relay URL starts with ws:// or wss://"),
  frames: z.coerce.number().int().min(1).max(1_000_000),
  restart: z.string().min(1).optional(),
});

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { frames: { type: "string", default: "1000" }, restart: { type: "string" } },
});
const parsed = Args.safeParse({ url: positionals[0], frames: values.frames, restart: values.restart });
if (!parsed.success) {
  for (const i of parsed.error.issues) console.error(`smoke: ${i.path.join(".") || "args"}: ${i.message}`);
  process.exit(2);
}
const { url, frames, restart } = parsed.data;

const client = (identity: RelayIdentity, register?: { kind: "host" | "phone"; name: string }) =>
  new RelayClient({
    url,
    identity,
    ...(register ? { register } : {}),
  });

const frameOf = (i: number) => {
  const b = new Uint8Array(64);
  new DataView(b.buffer).setUint32(0, i);
  return b;
};
const indexOf = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(0);

async function receive(phone: RelayClient, room: string, n: number, what: string): Promise<void> {
  const got: number[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: ${got.length}/${n} frames after 60 s`)), 60_000);
    phone.on("frame", (f) => {
      if (f.room !== room) return;
      got.push(indexOf(f.payload));
      if (got.length === n) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await done;
  if (!got.every((v, i) => v === i)) throw new Error(`${what}: frames out of order or repeated`);
  console.log(`smoke: ${what}: ${n} frames, once each, in order`);
}

async function main(): Promise<void> {
  const room = `smoke-${randomBytes(6).toString("hex")}`;
  const hostId = await generateWebCryptoIdentity();
  const phoneId = await generateWebCryptoIdentity();
  const host = client(hostId, { kind: "host", name: "smoke-laptop" });
  await host.connect();
  await host.openRoom(room);
  const token = randomBytes(24).toString("base64url");
  await host.openPairing(room, token, 60_000);
  const phone = client(phoneId, { kind: "phone", name: "smoke-phone" });
  await phone.connect();
  await phone.claimPairing(room, token, "smoke-phone");
  await host.join(room);
  await phone.join(room);
  console.log(`smoke: paired a laptop and a phone in ${room}`);

  const live = receive(phone, room, frames, "live");
  for (let i = 0; i < frames; i++) host.send(room, "output", frameOf(i));
  await live;
  phone.close();

  if (restart) {
    console.log(`smoke: running ${JSON.stringify(restart)}`);
    execSync(restart, { stdio: "inherit" });
    const again = client(phoneId);
    for (let tries = 0; ; tries++) {
      try {
        await again.connect();
        break;
      } catch (err) {
        if (tries >= 60) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const replay = receive(again, room, frames, "after restart, from the log");
    await again.join(room, { after: 0 });
    await replay;
    again.close();
  }

  // leave nothing usable behind: the laptop revokes the phone, then itself (after a restart its
  // client is still reconnecting, so this retries for a while)
  for (let tries = 0; ; tries++) {
    try {
      await host.revokeDevice(phone.deviceId);
      break;
    } catch (err) {
      if (tries >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await host.revokeDevice(host.deviceId).catch((err: unknown) => {
    // the relay cuts the revoked laptop's own connection, possibly before its answer arrives
    if (!(err instanceof RelayClientError && ["device_revoked", "disconnected", "closed"].includes(err.code)))
      throw err;
  });
  host.close();
  console.log("smoke: revoked the throwaway laptop and phone");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`smoke: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
