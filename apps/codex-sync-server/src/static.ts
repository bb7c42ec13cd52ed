import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { FastifyInstance } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Serves the built mobile app (single-page: unknown paths fall back to index.html). */
export function serveStatic(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  app.get("/*", async (req, reply) => {
    const url = decodeURIComponent((req.params as { "*": string })["*"] ?? "");
    let file = normalize(join(root, url));
    if (file !== root && !file.startsWith(root + sep)) return reply.code(404).send();
    let st = await stat(file).catch(() => undefined);
    if (st?.isDirectory()) {
      file = join(file, "index.html");
      st = await stat(file).catch(() => undefined);
    }
    if (!st?.isFile()) {
      file = join(root, "index.html");
      st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) return reply.code(404).send();
    }
    return reply
      .header("content-type", TYPES[extname(file)] ?? "application/octet-stream")
      .header("content-length", st.size)
      .header("x-content-type-options", "nosniff")
      .send(createReadStream(file));
  });
}
