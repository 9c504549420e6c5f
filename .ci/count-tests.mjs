// Prints "tests: N passed, N failed" from vitest's JSON report; exits 1 if it ran none.
// A test file that failed before running any test (import error) counts as one failure.
import { readFileSync } from "node:fs";

let report;
try {
  report = JSON.parse(readFileSync(process.argv[2], "utf8"));
} catch {
  console.log("tests: 0 passed, 1 failed");
  process.exit(1);
}
let passed = 0;
let failed = 0;
for (const file of report.testResults ?? []) {
  const tests = file.assertionResults ?? [];
  if (tests.length === 0 && file.status === "failed") failed++;
  for (const t of tests) {
    if (t.status === "passed") passed++;
    else if (t.status === "failed") failed++;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(passed > 0 ? 0 : 1);
