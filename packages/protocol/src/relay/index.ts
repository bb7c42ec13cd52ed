/**
 * `@codex-remote/protocol/relay`: the relay's wire (the only place that knows its byte layout) and
 * the RelayClient used by the wrapper's session host and the phone app.
 */
export * from "./auth.ts";
export * from "./base64url.ts";
export * from "./client.ts";
export * from "./device-identity.ts";
export * from "./envelope.ts";
export * from "./errors.ts";
export * from "./messages.ts";
