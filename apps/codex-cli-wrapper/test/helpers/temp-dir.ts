import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dirs: string[] = [];
// Under vitest (not when a bench script imports a fixture): registered when a test file first
// imports this module, so it runs after that file's own afterAll hooks (vitest runs after-hooks in
// reverse order), once the agents and relays it started have stopped.
if (process.env.VITEST) {
  const { afterAll } = await import("vitest");
  afterAll(() => {
    for (const d of dirs.splice(0)) {
      try {
        rmSync(d, { recursive: true, force: true, maxRetries: 3 });
      } catch {}
    }
  });
}

/** A new directory under the system temp dir, removed when the test file ends. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
