#!/usr/bin/env node
// Runs a TypeScript entry point with a Node that strips types (>= 22.19): this one, or the one the
// bootstrap provisioned under .tools/. Lets `pnpm governance` work even when pnpm runs on an old Node.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const [major, minor] = process.versions.node.split(".").map(Number);
let bin = major > 22 || (major === 22 && minor >= 19) ? process.execPath : undefined;
if (!bin) {
  const base = join(ROOT, ".tools", "node", "node_modules");
  const pkg = existsSync(base) ? readdirSync(base).find((d) => d.startsWith("node-")) : undefined;
  const candidate = pkg && join(base, pkg, "bin", "node");
  if (candidate && existsSync(candidate)) bin = candidate;
}
if (!bin) {
  process.stderr.write(
    "No Node >= 22.19 found. Run `npm test` or `node scripts/bootstrap.mjs setup` once to provision it.\n",
  );
  process.exit(2);
}
const [entry, ...args] = process.argv.slice(2);
const r = spawnSync(bin, ["--conditions=@codex-remote/source", join(ROOT, entry), ...args], { stdio: "inherit" });
process.exit(r.status ?? 1);
