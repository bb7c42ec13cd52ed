import { ApprovalAnswers, ApprovalDecision } from "@codex-remote/protocol";
import { z } from "zod";
import type { Store } from "../store/store.ts";
import type { SessionView, StoreInput } from "../store/types.ts";

/**
 * What the tab holding the relay links shows live beyond the journals: terminal output, who is in
 * control, the laptop's name on each session, presence, slash commands, notices. That tab passes
 * these store inputs to the app's other tabs on a BroadcastChannel; they apply them as their own.
 * Agent events and snapshots do not go this way: other tabs follow the journals for those, which
 * also serve a tab opened later.
 *
 * A tab that finds itself without the links says `hello`; the tab with them answers with what its
 * store holds of each session (`catchUp`), its terminal history as one output. A tab takes that
 * history only into an empty terminal: one that held the links until now has it already. Until a
 * hello arrives the tab with the links posts nothing, so the app alone in its WebView (the native
 * shells, most phones) does not copy every terminal chunk for nobody.
 */
const at = z.number();
const sessionId = z.string().min(1);
const MirroredInput = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("session_open"),
    sessionId,
    agent: z.string(),
    cwd: z.string().optional(),
    model: z.string().optional(),
    mode: z.enum(["structured", "terminal"]),
    laptop: z.string().optional(),
    at,
  }),
  z.object({ type: z.literal("session_close"), sessionId, at }),
  z.object({ type: z.literal("presence"), sessionId, online: z.boolean(), at }),
  z.object({ type: z.literal("gap"), sessionId, from: z.number(), to: z.number(), at }),
  z.object({ type: z.literal("resync_requested"), sessionId, at }),
  z.object({ type: z.literal("resync_done"), sessionId, at }),
  z.object({ type: z.literal("terminal_output"), sessionId, bytes: z.instanceof(Uint8Array), at }),
  z.object({
    type: z.literal("terminal_size"),
    sessionId,
    cols: z.number().int().positive(),
    rows: z.number().int().positive(),
  }),
  z.object({
    type: z.literal("control"),
    sessionId,
    state: z.enum(["none", "requested", "granted", "revoked", "refused"]),
    at,
    reason: z.string().optional(),
  }),
  z.object({
    type: z.literal("approval_sent"),
    sessionId,
    requestId: z.string(),
    decision: ApprovalDecision,
    answers: ApprovalAnswers.optional(),
    at,
  }),
  z.object({
    type: z.literal("commands"),
    sessionId,
    commands: z.array(z.object({ name: z.string(), description: z.string() })),
  }),
  z.object({ type: z.literal("trimmed"), sessionId, upTo: z.number().optional(), at }),
  z.object({ type: z.literal("notice"), sessionId, code: z.string(), message: z.string(), at }),
]);
type MirroredInput = z.infer<typeof MirroredInput>;
const MirrorMessage = z.union([
  z.object({ input: MirroredInput, catchUp: z.literal(true).optional() }),
  z.object({ hello: z.literal(true) }),
]);
type MirrorMessage = z.infer<typeof MirrorMessage>;

const MIRRORED = new Set<StoreInput["type"]>(MirroredInput.options.map((o) => o.shape.type.value));
const isMirrored = (input: StoreInput): input is StoreInput & MirroredInput => MIRRORED.has(input.type);

export class StoreMirror {
  readonly #channel: BroadcastChannel | undefined =
    typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("codex-remote:mirror") : undefined;
  /** whether another tab has said hello (tabs close without a word: it stays true) */
  #othersSeen = false;

  /**
   * `onInput`: another tab's store input, validated (`catchUp`: part of an answer to a hello);
   * `onHello`: a tab without the links opened.
   */
  constructor(handlers: { onInput: (input: StoreInput, catchUp: boolean) => void; onHello: () => void }) {
    this.#channel?.addEventListener("message", (e: MessageEvent) => {
      const m = MirrorMessage.safeParse(e.data);
      if (!m.success) return;
      if ("hello" in m.data) {
        this.#othersSeen = true;
        handlers.onHello();
      } else handlers.onInput(m.data.input as StoreInput, m.data.catchUp === true);
    });
  }

  /** A store that also passes what it is given on to the other tabs (for the tab with the links). */
  mirrored(store: Store): Pick<Store, "state" | "dispatch"> {
    return {
      get state() {
        return store.state;
      },
      dispatch: (input: StoreInput) => {
        store.dispatch(input);
        if (this.#othersSeen && isMirrored(input)) this.#post({ input });
      },
    };
  }

  close(): void {
    this.#channel?.close();
  }

  hello(): void {
    this.#post({ hello: true });
  }

  /** Tells the other tabs what `sessions` hold beyond the journals. */
  catchUp(sessions: Iterable<SessionView>): void {
    for (const s of sessions) for (const input of catchUpInputs(s)) this.#post({ input, catchUp: true });
  }

  #post(m: MirrorMessage): void {
    this.#channel?.postMessage(m);
  }
}

/** One session's state beyond its journal, as the inputs that make it. */
function catchUpInputs(s: SessionView): MirroredInput[] {
  const sessionId = s.id;
  const at = s.lastActivity;
  const out: MirroredInput[] = [
    {
      type: "session_open",
      sessionId,
      agent: s.agent,
      mode: s.mode,
      at,
      ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
      ...(s.model !== undefined ? { model: s.model } : {}),
      ...(s.laptop !== undefined ? { laptop: s.laptop } : {}),
    },
  ];
  if (s.closed) out.push({ type: "session_close", sessionId, at });
  else out.push({ type: "presence", sessionId, online: s.online, at });
  out.push({
    type: "control",
    sessionId,
    state: s.control,
    at,
    ...(s.controlReason ? { reason: s.controlReason } : {}),
  });
  if (s.commands.length > 0) out.push({ type: "commands", sessionId, commands: [...s.commands] });
  out.push({ type: "terminal_size", sessionId, cols: s.terminal.cols, rows: s.terminal.rows });
  if (s.terminal.bytes > 0) out.push({ type: "terminal_output", sessionId, bytes: concat(s.terminal.chunks), at });
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
