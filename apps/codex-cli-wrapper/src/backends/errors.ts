/**
 * The typed errors of the backends. Every failure a backend reports carries one of these stable
 * codes (also used as the `code` of an `error` AgentEvent), so callers switch on the code, never on
 * a message.
 */
export const BACKEND_ERROR_CODES = {
  binary_not_found: "The agent's executable was not found (not installed, or not on PATH).",
  spawn_failed: "The agent process could not be started.",
  process_exited: "The agent process exited while the backend was still using it.",
  handshake_failed: "The agent did not complete its start-up handshake.",
  protocol_violation: "The agent wrote something that does not parse as its documented protocol.",
  agent_error: "The agent answered a request with an error.",
  agent_retrying: "The agent lost its model server and is retrying (the turn is still running).",
  not_started: "The backend was used before start() (or after close()).",
  already_started: "start() was called twice.",
  turn_in_progress: "A message was sent while a turn is still running.",
  no_active_turn: "interrupt() was called with no turn running.",
  unknown_approval: "respondApproval() named a request that is not pending (already answered, or never asked).",
  resume_failed: "The thread or session to resume was not found or could not be loaded.",
  unsupported: "The backend kind or operation is not supported here.",
  timeout: "The agent did not answer in time.",
  closed: "The backend was closed.",
} as const;

export type BackendErrorCode = keyof typeof BACKEND_ERROR_CODES;

export class BackendError extends Error {
  readonly code: BackendErrorCode;
  override readonly name = "BackendError";
  constructor(code: BackendErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? BACKEND_ERROR_CODES[code], options);
    this.code = code;
  }
}

export function isBackendError(value: unknown, code?: BackendErrorCode): value is BackendError {
  return value instanceof BackendError && (code === undefined || value.code === code);
}
