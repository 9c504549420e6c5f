import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here, and the realtime end-to-end tests measure real sockets with worker
    // threads of their own: test files run one at a time so they do not starve each other.
    fileParallelism: false,
    // The JSON report is what .ci/run counts (its last line: "tests: N passed, N failed").
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest.json" }]],
  },
});
