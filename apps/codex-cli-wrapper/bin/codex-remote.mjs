#!/usr/bin/env node
// Launcher of the `codex-remote` command: runs src/cli.ts (TypeScript source, no build step) with a
// Node that strips types (>= 22.19) and the `@codex-remote/source` export condition, so workspace
// packages resolve to their src/ too. Plain JS so that any Node can start it.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, "..", "src", "cli.ts");
const [major, minor] = process.versions.node.split(".").map(Number);
let node = major > 22 || (major === 22 && minor >= 19) ? process.execPath : undefined;
if (!node) {
  // The repository's bootstrap provisions a recent Node under .tools/.
  const base = join(here, "..", "..", "..", ".tools", "node", "node_modules");
  const pkg = existsSync(base) ? readdirSync(base).find((d) => d.startsWith("node-")) : undefined;
  const candidate = pkg && join(base, pkg, "bin", "node");
  if (candidate && existsSync(candidate)) node = candidate;
}
if (!node) {
  process.stderr.write(`codex-remote needs Node >= 22.19 (this is ${process.version}).\n`);
  process.exit(2);
}
const child = spawn(
  node,
  ["--conditions=@codex-remote/source", "--disable-warning=ExperimentalWarning", entry, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
// The child shares the terminal and gets Ctrl-C itself; the launcher only waits for it.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
