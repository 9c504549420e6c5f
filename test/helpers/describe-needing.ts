// A describe block that needs a program installed on the machine (BIND 9, Chromium).
// Without it the tests are skipped with a printed reason, except under CI, where one
// failing test says why instead: CI must never skip them silently (.ci/run installs them).

import { describe, it } from "vitest";

/** CI=true (or any value but "", "0", "false") means this run must not skip. */
function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

export interface Need {
  /** Log tag, e.g. "bind". */
  tag: string;
  /** What is needed, e.g. "BIND 9". */
  name: string;
  /** What for, completing "has <name> …", e.g. "to test against". */
  purpose: string;
  /** Why it is missing, or null when it is there. */
  missing: string | null;
}

export function describeNeeding(need: Need, title: string, fn: () => void): void {
  const { missing } = need;
  if (missing === null) {
    describe(title, fn);
    return;
  }
  if (underCi()) {
    describe(title, () => {
      it(`has ${need.name} ${need.purpose} (CI never skips this)`, () => {
        throw new Error(`${need.name} is required under CI: ${missing}`);
      });
    });
    return;
  }
  console.warn(`[${need.tag}] skipping "${title}": ${missing}`);
  describe.skip(title, fn);
}
