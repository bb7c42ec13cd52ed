// `npm test` after set-up: lint, typecheck and every module's tests, then one summary line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const args = process.argv.slice(2);

// Every temporary file of the run (config dirs, browser profiles, SQLite files, agent homes) goes
// under one directory that is removed at the end, so repeated runs do not fill the machine's /tmp.
const runTmp = mkdtempSync(join(tmpdir(), "codex-remote-run-"));
process.on("exit", () => rmSync(runTmp, { recursive: true, force: true }));
const env = { ...process.env, TMPDIR: runTmp };

function run(label: string, cmd: string, cmdArgs: string[]): boolean {
  process.stdout.write(`\n== ${label} ==\n`);
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit", cwd: ROOT, env });
  return r.status === 0;
}

function modules(): string[] {
  const dirs: string[] = [];
  for (const group of ["apps", "packages"]) {
    const dir = join(ROOT, group);
    if (existsSync(dir)) for (const name of readdirSync(dir)) dirs.push(join(dir, name));
  }
  dirs.push(join(ROOT, "governance"));
  return dirs;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const lintOk = run("lint (biome)", "pnpm", ["exec", "biome", "ci", "--colors=off", "."]);
const filter = args.length > 0 ? args.flatMap((a) => ["--filter", a]) : [];
const typecheckOk = run("typecheck (turbo)", "pnpm", ["exec", "turbo", "run", "typecheck", "--continue", ...filter]);
// One module's suite at a time: several start real servers, agents and browsers, and 2 cores shared
// between them make timing-dependent seams flaky.
const testOk = run("test (turbo, one module at a time)", "pnpm", [
  "exec",
  "turbo",
  "run",
  "test",
  "--continue",
  "--concurrency=1",
  ...filter,
]);
const turboOk = typecheckOk && testOk;

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of modules()) {
  const file = join(dir, ".vitest-results.json");
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8")) as VitestReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
const ok = lintOk && turboOk && failed === 0 && passed > 0;
process.stdout.write(
  `\n${lintOk ? "lint ok" : "lint FAILED"}; ${turboOk ? "typecheck+tests ok" : "typecheck/tests FAILED"}\n`,
);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(ok ? 0 : 1);
