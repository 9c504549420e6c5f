// Thresholds as people write them: any percentile (p95, p99.9) read from the histogram,
// success and error rates, and durations with units on metrics in ms.
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../src/scenario/load.js";
import { validateMetricPath } from "../../src/results/result-metrics.js";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { simulate } from "../sim/helpers.js";

const SCENARIO = (thresholds: string): string => `
name: thresholds
seed: 4
duration: 3d
hosts:
  - { name: kms1, renewalInterval: 12h }
  - { name: kms2, renewalInterval: 12h }
clients:
  - { name: desktops, count: 300, os: win7, bootSpread: 6h }
thresholds:
${thresholds}
`;

const load = (yaml: string) => loadScenarioText(yaml, "t.yaml", { validateMetric: validateMetricPath });

describe("thresholds people write", () => {
  it("any percentile is judged from the histogram, equal to the stored ones where both exist", () => {
    const { result } = simulate(
      SCENARIO(`  - { metric: rpc.activation.latencyMs.p95, lt: 1000 }
  - { metric: rpc.activation.latencyMs.p99.0, lt: 1000 }
  - { metric: dns.latencyMs.p99.9, lt: 1000 }
  - { metric: rpc.renewal.latencyMs.p100, lt: 1000 }`),
    );
    const actual = Object.fromEntries(result.thresholds.map((t) => [t.metric, t.actual]));
    const histogram = LatencyRecorder.decode(result.rpc.activation.histogram as string);
    expect(actual["rpc.activation.latencyMs.p95"]).toBe(histogram.percentileMs(95));
    expect(actual["rpc.activation.latencyMs.p99.0"]).toBe(result.rpc.activation.latencyMs.p99);
    expect(actual["rpc.renewal.latencyMs.p100"]).toBe(result.rpc.renewal.latencyMs.max);
    expect(actual["dns.latencyMs.p99.9"]).toBe(result.dns.latencyMs.p999);
    expect(result.thresholds.every((t) => t.pass)).toBe(true);
  });

  it("success and error rates are in the result and judged", () => {
    const { result } = simulate(SCENARIO(`  - { metric: rpc.activation.successRate, gt: 0.5 }\n  - { metric: rpc.renewal.errorRate, lt: 0.5 }`));
    const a = result.rpc.activation;
    expect(a.successRate).toBeCloseTo(a.ok / a.sent, 5);
    expect(a.errorRate).toBeCloseTo(a.failed / a.sent, 5);
    expect(result.thresholds.map((t) => t.actual)).toEqual([a.successRate, result.rpc.renewal.errorRate]);
  });

  it("a duration with its unit is a value for a metric in ms", () => {
    const loaded = load(SCENARIO(`  - { metric: rpc.activation.latencyMs.p99, lt: 2s }\n  - { metric: dns.latencyMs.p95, lte: 50ms }`));
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.scenario.thresholds.map((t) => t.value)).toEqual([2000, 50]);
  });

  it("refuses a duration on a metric not in ms, a bad duration and a percentile out of range, each with its reason", () => {
    const loaded = load(
      SCENARIO(`  - { metric: failovers, lt: 5s }
  - { metric: rpc.activation.latencyMs.p99, lt: 5 parsecs }
  - { metric: rpc.activation.latencyMs.p101, lt: 50 }
  - { metric: rpc.activation.latencyMs.p0, lt: 50 }`),
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const messages = loaded.errors.map((e) => e.message).join("\n");
    expect(messages).toContain("a duration (5s) fits only a metric in ms");
    expect(messages).toMatch(/parsecs/);
    expect(messages).toContain("'rpc.activation.latencyMs.p101' names no percentile");
    expect(messages).toContain("'rpc.activation.latencyMs.p0' names no percentile");
  });
});
