import { defineConfig, type ViteUserConfig } from "vitest/config";

type TestOptions = NonNullable<ViteUserConfig["test"]>;
const conditions = ["@codex-remote/source", "module", "node", "import", "default"];

/** Every package's vitest config starts here: source-first resolution and a JSON report for the CI summary. */
export function packageConfig(overrides: TestOptions = {}, extra: ViteUserConfig = {}): ViteUserConfig {
  return defineConfig({
    ...extra,
    resolve: { conditions, ...extra.resolve },
    ssr: { resolve: { conditions, externalConditions: ["@codex-remote/source"] } },
    test: {
      include: ["test/**/*.test.ts", "src/**/*.test.ts"],
      reporters: ["default", "json"],
      outputFile: { json: ".vitest-results.json" },
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  });
}
