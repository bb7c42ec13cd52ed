// `npm start` after set-up: the embedded relay (serving the phone app when it is built), then the
// wrapper with the auto-detected agent, printing the QR code / link to open on the phone.
// Without a terminal (CI=true, no TTY, no stdin) it says what it would do, runs a short smoke check
// (relay up, one demo turn through the wrapper) and exits: it never waits for a person.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "apps", "codex-cli-wrapper", "bin", "codex-remote.mjs");
const APP = join(ROOT, "apps", "codex-mobile", "dist");
const say = (msg: string) => process.stdout.write(`[start] ${msg}\n`);

const headless = process.env.CI === "true" || process.env.CI === "1" || !process.stdin.isTTY || !process.stdout.isTTY;

/** The first LAN IPv4 address (what a phone on the same network can reach), else loopback. */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

function startRelay(host: string, port: number, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "relay", "--host", host, "--port", String(port), ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let up = false;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error("the relay did not start within 20 s"));
    }, 20_000);
    child.stdout?.on("data", (d: Buffer) => {
      if (up) return;
      out += d.toString();
      const m = /relay listening on (ws:\/\/\S+)/.exec(out);
      if (m && out.includes("phone app:")) {
        up = true;
        clearTimeout(timer);
        for (const line of out.trim().split("\n")) say(line);
        resolve({ child, url: m[1]! });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the relay exited (${code})`));
    });
  });
}

function run(
  args: string[],
  opts: { cwd?: string; timeoutMs: number },
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

async function smoke(): Promise<number> {
  say("no terminal (CI or piped): not starting an interactive session. Interactively, `npm start` would:");
  say(
    `  1. run the embedded relay on ${lanAddress()}:8787 (\`codex-remote relay\`), serving the phone app${existsSync(join(APP, "index.html")) ? ` from ${APP}` : " (apps/codex-mobile not built: relay only)"}`,
  );
  say(
    "  2. run `codex-remote --relay <that relay> --pair` with the auto-detected agent (codex, then claude, then the demo)",
  );
  say("  3. print the QR code and link to open on the phone");
  say("smoke check instead: relay on 127.0.0.1, one demo turn through the wrapper, then exit");
  const relay = await startRelay("127.0.0.1", 0, ["--store", "memory"]);
  try {
    const health = await fetch(relay.url.replace(/^ws/, "http").replace(/\/v1\/relay$/, "/healthz"));
    say(`relay /healthz: HTTP ${health.status}`);
    const doctor = await run(["doctor", "--relay", relay.url], { timeoutMs: 20_000 });
    for (const line of doctor.stdout.trim().split("\n")) say(`doctor: ${line}`);
    const cwd = mkdtempSync(join(tmpdir(), "codex-remote-start-"));
    const turn = await run(["exec", "--agent", "demo", "--json", "--approve", "never", "npm start smoke check"], {
      cwd,
      timeoutMs: 30_000,
    });
    const events = turn.stdout.trim().split("\n").filter(Boolean);
    say(`demo turn: exit ${turn.code}, ${events.length} agent events (approvals declined: nothing auto-approved)`);
    return health.ok && turn.code === 0 ? 0 : 1;
  } finally {
    relay.child.kill("SIGTERM");
  }
}

async function interactive(): Promise<number> {
  const host = process.env.CODEX_REMOTE_START_HOST ?? "0.0.0.0";
  const port = Number(process.env.CODEX_REMOTE_START_PORT ?? 8787);
  const relay = await startRelay(host, port).catch(() => startRelay(host, 0));
  const port2 = new URL(relay.url).port;
  const reach = host === "0.0.0.0" ? lanAddress() : host;
  const url = `ws://${reach}:${port2}/v1/relay`;
  say(`phone app and relay at http://${reach}:${port2}/ (the phone must be on the same network)`);
  const wrapper = spawn(process.execPath, [CLI, "--relay", url, "--pair", ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  const stopRelay = () => relay.child.kill("SIGTERM");
  process.on("SIGINT", () => {}); // the wrapper (same terminal) handles Ctrl-C
  return new Promise((resolve) => {
    wrapper.on("exit", (code) => {
      stopRelay();
      resolve(code ?? 0);
    });
  });
}

/** The relay serves the phone app from apps/codex-mobile/dist: build it once when it is missing. */
function ensureAppBuilt(): void {
  if (existsSync(join(APP, "index.html"))) return;
  say("building the phone app (apps/codex-mobile, first start only)");
  const r = spawnSync("pnpm", ["--filter", "@codex-remote/codex-mobile", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  say(r.status === 0 ? `phone app built into ${APP}` : "the phone app did not build: the relay starts without it");
}

ensureAppBuilt();
const code = await (headless ? smoke() : interactive()).catch((e: unknown) => {
  process.stderr.write(`[start] ${(e as Error).message}\n`);
  return 1;
});
process.exit(code);
