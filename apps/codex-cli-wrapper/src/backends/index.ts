export * from "./errors.ts";
export * from "./event-stream.ts";
export * from "./factory.ts";
export type * from "./types.ts";
