import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const pkgDir = join(import.meta.dirname, "..", "..");
const committed = join(pkgDir, "src", "backends", "codex", "generated");

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => relative(dir, join(dir, f)))
    .filter((f) => f.endsWith(".ts") || f === "VERSION")
    .sort();
}

describe("generated Codex protocol types", () => {
  it("are exactly what the pinned codex binary generates (regenerate with pnpm generate:codex-types)", () => {
    const fresh = join(mkdtempSync(join(tmpdir(), "cr-codex-types-")), "out");
    execFileSync(process.execPath, [join(pkgDir, "scripts", "generate-codex-types.ts"), "--out", fresh], {
      stdio: "pipe",
    });
    const names = files(committed);
    expect(files(fresh)).toEqual(names);
    for (const name of names)
      expect(readFileSync(join(fresh, name), "utf8"), name).toBe(readFileSync(join(committed, name), "utf8"));
  });
});
