import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QUIT_AFTER_MS, signalStep } from "../../src/cli/signal-desk.js";

describe("signalStep: what the n-th SIGINT/SIGTERM does", () => {
  it("the first stops (keeping what was measured), a quick second reminds, a third or a late second quits", () => {
    expect(signalStep(1, 0)).toBe("stop");
    expect(signalStep(2, 300)).toBe("remind");
    expect(signalStep(2, QUIT_AFTER_MS - 1)).toBe("remind");
    expect(signalStep(2, QUIT_AFTER_MS)).toBe("quit");
    expect(signalStep(3, 100)).toBe("quit");
  });

  it("for any count and delay: only the first stops, and the partial result is skipped only by a third signal or 5 s on", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 60_000 }), (count, sinceFirstMs) => {
        const step = signalStep(count, sinceFirstMs);
        expect(step === "stop").toBe(count === 1);
        expect(step === "quit").toBe(count >= 3 || (count === 2 && sinceFirstMs >= QUIT_AFTER_MS));
      }),
    );
  });
});
