import type { Plugin } from "vite";
import { iconPng } from "./icons.ts";
import { manifest } from "./manifest.ts";

/**
 * Emits the PWA's icons (drawn in code) and its web manifest, then writes the list of built files
 * into sw.js (replacing the `__PRECACHE__` placeholder) so the service worker can cache the whole
 * shell at install and the app opens offline.
 */
export function precacheManifest(): Plugin {
  return {
    name: "codex-mobile-pwa",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const emitted: string[] = ["manifest.webmanifest"];
      for (const [size, maskable] of [
        [192, false],
        [512, false],
        [512, true],
        [180, false],
      ] as const) {
        const name = maskable ? `icons/maskable-${size}.png` : `icons/icon-${size}.png`;
        this.emitFile({ type: "asset", fileName: name, source: iconPng(size, maskable) });
        emitted.push(name);
      }
      this.emitFile({ type: "asset", fileName: "manifest.webmanifest", source: JSON.stringify(manifest, null, 2) });
      const files = [...new Set([...Object.keys(bundle), ...emitted])].filter(
        (f) => f !== "sw.js" && !f.endsWith(".map"),
      );
      const shell = ["./", ...files.map((f) => `./${f}`)];
      const sw = bundle["sw.js"];
      if (sw && sw.type === "chunk") {
        const version = simpleHash(shell.join("|") + sw.code);
        sw.code = sw.code.replace(/(["'`])__PRECACHE__\1/, JSON.stringify(shell)).replaceAll("__VERSION__", version);
      }
    },
  };
}

function simpleHash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
