import { configDefaults, defineConfig } from "vitest/config";
import { ALL_TESTS, parallelGlobs } from "./test/projects.js";

// Stryker's sandboxes and reports (npm run mutate) hold copies of the tests: never run those.
const GENERATED = [...configDefaults.exclude, ".stryker-tmp/**", "reports/**"];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts (its last line: "tests: N passed, N failed").
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest.json" }]],
    // One list (test/projects.ts) decides: a file is in "parallel" or else in "serial", never both or neither.
    projects: [
      {
        extends: true,
        test: {
          name: "parallel",
          include: parallelGlobs(),
          exclude: GENERATED,
          // Files share a worker's modules (half the CPU time): projects.test.ts checks they restore timers and mocks.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "serial",
          include: [ALL_TESTS],
          exclude: [...GENERATED, ...parallelGlobs()],
          // Two cores here, and the realtime end-to-end tests measure real sockets with worker
          // threads of their own: these files run one at a time, after the parallel ones.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
