/**
 * Typed errors of the wrapper's own layers (config, keys, CLI, session host). Each carries a stable
 * code that tests and scripts can match on; the message is for people and never holds a secret.
 */
export type WrapperErrorCode =
  | "CONFIG_READ"
  | "CONFIG_PARSE"
  | "CONFIG_INVALID"
  | "KEYS_READ"
  | "KEYS_INVALID"
  | "KEYS_PERMISSIONS"
  | "DEVICE_NOT_FOUND"
  | "CLI_USAGE"
  | "AGENT_NOT_FOUND"
  | "SLASH_UNKNOWN"
  | "SLASH_USAGE"
  | "SLASH_FORBIDDEN"
  | "PAIRING_FAILED"
  | "RELAY_UNREACHABLE"
  | "AGENT_TURN_FAILED"
  | "NO_PENDING_APPROVAL"
  | "VOICE_UNAVAILABLE";

export class WrapperError extends Error {
  readonly code: WrapperErrorCode;
  /** The config key, CLI flag or device id the error is about, when there is one. */
  readonly subject: string | undefined;
  constructor(code: WrapperErrorCode, message: string, subject?: string) {
    super(message);
    this.name = "WrapperError";
    this.code = code;
    this.subject = subject;
  }
}

export const isWrapperError = (e: unknown): e is WrapperError => e instanceof WrapperError;
