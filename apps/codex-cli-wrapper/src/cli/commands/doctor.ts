import { statSync } from "node:fs";
import { parseServerMessage } from "@codex-remote/protocol/relay";
import { z } from "zod";
import { loadSettings } from "../../config/load.ts";
import { keysFile } from "../../config/paths.ts";
import { RelayUrl } from "../../config/schema.ts";
import { KeyStore } from "../../keys/store.ts";
import { parseCommand } from "../argv.ts";
import { versionOf, which } from "../detect.ts";
import { HELP } from "../help.ts";
import type { CliIo } from "../io.ts";

const Flags = z.object({ json: z.boolean().optional(), relay: RelayUrl.optional() });

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** "warn" checks do not fail doctor (e.g. no claude installed while codex is). */
  readonly level: "ok" | "warn" | "fail";
  readonly detail: string;
}

/** http(s) base of a relay given as ws(s)://host/path or http(s)://host/path. */
export function relayHttpBase(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === "wss:" ? "https:" : u.protocol === "ws:" ? "http:" : u.protocol;
  u.pathname = "/";
  u.search = "";
  u.hash = "";
  return u.toString();
}

async function relayCheck(url: string): Promise<Check[]> {
  const started = Date.now();
  try {
    const res = await fetch(new URL("healthz", relayHttpBase(url)), { signal: AbortSignal.timeout(3000) });
    const rtt = Date.now() - started;
    const checks: Check[] = [
      { name: "relay", ok: res.ok, level: res.ok ? "ok" : "fail", detail: `${url}: HTTP ${res.status} in ${rtt} ms` },
    ];
    const date = res.headers.get("date");
    if (date) {
      const skew = Math.abs(Date.parse(date) + 500 - (started + rtt / 2));
      const bad = skew > 60_000;
      checks.push({
        name: "clock",
        ok: !bad,
        level: bad ? "warn" : "ok",
        detail: `${bad ? "off" : "within"} ${Math.round(skew / 1000)} s of the relay's clock${bad ? " (pairing offers expire by time)" : ""}`,
      });
    }
    if (res.ok) checks.push(await websocketCheck(url));
    return checks;
  } catch (e) {
    return [{ name: "relay", ok: false, level: "fail", detail: `${url}: unreachable (${(e as Error).message})` }];
  }
}

/**
 * The relay's WebSocket, not only its HTTP: a reverse proxy that does not pass the upgrade is the
 * usual self-hosting mistake, and `/healthz` answers through it all the same. Opens the socket and
 * waits for the relay's challenge (nothing is registered or stored), then closes.
 */
async function websocketCheck(url: string): Promise<Check> {
  const started = Date.now();
  const hint = "the WebSocket upgrade did not go through; a reverse proxy must pass the Upgrade and Connection headers";
  return new Promise<Check>((resolve) => {
    let ws: WebSocket;
    const done = (c: Check) => {
      clearTimeout(timer);
      try {
        ws.close();
      } catch {}
      resolve(c);
    };
    const timer = setTimeout(
      () => done({ name: "websocket", ok: false, level: "fail", detail: `${url}: no challenge within 5 s (${hint})` }),
      5000,
    );
    try {
      ws = new WebSocket(url);
    } catch (e) {
      done({ name: "websocket", ok: false, level: "fail", detail: `${url}: ${(e as Error).message}` });
      return;
    }
    ws.onmessage = (m) => {
      const msg = typeof m.data === "string" ? parseServerMessage(m.data) : undefined;
      done(
        msg?.t === "challenge"
          ? {
              name: "websocket",
              ok: true,
              level: "ok",
              detail: `upgrade and relay challenge in ${Date.now() - started} ms`,
            }
          : {
              name: "websocket",
              ok: false,
              level: "fail",
              detail: `${url}: the first message was not the relay's challenge`,
            },
      );
    };
    ws.onerror = () => done({ name: "websocket", ok: false, level: "fail", detail: `${url}: ${hint}` });
  });
}

export async function runDoctor(relayOverride?: string): Promise<Check[]> {
  const settings = loadSettings({ relayUrl: relayOverride });
  const checks: Check[] = [];
  const agents = [
    { name: "codex", bin: settings.codexBin },
    { name: "claude", bin: settings.claudeBin },
  ];
  let anyAgent = false;
  for (const a of agents) {
    const path = which(a.bin);
    const version = path ? versionOf(path) : undefined;
    if (path) anyAgent = true;
    checks.push({
      name: a.name,
      ok: path !== undefined,
      level: path ? "ok" : "warn",
      detail: path ? `${path} (${version ?? "version unknown"})` : `not found (${a.bin} on PATH)`,
    });
  }
  if (!anyAgent)
    checks.push({
      name: "agent",
      ok: true,
      level: "warn",
      detail: "no agent installed: `codex-remote` runs the demo agent",
    });

  const file = keysFile(settings.configDir);
  try {
    const mode = statSync(file).mode & 0o777;
    const store = KeyStore.openExisting(settings.configDir);
    const good = mode === 0o600;
    checks.push({
      name: "keys",
      ok: good,
      level: good ? "ok" : "fail",
      detail: `${file} mode ${mode.toString(8)}, ${store?.paired().length ?? 0} paired device(s)`,
    });
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    checks.push({
      name: "keys",
      ok: missing,
      level: missing ? "warn" : "fail",
      detail: missing ? `${file} not created yet (made on first pairing)` : (e as Error).message,
    });
  }
  if (settings.relayUrl) checks.push(...(await relayCheck(settings.relayUrl)));
  else
    checks.push({
      name: "relay",
      ok: true,
      level: "warn",
      detail: "no relay configured (relay.url or --relay): local only",
    });
  const now = new Date();
  if (!checks.some((c) => c.name === "clock"))
    checks.push({
      name: "clock",
      ok: true,
      level: "ok",
      detail: `local time ${now.toISOString()} (no relay to compare)`,
    });
  return checks;
}

export async function doctorCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseCommand(argv, { json: { type: "boolean" }, relay: { type: "string" } }, Flags);
  if (cmd.help) {
    io.out(HELP.doctor!);
    return 0;
  }
  const checks = await runDoctor(cmd.values.relay);
  if (cmd.values.json) io.out(JSON.stringify(checks));
  else
    for (const c of checks)
      io.out(`${c.level === "ok" ? "ok  " : c.level === "warn" ? "warn" : "FAIL"}  ${c.name.padEnd(9)} ${c.detail}`);
  return checks.some((c) => c.level === "fail") ? 1 : 0;
}
