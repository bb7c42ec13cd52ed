#!/usr/bin/env node
// Dependency-free set-up behind `npm start` and `npm test`. Runs on any Node >= 18 (the system Node
// may be past end-of-life): it provisions the pinned Node and pnpm into .tools/, installs the Debian
// packages the tests need, installs the workspace, then hands over to the requested task.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const TOOLS = join(ROOT, ".tools");
const NODE_MIN = [22, 19, 0];
const NODE_PACKAGE_VERSION = "24.21.0";
const PNPM_VERSION = "10.34.9";
const started = Date.now();

const step = (msg) => process.stdout.write(`[setup] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`[setup] error: ${msg}\n`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: ROOT, ...opts });
  if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
  return r.status ?? 1;
}

function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: ROOT, ...opts });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function versionAtLeast(version, min) {
  const parts = version.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  }
  return true;
}

/** A Node >= 22.19: this one, or the provisioned one under .tools/, or a fresh one from the registry. */
function ensureNode() {
  const nodePkg = `node-${process.platform}-${process.arch === "x64" ? "x64" : process.arch}`;
  const home = join(TOOLS, "node", "node_modules", nodePkg);
  const provisioned = join(home, "bin", "node");
  if (existsSync(provisioned)) {
    const v = capture(provisioned, ["-v"]);
    if (v && versionAtLeast(v, NODE_MIN)) {
      step(`node ${v} (provisioned in .tools/)`);
      return { bin: provisioned, home };
    }
  }
  if (versionAtLeast(process.version, NODE_MIN)) {
    const sysHome = dirname(dirname(process.execPath));
    step(`node ${process.version} (system)`);
    return { bin: process.execPath, home: existsSync(join(sysHome, "include", "node")) ? sysHome : undefined };
  }
  step(
    `system node ${process.version} is older than ${NODE_MIN.join(".")}: provisioning ${nodePkg}@${NODE_PACKAGE_VERSION}`,
  );
  mkdirSync(join(TOOLS, "node"), { recursive: true });
  const code = run(
    "npm",
    [
      "install",
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--prefix",
      join(TOOLS, "node"),
      `${nodePkg}@${NODE_PACKAGE_VERSION}`,
    ],
    {
      env: { ...process.env, npm_config_nodedir: undefined, NPM_CONFIG_NODEDIR: undefined },
    },
  );
  if (code !== 0 || !existsSync(provisioned))
    fail(`could not install ${nodePkg} from the npm registry (npm exit ${code})`);
  step(`node ${capture(provisioned, ["-v"])} provisioned in .tools/`);
  return { bin: provisioned, home };
}

/** pnpm pinned to the packageManager field, run by the chosen Node. */
function ensurePnpm(node) {
  const dir = join(TOOLS, "pnpm");
  const entry = join(dir, "node_modules", "pnpm", "bin", "pnpm.cjs");
  const current = existsSync(entry) ? capture(node.bin, [entry, "--version"]) : undefined;
  if (current === PNPM_VERSION) {
    step(`pnpm ${current}`);
    return entry;
  }
  step(`provisioning pnpm ${PNPM_VERSION} into .tools/`);
  mkdirSync(dir, { recursive: true });
  const code = run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, `pnpm@${PNPM_VERSION}`]);
  if (code !== 0 || !existsSync(entry)) fail(`could not install pnpm@${PNPM_VERSION} (npm exit ${code})`);
  return entry;
}

/** Debian packages the tests need, listed in scripts/apt-packages.txt. */
function ensureSystemPackages() {
  const listFile = join(ROOT, "scripts", "apt-packages.txt");
  const wanted = readFileSync(listFile, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
  if (wanted.length === 0) return;
  if (!existsSync("/usr/bin/dpkg-query")) {
    step(`not a Debian system: make sure these are installed: ${wanted.join(" ")}`);
    return;
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format fields, not a template
  const r = spawnSync("dpkg-query", ["-W", "-f=${Package} ${Status}\\n", ...wanted], { encoding: "utf8" });
  const installed = new Set(
    (r.stdout ?? "")
      .split("\n")
      .filter((l) => l.endsWith("install ok installed"))
      .map((l) => l.split(" ")[0].split(":")[0]),
  );
  const missing = wanted.filter((p) => !installed.has(p));
  if (missing.length === 0) {
    step(`system packages present (${wanted.length})`);
    return;
  }
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) fail(`missing system packages; run as root:\n  sudo sh -c '${cmd}'`);
  step(`installing system packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (run("apt-get", ["update", "-qq"], { env }) !== 0) fail(`apt-get update failed; run: ${cmd}`);
  if (run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env }) !== 0)
    fail(`apt-get install failed; run: ${cmd}`);
}

/** Everything that decides what `pnpm install` produces; unchanged hash → nothing to do. */
function installFingerprint() {
  const h = createHash("sha256");
  const add = (f) => existsSync(f) && h.update(f).update(readFileSync(f));
  add(join(ROOT, "pnpm-lock.yaml"));
  add(join(ROOT, "pnpm-workspace.yaml"));
  add(join(ROOT, "package.json"));
  for (const group of ["apps", "packages"]) {
    const dir = join(ROOT, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) add(join(dir, name, "package.json"));
  }
  add(join(ROOT, "governance", "package.json"));
  h.update(NODE_PACKAGE_VERSION);
  return h.digest("hex");
}

function ensureWorkspace(node, pnpmEntry, env) {
  const stamp = join(ROOT, "node_modules", ".codex-remote-install");
  const fingerprint = installFingerprint();
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint) {
    step("workspace dependencies up to date");
    return;
  }
  step("pnpm install --frozen-lockfile");
  const frozen = existsSync(join(ROOT, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  if (run(node.bin, [pnpmEntry, "install", ...frozen], { env }) !== 0) fail("pnpm install failed");
  writeFileSync(stamp, fingerprint);
}

function toolEnv(node, pnpmEntry) {
  const binDir = join(TOOLS, "bin");
  mkdirSync(binDir, { recursive: true });
  const shim = join(binDir, "pnpm");
  const shimText = `#!/bin/sh\nexec "${node.bin}" "${pnpmEntry}" "$@"\n`;
  if (!existsSync(shim) || readFileSync(shim, "utf8") !== shimText) writeFileSync(shim, shimText, { mode: 0o755 });
  const env = {
    ...process.env,
    PATH: [binDir, dirname(node.bin), process.env.PATH].join(":"),
    TURBO_TELEMETRY_DISABLED: "1",
    DO_NOT_TRACK: "1",
    ONNXRUNTIME_NODE_INSTALL: "skip",
  };
  // node-gyp must build against the headers of the Node that runs the code, offline.
  if (node.home) {
    env.npm_config_nodedir = node.home;
    env.NPM_CONFIG_NODEDIR = node.home;
  }
  return env;
}

const task = process.argv[2] ?? "setup";
const extra = process.argv.slice(3);
step(`codex-remote ${task}: checking the toolchain`);
const node = ensureNode();
const pnpmEntry = ensurePnpm(node);
ensureSystemPackages();
const env = toolEnv(node, pnpmEntry);
ensureWorkspace(node, pnpmEntry, env);
step(`ready in ${((Date.now() - started) / 1000).toFixed(2)} s`);

if (task !== "setup") {
  const r = spawnSync(node.bin, [join(ROOT, "scripts", `${task}.ts`), ...extra], { stdio: "inherit", cwd: ROOT, env });
  process.exit(r.status ?? 1);
}
