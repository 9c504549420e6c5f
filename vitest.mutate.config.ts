// The tests `npm run mutate` (stryker.config.mjs) runs against each mutant of src/core: the
// pure core's own tests only. They run in seconds, so a full mutation run stays near ten
// minutes; the wider suite (test/sim, the realtime end to end) also reaches src/core but would
// make each of the ~2,000 mutant runs slow and tie the score to sockets and wall clock.
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/core/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ".stryker-tmp/**", "reports/**"],
    testTimeout: 120_000,
    // Stryker runs one vitest per worker (concurrency in stryker.config.mjs): no threads of its own.
    pool: "forks",
    isolate: false,
  },
});
