import { spawn } from "node:child_process";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

export const PKG = join(import.meta.dirname, "..", "..");
export const BIN = join(PKG, "bin", "codex-remote.mjs");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const tempConfigDir = (): string => tempDir("codex-remote-test-");

/** Terminal output without its colour and cursor escapes. */
export const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

/** The pairing link a `codex-remote` session printed, if it has. */
export const linkIn = (s: string) => /(codex-remote:\/\/pair\?\S+#s=\S+|https?:\/\/\S+#s=\S+)/.exec(plain(s))?.[1];

/** Waits for `cond`; on timeout the error carries the end of `out()` (a process's output). */
export async function untilOutput(cond: () => boolean, what: string, out: () => string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}\n${plain(out()).slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the real `codex-remote` launcher as a child process, with its own config dir. */
export function runCli(
  args: readonly string[],
  opts: { configDir: string; env?: Record<string, string | undefined>; timeoutMs?: number; input?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      CODEX_REMOTE_CONFIG_DIR: opts.configDir,
      CODEX_REMOTE_RELAY: undefined,
      ...opts.env,
    };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], {
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`codex-remote ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}
