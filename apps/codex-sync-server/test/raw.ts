import { authTranscript, fromBase64Url, type RelayIdentity, toBase64Url } from "@codex-remote/protocol/relay";
import { WebSocket } from "ws";

/** A bare ws client for tests that must misbehave (no auto-pong, paused reads, forged messages). */
export class RawClient {
  readonly ws: WebSocket;
  readonly messages: unknown[] = [];
  readonly binary: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(url: string, opts: { autoPong?: boolean; maxPayload?: number } = {}) {
    this.ws = new WebSocket(url, { autoPong: opts.autoPong ?? true, maxPayload: opts.maxPayload ?? 256 * 1024 * 1024 });
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) this.binary.push(data as Buffer);
      else this.messages.push(JSON.parse(String(data)));
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      this.ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
    this.ws.on("error", () => {});
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === 1) return resolve();
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }

  async message(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find((x) => pred(x as Record<string, unknown>));
      if (m) return m as Record<string, unknown>;
      if (Date.now() > end) throw new Error("timeout waiting for a message");
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  send(m: unknown): void {
    this.ws.send(typeof m === "string" || m instanceof Uint8Array ? m : JSON.stringify(m));
  }

  /** Builds the auth message for this connection's challenge. */
  async authMessage(id: RelayIdentity, register?: { kind: "host" | "phone"; name: string }) {
    const ch = await this.message((m) => m.t === "challenge");
    const nonce = String(ch.nonce);
    const sig = await id.sign(authTranscript(fromBase64Url(nonce), id.publicKey));
    return {
      t: "auth",
      v: 1,
      nonce,
      publicKey: toBase64Url(id.publicKey),
      signature: toBase64Url(sig),
      ...(register ? { register } : {}),
    };
  }

  async auth(id: RelayIdentity, register?: { kind: "host" | "phone"; name: string }) {
    this.send(await this.authMessage(id, register));
    return this.message((m) => m.t === "welcome" || m.t === "error");
  }
}
