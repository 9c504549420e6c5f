// Which test files run in the "parallel" vitest project: no sockets, no child processes or
// worker threads, no wall clock (fake timers are fine, undone after each test: files share a
// worker's modules there). Every other test file runs in the "serial" project, one file at
// a time, so a test not listed here is slower but never flaky.
// vitest.config.ts builds both projects from this list; test/projects.test.ts checks it.

/** Folders (every *.test.ts below them) and single files, relative to the repository root. */
export const PARALLEL_TESTS: readonly string[] = [
  "test/capacity/",
  "test/compare/",
  "test/core/",
  "test/discover/",
  "test/fleet-plan/",
  "test/format/",
  "test/lint/",
  "test/merge/",
  "test/queue/",
  "test/report/",
  "test/results/",
  "test/replay/",
  "test/scenario/",
  "test/sim/",
  "test/stats/",
  "test/cli/env-flags.test.ts",
  "test/cli/signal-step.test.ts",
  "test/files/line-limiter.test.ts",
  "test/realtime/allow-address.test.ts",
  "test/realtime/allow-address-leading-zero.test.ts",
  "test/realtime/clock-timer.test.ts",
  "test/realtime/generator-report.test.ts",
  "test/dns/dns-tsig.test.ts",
  "test/dns/dns-update.test.ts",
  "test/dns/dns-zone.test.ts",
  "test/realtime/host-event-slow.test.ts",
  "test/realtime/host-publisher.test.ts",
  "test/realtime/host-publisher-scavenge-race.test.ts",
  "test/realtime/host-publisher-scavenge-retry.test.ts",
  "test/realtime/host-service-queue.test.ts",
  "test/realtime/metrics-buckets.test.ts",
  "test/realtime/metrics-flags.test.ts",
  "test/realtime/run-failure-message.test.ts",
  "test/realtime/timeline-sampler.test.ts",
  "test/projects.test.ts",
];

/** Every test file. */
export const ALL_TESTS = "test/**/*.test.ts";

/** The list as vitest globs: a folder stands for every test file below it. */
export function parallelGlobs(): string[] {
  return PARALLEL_TESTS.map((entry) => (entry.endsWith("/") ? `${entry}**/*.test.ts` : entry));
}
