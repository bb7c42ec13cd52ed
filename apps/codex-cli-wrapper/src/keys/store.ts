import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { WrapperError } from "../config/errors.ts";
import { keysFile } from "../config/paths.ts";

/** A phone that completed pairing: its id and long-term public keys as the protocol serialized them. */
export const PairedDevice = z.object({
  id: z.string().min(1),
  name: z.string(),
  /** The protocol's serialized public identity of the device (opaque here). */
  publicIdentity: z.string().min(1),
  pairedAt: z.string(),
  lastSeenAt: z.string().optional(),
});
export type PairedDevice = z.infer<typeof PairedDevice>;

const KeyFile = z.object({
  version: z.literal(1),
  device: z.object({
    id: z.string().min(1),
    /** The protocol's serialized secret identity (Ed25519 + X25519). Never logged. */
    identity: z.string().min(1),
    createdAt: z.string(),
  }),
  paired: z.array(PairedDevice),
  revoked: z.array(z.object({ id: z.string(), revokedAt: z.string() })).default([]),
});
type KeyFile = z.infer<typeof KeyFile>;

export interface NewIdentity {
  readonly id: string;
  readonly identity: string;
}

/**
 * The laptop's long-term keys and its paired devices, in one 0600 JSON file under the config dir.
 * Every write goes to a 0600 temp file renamed over the old one, so a crash never leaves half a key.
 */
export class KeyStore {
  readonly file: string;
  /** Problems found and repaired while opening (for `doctor`), e.g. a key file readable by others. */
  readonly warnings: string[];
  private data: KeyFile;

  private constructor(file: string, data: KeyFile, warnings: string[]) {
    this.file = file;
    this.data = data;
    this.warnings = warnings;
  }

  /** Opens the store, creating the identity with `create` on first use. */
  static open(dir: string, create: () => NewIdentity): KeyStore {
    const file = keysFile(dir);
    const existing = KeyStore.read(file);
    if (existing) return new KeyStore(file, existing.data, existing.warnings);
    const fresh = create();
    const data: KeyFile = {
      version: 1,
      device: { id: fresh.id, identity: fresh.identity, createdAt: new Date().toISOString() },
      paired: [],
      revoked: [],
    };
    const store = new KeyStore(file, data, []);
    store.save();
    return store;
  }

  /** Opens an existing store without creating one (undefined when there is none yet). */
  static openExisting(dir: string): KeyStore | undefined {
    const file = keysFile(dir);
    const existing = KeyStore.read(file);
    return existing ? new KeyStore(file, existing.data, existing.warnings) : undefined;
  }

  private static read(file: string): { data: KeyFile; warnings: string[] } | undefined {
    let text: string;
    const warnings: string[] = [];
    try {
      const mode = statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        chmodSync(file, 0o600);
        warnings.push(`${file} was readable by others (mode ${mode.toString(8)}); set to 600`);
      }
      text = readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new WrapperError("KEYS_READ", `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new WrapperError("KEYS_INVALID", `${file} is not valid JSON`);
    }
    const parsed = KeyFile.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.map(String).join(".") ?? "(root)";
      throw new WrapperError("KEYS_INVALID", `${file}: unexpected content at ${where}`, where);
    }
    return { data: parsed.data, warnings };
  }

  get deviceId(): string {
    return this.data.device.id;
  }

  /** The serialized secret identity, for the protocol package to load. */
  get identity(): string {
    return this.data.device.identity;
  }

  paired(): readonly PairedDevice[] {
    return this.data.paired;
  }

  find(id: string): PairedDevice | undefined {
    return this.data.paired.find((d) => d.id === id || d.id.startsWith(id));
  }

  isRevoked(id: string): boolean {
    return this.data.revoked.some((r) => r.id === id);
  }

  addPaired(device: Omit<PairedDevice, "pairedAt"> & { pairedAt?: string }): PairedDevice {
    const entry: PairedDevice = { ...device, pairedAt: device.pairedAt ?? new Date().toISOString() };
    this.data.paired = [...this.data.paired.filter((d) => d.id !== entry.id), entry];
    this.data.revoked = this.data.revoked.filter((r) => r.id !== entry.id);
    this.save();
    return entry;
  }

  touch(id: string, at = new Date()): void {
    const d = this.data.paired.find((p) => p.id === id);
    if (!d) return;
    d.lastSeenAt = at.toISOString();
    this.save();
  }

  /** Removes a paired device (by id or unique id prefix); later connections from it are refused. */
  revoke(idOrPrefix: string): PairedDevice {
    const matches = this.data.paired.filter((d) => d.id === idOrPrefix || d.id.startsWith(idOrPrefix));
    const exact = matches.find((d) => d.id === idOrPrefix);
    const target = exact ?? (matches.length === 1 ? matches[0] : undefined);
    if (!target) {
      const why = matches.length > 1 ? "matches several devices" : "is not a paired device";
      throw new WrapperError("DEVICE_NOT_FOUND", `${idOrPrefix} ${why}`, idOrPrefix);
    }
    this.data.paired = this.data.paired.filter((d) => d.id !== target.id);
    this.data.revoked = [...this.data.revoked, { id: target.id, revokedAt: new Date().toISOString() }];
    this.save();
    return target;
  }

  /** Re-reads the file (another process — `codex-remote devices revoke` — may have changed it). */
  reload(): void {
    const again = KeyStore.read(this.file);
    if (again) this.data = again.data;
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
