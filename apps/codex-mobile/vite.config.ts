import { defineConfig } from "vite";
import { precacheManifest } from "./scripts/vite-precache.ts";

/**
 * The app builds to static files in dist/ with relative URLs, so the relay (or any static host) can
 * serve it under any path. The service worker is a second entry emitted as `sw.js` next to index.html.
 */
export default defineConfig({
  base: "./",
  resolve: { conditions: ["@codex-remote/source", "browser", "module", "import", "default"] },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: "index.html", sw: "src/pwa/sw.ts" },
      output: {
        entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js"),
      },
    },
  },
  plugins: [precacheManifest()],
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
