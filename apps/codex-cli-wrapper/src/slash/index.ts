export * from "./builtins.ts";
export * from "./registry.ts";
