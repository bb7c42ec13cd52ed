import { BackendError } from "../errors.ts";
import { JsonLinesProcess } from "../json-lines-process.ts";
import type { AgentCommand } from "../resolve-binary.ts";
import { RpcMessage } from "./schemas.ts";

export type RequestIdValue = string | number;

export interface RpcHandlers {
  onNotification(method: string, params: unknown): void;
  onRequest(id: RequestIdValue, method: string, params: unknown): void;
  /** Something on stdout that is not a JSON-RPC message. */
  onProtocolViolation(detail: string): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

/** JSON-RPC over `codex app-server`'s stdio (one JSON object per line). */
export class AppServerRpc {
  #proc: JsonLinesProcess;
  #nextId = 1;
  #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();

  constructor(agent: AgentCommand, cwd: string, env: Readonly<Record<string, string | undefined>>, h: RpcHandlers) {
    this.#proc = new JsonLinesProcess({
      agent,
      args: ["app-server"],
      cwd,
      env,
      onBadLine: () => h.onProtocolViolation("a line that is not JSON"),
      onExit: (code, signal) => {
        const tail = this.#proc.stderrTail.trim().split("\n").slice(-3).join(" | ");
        for (const p of this.#pending.values()) {
          p.reject(new BackendError("process_exited", `codex app-server exited during ${p.method}: ${tail}`));
        }
        this.#pending.clear();
        h.onExit(code, signal);
      },
      onLine: (value) => {
        const parsed = RpcMessage.safeParse(value);
        if (!parsed.success) {
          h.onProtocolViolation("a line that is not a JSON-RPC message");
          return;
        }
        const m = parsed.data;
        if ("method" in m) {
          if ("id" in m) h.onRequest(m.id, m.method, m.params);
          else h.onNotification(m.method, m.params);
          return;
        }
        const pending = typeof m.id === "number" ? this.#pending.get(m.id) : undefined;
        if (!pending) return;
        this.#pending.delete(m.id as number);
        if ("error" in m) pending.reject(new BackendError("agent_error", `${pending.method}: ${m.error.message}`));
        else pending.resolve(m.result);
      },
    });
  }

  get exited(): boolean {
    return this.#proc.exited;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  request(method: string, params: unknown, timeoutMs = 30_000): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BackendError("timeout", `codex app-server did not answer ${method}`));
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      try {
        this.#proc.send({ id, method, params });
      } catch (err) {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(err);
      }
    });
  }

  notify(method: string, params?: unknown): void {
    this.#proc.send(params === undefined ? { method } : { method, params });
  }

  respond(id: RequestIdValue, result: unknown): void {
    if (!this.#proc.exited) this.#proc.send({ id, result });
  }

  respondError(id: RequestIdValue, code: number, message: string): void {
    if (!this.#proc.exited) this.#proc.send({ id, error: { code, message } });
  }

  stop(): Promise<void> {
    return this.#proc.stop();
  }
}
