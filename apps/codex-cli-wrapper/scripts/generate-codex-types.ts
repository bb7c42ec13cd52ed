/**
 * Regenerates the Codex app-server protocol types from the PINNED `@openai/codex` binary:
 *   node scripts/generate-codex-types.ts        (or: pnpm generate:codex-types)
 * Run it after bumping the `@openai/codex` devDependency and commit the result. The output goes to
 * src/backends/codex/generated (excluded from Biome); relative imports are rewritten to carry `.ts`
 * extensions so the strict NodeNext typecheck accepts them. Nothing else is changed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const codex = join(pkgDir, "node_modules", ".bin", "codex");
// `--out DIR` writes elsewhere (the test compares a fresh generation with the committed one)
const outFlag = process.argv.indexOf("--out");
const target =
  outFlag > 0 ? resolve(process.argv[outFlag + 1]!) : join(pkgDir, "src", "backends", "codex", "generated");

const version = execFileSync(codex, ["--version"], { encoding: "utf8" }).trim();
const tmp = mkdtempSync(join(tmpdir(), "codex-types-"));
try {
  execFileSync(codex, ["app-server", "generate-ts", "--out", tmp], { stdio: "inherit" });
  const files = walk(tmp).filter((f) => f.endsWith(".ts"));
  for (const file of files) {
    const text = readFileSync(file, "utf8").replace(/from "(\.{1,2}\/[^"]+)"/g, (_all, spec: string) => {
      const abs = resolve(dirname(file), spec);
      const withExt = existsSync(abs) && statSync(abs).isDirectory() ? `${spec}/index.ts` : `${spec}.ts`;
      return `from "${withExt}"`;
    });
    writeFileSync(file, text);
  }
  writeFileSync(join(tmp, "VERSION"), `${version}\n`);
  rmSync(target, { recursive: true, force: true });
  await cp(tmp, target, { recursive: true });
  console.log(`generated ${files.length} files from ${version} into ${target}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
