export * from "./errors.ts";
export * from "./load.ts";
export * from "./paths.ts";
export * from "./schema.ts";
