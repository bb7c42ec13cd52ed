import {
  type DeviceIdentity,
  generateDeviceIdentity,
  type PublicIdentity,
  parseDeviceIdentity,
  parsePublicIdentity,
  serializeDeviceIdentity,
} from "@codex-remote/protocol";
import { z } from "zod";
import { kv } from "../storage/db.ts";

/** A paired laptop as this phone remembers it (IndexedDB; never sent anywhere). */
export interface LaptopRecord {
  /** The laptop's relay device id. */
  id: string;
  name: string;
  relayUrl: string;
  room: string;
  /** The laptop's long-term public identity, from pairing: later sessions need no QR. */
  host: PublicIdentity;
  pairedAt: number;
  /** Last relay sequence delivered to this phone, to resume after a restart. */
  lastRelaySeq?: number;
}

const Record = z.object({
  id: z.string().min(1),
  name: z.string(),
  relayUrl: z.string().min(1),
  room: z.string().min(1),
  host: z.unknown(),
  pairedAt: z.number(),
  lastRelaySeq: z.number().int().nonnegative().optional(),
});

/** This phone's device identity: created once, kept in IndexedDB. */
export async function loadIdentity(): Promise<DeviceIdentity> {
  const stored = await kv.get<string>("identity");
  if (typeof stored === "string") {
    try {
      return parseDeviceIdentity(stored);
    } catch {
      // unreadable: make a new one (the laptops will need pairing again)
    }
  }
  const identity = generateDeviceIdentity();
  await kv.set("identity", serializeDeviceIdentity(identity));
  return identity;
}

export async function loadLaptops(): Promise<LaptopRecord[]> {
  const out: LaptopRecord[] = [];
  for (const key of await kv.keys("laptop:")) {
    const parsed = Record.safeParse(await kv.get(key));
    if (!parsed.success) continue;
    try {
      const { lastRelaySeq, ...rest } = parsed.data;
      out.push({
        ...rest,
        host: parsePublicIdentity(parsed.data.host),
        ...(lastRelaySeq !== undefined ? { lastRelaySeq } : {}),
      });
    } catch {
      // a record whose keys do not check out is ignored
    }
  }
  return out.sort((a, b) => a.pairedAt - b.pairedAt);
}

export const saveLaptop = (r: LaptopRecord): Promise<void> => kv.set(`laptop:${r.id}`, r);
export const forgetLaptop = (id: string): Promise<void> => kv.del(`laptop:${id}`);
