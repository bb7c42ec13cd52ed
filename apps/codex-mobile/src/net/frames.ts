import type { ControlFrame } from "@codex-remote/protocol";
import type { StoreInput } from "../store/types.ts";
import type { JournalEntry } from "./journal.ts";

/**
 * Maps one opened control frame from a laptop to store inputs. Pure: the link passes its own device id
 * (to tell "granted to me" from "granted to another phone") and the session a frame without a session
 * id belongs to.
 */
export function frameToInputs(
  frame: ControlFrame,
  ctx: { ownDeviceId: string; currentSession: string | undefined; now: number },
): StoreInput[] {
  const at = ctx.now;
  switch (frame.type) {
    case "session_open":
      return [
        {
          type: "session_open",
          sessionId: frame.sessionId,
          agent: frame.agent,
          mode: frame.cols !== undefined ? "terminal" : "structured",
          at,
          ...(frame.cwd !== undefined ? { cwd: frame.cwd } : {}),
        },
        ...(frame.cols !== undefined && frame.rows !== undefined
          ? [{ type: "terminal_size" as const, sessionId: frame.sessionId, cols: frame.cols, rows: frame.rows }]
          : []),
      ];
    case "session_close":
      return [{ type: "session_close", sessionId: frame.sessionId, at }];
    case "agent_event": {
      const e = frame.event;
      // Who answered an approval, in words: this phone, the laptop, or another device.
      const event =
        e.kind === "approval_resolved"
          ? {
              ...e,
              by:
                e.by === ctx.ownDeviceId
                  ? "this phone"
                  : e.by === "local"
                    ? "the laptop"
                    : e.by.length > 24
                      ? "another device"
                      : e.by,
            }
          : e;
      return [{ type: "event", sessionId: frame.sessionId, seq: frame.seq, event, at: frame.at ?? at }];
    }
    case "control_grant":
      return [
        {
          type: "control",
          sessionId: frame.sessionId,
          state: frame.deviceId === ctx.ownDeviceId ? "granted" : "none",
          at,
          ...(frame.deviceId === ctx.ownDeviceId ? {} : { reason: "another phone is in control" }),
        },
      ];
    case "control_revoke": {
      const mine = frame.deviceId === ctx.ownDeviceId;
      const reason = frame.reason;
      // "released" on attach just says the laptop holds control; a revoke of this phone's control is loud.
      const state = reason === "denied" ? "refused" : mine && reason && reason !== "released" ? "revoked" : "none";
      return [
        {
          type: "control",
          sessionId: frame.sessionId,
          state,
          at,
          ...(reason === "local_input" ? { reason: "someone typed on the laptop" } : {}),
          ...(reason === "timeout" ? { reason: "the lease ran out" } : {}),
        },
      ];
    }
    case "ack":
      // a slash command's answer (what the laptop printed for it)
      if (!frame.result || !frame.sessionId) return [];
      return [{ type: "notice", sessionId: frame.sessionId, code: "SLASH_RESULT", message: frame.result, at }];
    case "terminal_resize":
      return [{ type: "terminal_size", sessionId: frame.sessionId, cols: frame.cols, rows: frame.rows }];
    case "presence":
      if (frame.role !== "wrapper" || !frame.sessionId) return [];
      return [{ type: "presence", sessionId: frame.sessionId, online: frame.state !== "offline", at }];
    case "error": {
      const sessionId = ctx.currentSession;
      if (!sessionId) return [];
      if (frame.code === "EVENTS_TRIMMED") {
        const upTo = /up to (\d+)/.exec(frame.message)?.[1];
        return [{ type: "trimmed", sessionId, upTo: upTo ? Number(upTo) : undefined, at }];
      }
      return [{ type: "notice", sessionId, code: frame.code, message: frame.message, at }];
    }
    default:
      return [];
  }
}

/**
 * What the phone kept of one session (its journal) as store inputs: the session, offline until its
 * laptop answers, then its events. Pure, like frameToInputs; events the store already has are
 * dropped there by sequence, so restoring twice shows each once.
 */
export function journalToInputs(entry: JournalEntry, ownDeviceId: string): StoreInput[] {
  const { meta, events } = entry;
  const at = meta.lastActivity;
  const out: StoreInput[] = [
    {
      type: "session_open",
      sessionId: meta.sessionId,
      agent: meta.agent,
      mode: meta.mode,
      at,
      ...(meta.cwd !== undefined ? { cwd: meta.cwd } : {}),
    },
    { type: "presence", sessionId: meta.sessionId, online: false, at },
  ];
  const first = events[0]?.seq;
  if (first !== undefined && first > 1) out.push({ type: "trimmed", sessionId: meta.sessionId, upTo: first - 1, at });
  const ctx = { ownDeviceId, currentSession: meta.sessionId, now: at };
  for (const e of events) {
    const frame = { type: "agent_event" as const, sessionId: meta.sessionId, seq: e.seq, at: e.at, event: e.event };
    out.push(...frameToInputs(frame, ctx));
  }
  return out;
}
