import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: e2e tests spawn the binary, keep parallelism modest.
    maxWorkers: 2,
    // The JSON report is what .ci/run counts (its last line: "tests: N passed, N failed").
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest.json" }]],
  },
});
