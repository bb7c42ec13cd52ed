import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Effect } from "effect";
import { z } from "zod";
import type { SttAdapter, SttStream } from "../adapters.ts";
import { commandGrammar, DEFAULT_COMMANDS, normalise } from "../commands.ts";
import { describe, SttError } from "../errors.ts";

export interface PocketsphinxOptions {
  /** Phrases the closed grammar accepts; default: the voice command phrases. */
  readonly phrases?: ReadonlyArray<string>;
  /** Debian's python (the binding is not on pyenv shims). */
  readonly python?: string;
  readonly modelDir?: string;
  readonly sidecar?: string;
}

export interface PocketsphinxAdapter extends SttAdapter {
  /** Process id of the running sidecar (for diagnostics and fault-injection tests). */
  readonly pid: () => number | undefined;
}

const NAME = "pocketsphinx";
const SIDECAR = fileURLToPath(new URL("../../sidecar/pocketsphinx_sidecar.py", import.meta.url));

const SidecarLine = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("partial"), text: z.string() }),
  z.object({ type: z.literal("final"), text: z.string() }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);

type Proc = ChildProcessByStdio<Writable, Readable, Readable>;

interface Sidecar {
  readonly proc: Proc;
  readonly ready: Promise<void>;
  onPartial: ((text: string) => void) | undefined;
  finals: Array<{ resolve: (text: string) => void; reject: (e: SttError) => void }>;
  dead: SttError | undefined;
}

function message(kind: string, payload?: Uint8Array): Uint8Array {
  const len = payload?.length ?? 0;
  const out = new Uint8Array(5 + len);
  out[0] = kind.charCodeAt(0);
  new DataView(out.buffer).setUint32(1, len, true);
  if (payload) out.set(payload, 5);
  return out;
}

/**
 * Offline command recognition: a long-lived python3-pocketsphinx sidecar decoding against a JSGF
 * grammar generated from the command phrases. Restarted on the next utterance if it dies.
 */
export function pocketsphinxStt(options: PocketsphinxOptions = {}): PocketsphinxAdapter {
  const dir = mkdtempSync(join(tmpdir(), "codex-voice-"));
  const grammar = join(dir, "commands.gram");
  const phrases = options.phrases ?? DEFAULT_COMMANDS.map((c) => c.phrase);
  writeFileSync(grammar, commandGrammar(phrases));
  let current: Sidecar | undefined;
  let closed = false;

  const launch = (): Sidecar => {
    const args = [options.sidecar ?? SIDECAR, "--jsgf", grammar];
    if (options.modelDir) args.push("--model", options.modelDir);
    const proc = spawn(options.python ?? "/usr/bin/python3", args, { stdio: ["pipe", "pipe", "pipe"] });
    let markReady: () => void = () => undefined;
    let markFailed: (e: SttError) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => undefined);
    const side: Sidecar = { proc, ready, onPartial: undefined, finals: [], dead: undefined };
    const die = (why: string) => {
      if (side.dead) return;
      side.dead = new SttError({ adapter: NAME, message: why });
      markFailed(side.dead);
      for (const f of side.finals.splice(0)) f.reject(side.dead);
      if (current === side) current = undefined;
    };
    let stderrTail = "";
    proc.stderr.on("data", (d: Buffer) => {
      stderrTail = (stderrTail + d.toString()).slice(-300);
    });
    proc.on("error", (err) => die(`sidecar failed to start: ${describe(err)}`));
    proc.on("close", (code, signal) =>
      die(
        `sidecar exited (${signal ?? `code ${String(code)}`})${stderrTail ? `: ${stderrTail.trim().split("\n").at(-1)}` : ""}`,
      ),
    );
    proc.stdin.on("error", (err) => die(`sidecar stdin: ${describe(err)}`));
    createInterface({ input: proc.stdout }).on("line", (line) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return;
      }
      const parsed = SidecarLine.safeParse(json);
      if (!parsed.success) return;
      const msg = parsed.data;
      if (msg.type === "ready") markReady();
      else if (msg.type === "partial") side.onPartial?.(msg.text);
      else if (msg.type === "final") side.finals.shift()?.resolve(msg.text);
      else side.finals.shift()?.reject(new SttError({ adapter: NAME, message: msg.message }));
    });
    return side;
  };

  const sidecar = (): Sidecar => {
    if (!current || current.dead) current = launch();
    return current;
  };

  const start = (onPartial: (text: string) => void): Effect.Effect<SttStream, SttError> =>
    Effect.suspend(() => {
      if (closed) return Effect.fail(new SttError({ adapter: NAME, message: "adapter closed" }));
      const side = sidecar();
      side.onPartial = onPartial;
      let open = true;
      const write = (bytes: Uint8Array) => {
        if (!side.dead && side.proc.stdin.writable) side.proc.stdin.write(bytes);
      };
      // Writes before "ready" queue in the pipe: the sidecar reads them once its model is loaded.
      write(message("S"));
      const stream: SttStream = {
        push(frame) {
          if (!open) return;
          write(message("A", new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)));
        },
        finish: Effect.callback<string, SttError>((resume) => {
          if (!open) return resume(Effect.succeed(""));
          open = false;
          if (side.dead) return resume(Effect.fail(side.dead));
          side.finals.push({
            resolve: (text) => resume(Effect.succeed(text)),
            reject: (e) => resume(Effect.fail(e)),
          });
          write(message("E"));
        }),
        cancel: Effect.sync(() => {
          if (!open) return;
          open = false;
          // Ending the utterance keeps the sidecar in step; its final is discarded.
          side.finals.push({ resolve: () => undefined, reject: () => undefined });
          write(message("E"));
        }),
      };
      return Effect.succeed(stream);
    });

  return {
    name: NAME,
    vocabulary: phrases.map(normalise),
    start,
    pid: () => current?.proc.pid,
    close: Effect.sync(() => {
      closed = true;
      if (current && !current.dead) {
        current.proc.stdin.end(message("Q"));
        const proc = current.proc;
        setTimeout(() => proc.kill("SIGKILL"), 500).unref();
      }
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}

/** Waits until the sidecar has loaded its model (warm-up before the first utterance). */
export const warmUp = (adapter: PocketsphinxAdapter): Effect.Effect<void, SttError> =>
  Effect.gen(function* () {
    const stream = yield* adapter.start(() => undefined);
    yield* stream.finish;
  });
