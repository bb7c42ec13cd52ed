import { z } from "zod";

/**
 * Every refusal the relay can express, with a stable string code and a WebSocket close code (4000+)
 * used when the refusal ends the connection. Codes are part of the wire contract: never renumber.
 */
export const RELAY_ERRORS = {
  bad_message: { close: 4000, fatal: false, text: "message could not be parsed" },
  unauthenticated: { close: 4001, fatal: false, text: "authenticate first" },
  auth_failed: { close: 4002, fatal: true, text: "challenge signature did not verify" },
  auth_timeout: { close: 4003, fatal: false, text: "no authentication in time" },
  unknown_device: { close: 4004, fatal: true, text: "device is not registered" },
  device_revoked: { close: 4005, fatal: true, text: "device was revoked" },
  registration_closed: { close: 4006, fatal: true, text: "this relay does not accept new devices" },
  pairing_invalid: { close: 4007, fatal: false, text: "pairing token is not valid for this room" },
  pairing_expired: { close: 4008, fatal: false, text: "pairing token expired" },
  pairing_used: { close: 4009, fatal: false, text: "pairing token was already claimed" },
  room_not_found: { close: 4010, fatal: false, text: "no such room" },
  room_exists: { close: 4011, fatal: false, text: "room id already taken" },
  not_room_member: { close: 4012, fatal: false, text: "device is not a member of this room" },
  not_joined: { close: 4013, fatal: false, text: "join the room before sending" },
  not_host: { close: 4014, fatal: false, text: "only the room's host may do this" },
  not_controller: { close: 4015, fatal: false, text: "input frames are accepted only from the active controller" },
  frame_too_large: { close: 4016, fatal: false, text: "frame exceeds the relay's maximum size" },
  rate_limited: { close: 4017, fatal: false, text: "device exceeded its message or byte rate" },
  room_limit: { close: 4018, fatal: false, text: "too many rooms for this device" },
  connection_limit: { close: 4019, fatal: false, text: "too many connections for this device" },
  slow_consumer: { close: 4020, fatal: false, text: "reader fell behind; reconnect and resume from the log" },
  idle_timeout: { close: 4021, fatal: false, text: "no traffic or pong in time" },
  server_draining: { close: 4022, fatal: false, text: "relay is shutting down; reconnect" },
  replayed: { close: 4023, fatal: false, text: "challenge was already used" },
  not_admissible: {
    close: 4024,
    fatal: false,
    text: "a host may add only a device that is a member of another of its rooms",
  },
  internal: { close: 4099, fatal: false, text: "internal relay error" },
} as const;

export type RelayErrorCode = keyof typeof RELAY_ERRORS;
export const RelayErrorCode = z.enum(Object.keys(RELAY_ERRORS) as [RelayErrorCode, ...RelayErrorCode[]]);

/** A typed relay refusal as a value (what `error` messages and client events carry). */
export interface RelayError {
  readonly code: RelayErrorCode;
  readonly message: string;
}

export function relayError(code: RelayErrorCode, message?: string): RelayError {
  return { code, message: message ?? RELAY_ERRORS[code].text };
}

/** The WebSocket close code for a refusal that ends the connection. */
export function closeCodeFor(code: RelayErrorCode): number {
  return RELAY_ERRORS[code].close;
}

/** The refusal behind a WebSocket close code, if it is one of ours. */
export function codeForClose(close: number): RelayErrorCode | undefined {
  for (const [code, info] of Object.entries(RELAY_ERRORS)) {
    if (info.close === close) return code as RelayErrorCode;
  }
  return undefined;
}

/** Fatal refusals: a client must not reconnect after one (it would be refused again). */
export function isFatal(code: RelayErrorCode): boolean {
  return RELAY_ERRORS[code].fatal;
}
