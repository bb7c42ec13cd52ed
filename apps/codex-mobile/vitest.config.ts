import { packageConfig } from "../../vitest.shared.ts";

// e2e files start real processes and a browser: run them one at a time, after the unit tests.
export default packageConfig({
  passWithNoTests: true,
  include: ["test/**/*.test.ts"],
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 90_000,
});
