import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KeyStore } from "../../src/keys/store.ts";
import { runCli, tempConfigDir } from "../helpers/cli.ts";

const ident = () => ({ id: "L".repeat(43), identity: "secret-identity-material" });

describe("key store", () => {
  it("writes the key file with mode 0600 in a 0700 dir", () => {
    const dir = join(tempConfigDir(), "nested");
    const store = KeyStore.open(dir, ident);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    store.addPaired({ id: "P".repeat(43), name: "phone", publicIdentity: "pub" });
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(
      KeyStore.openExisting(dir)
        ?.paired()
        .map((d) => d.name),
    ).toEqual(["phone"]);
  });

  it("tightens a key file that others could read, and says so", () => {
    const dir = tempConfigDir();
    const store = KeyStore.open(dir, ident);
    chmodSync(store.file, 0o644);
    const again = KeyStore.openExisting(dir)!;
    expect(again.warnings[0]).toContain("readable by others");
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it("rejects a corrupt key file with a typed error", () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, "keys.json"), '{"version":1}', { mode: 0o600 });
    expect(() => KeyStore.openExisting(dir)).toThrow(expect.objectContaining({ code: "KEYS_INVALID" }));
  });
});

describe("codex-remote devices", () => {
  it("lists nothing before pairing", async () => {
    const r = await runCli(["devices"], { configDir: tempConfigDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No paired devices");
  });

  it("lists and revokes paired devices", async () => {
    const dir = tempConfigDir();
    const store = KeyStore.open(dir, ident);
    store.addPaired({ id: `A${"a".repeat(42)}`, name: "pixel", publicIdentity: "pub-a" });
    store.addPaired({ id: `B${"b".repeat(42)}`, name: "iphone", publicIdentity: "pub-b" });

    const list = await runCli(["devices", "--json"], { configDir: dir });
    expect(list.code).toBe(0);
    const devices = JSON.parse(list.stdout) as { id: string; name: string }[];
    expect(devices.map((d) => d.name)).toEqual(["pixel", "iphone"]);
    expect(list.stdout).not.toContain("pub-a");

    const table = await runCli(["devices", "list"], { configDir: dir });
    expect(table.stdout).toContain("pixel");

    const revoke = await runCli(["devices", "revoke", "Bbb"], { configDir: dir });
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain("revoked iphone");
    const after = JSON.parse((await runCli(["devices", "--json"], { configDir: dir })).stdout) as { name: string }[];
    expect(after.map((d) => d.name)).toEqual(["pixel"]);
    expect(JSON.parse(readFileSync(join(dir, "keys.json"), "utf8")).revoked[0].id).toBe(`B${"b".repeat(42)}`);
    expect(statSync(join(dir, "keys.json")).mode & 0o777).toBe(0o600);
  });

  it("revoking an unknown device fails with its id", async () => {
    const dir = tempConfigDir();
    KeyStore.open(dir, ident);
    const r = await runCli(["devices", "revoke", "nope"], { configDir: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nope is not a paired device [DEVICE_NOT_FOUND]");
  });
});

describe("device ids that start with a dash", () => {
  it("are revoked after --", async () => {
    const dir = tempConfigDir();
    const store = KeyStore.open(dir, ident);
    store.addPaired({ id: `-${"d".repeat(42)}`, name: "dashed", publicIdentity: "pub" });
    const r = await runCli(["devices", "revoke", "--", "-ddd"], { configDir: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("revoked dashed");
  });
});
