import { fileURLToPath } from "node:url";

export const MODULE = "codex-mobile";

/** Where `vite build` puts the app; the relay serves this folder as static files. */
export function mobileDistDir(): string {
  return fileURLToPath(new URL("../dist/", import.meta.url));
}
