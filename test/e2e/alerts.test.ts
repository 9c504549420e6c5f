// The result's alerts (issue 16, "Monitoring, as the management pack watches it"), from the
// real binary: each kind on a scenario that causes it, the same Low Activation Count in both
// drivers, and the totals as threshold paths a CI gate can use.

import { describe, expect, it } from "vitest";
import { host, runScenario, scenarioPath, tempDirs, yaml } from "./helpers.js";
import { D, runRealtime } from "./realtime-helpers.js";
import { readFileSync } from "node:fs";

const tmp = tempDirs();

/** scenarios/below-threshold.yaml with thresholds on the alert paths instead of its own. */
function belowThresholdGated(): string {
  const text = readFileSync(scenarioPath("below-threshold.yaml"), "utf8");
  return text.replace(
    /thresholds:[\s\S]*$/,
    yaml(
      "thresholds:",
      "  - { metric: alerts.lowActivationCount.count, gt: 0 }",
      "  - { metric: alerts.hostDown.count, eq: 0 }",
      "  - { metric: hosts.kms1.publishFailed, eq: 0 }",
    ),
  );
}

describe("alerts", () => {
  it("Low Activation Count on kms1 from the first poll after a pilot client was counted until the second wave; thresholds read the totals", async () => {
    const run = await runScenario(tmp.make(), { name: "below-threshold.yaml", text: belowThresholdGated() });
    expect(run.code, run.stderr).toBe(0);
    const alerts = run.result.alerts!;
    expect(alerts.list.map((a) => [a.kind, a.host, a.product])).toEqual([["lowActivationCount", "kms1", "windows-client"]]);
    const [low] = alerts.list;
    // Every poll before the second wave (day 2) finds it, none after the count reached 25.
    const lowPolls = run.result.timeline.filter((s) => s.lowCount?.kms1?.includes("windows-client"));
    expect(low.count).toBe(lowPolls.length);
    expect(low.firstSeen).toBe(lowPolls[0].t);
    expect(low.firstSeen).toBeLessThan(2 * D);
    expect(low.lastSeen).toBeGreaterThanOrEqual(2 * D);
    expect(low.open).toBe(false);
    expect(run.result.thresholds.map((t) => [t.metric, t.actual, t.pass])).toEqual([
      ["alerts.lowActivationCount.count", low.count, true],
      ["alerts.hostDown.count", 0, true],
      ["hosts.kms1.publishFailed", 0, true],
    ]);
  });

  it("the realtime driver raises the same Low Activation Count alert", async () => {
    const text = readFileSync(scenarioPath("below-threshold.yaml"), "utf8");
    const run = await runRealtime(tmp.make(), "below-threshold.yaml", text);
    expect(run.code, run.stderr).toBe(0);
    const lows = run.result.alerts!.list.filter((a) => a.kind === "lowActivationCount");
    expect(lows.map((a) => [a.host, a.product, a.open])).toEqual([["kms1", "windows-client", false]]);
    expect(lows[0].firstSeen).toBeLessThan(2 * D);
    expect(lows[0].count).toBeGreaterThan(1);
  });

  it("DNS publishing failures: one alert per host, its count the host's publishFailed and the failed publishes in the event log", async () => {
    const run = await runScenario(tmp.make(), { path: scenarioPath("dns-publishing.yaml") });
    expect(run.code, run.stderr).toBe(0);
    const { alerts, events, hosts } = run.result;
    const failedEvents = events.filter((e) => e.action === "publish-failed");
    expect(failedEvents.length).toBeGreaterThan(0);
    expect(alerts!.dnsPublishing.count).toBe(failedEvents.length);
    for (const h of hosts) {
      const mine = failedEvents.filter((e) => e.target === h.name);
      expect(h.publishFailed, h.name).toBe(mine.length);
      const alert = alerts!.list.find((a) => a.kind === "dnsPublishing" && a.host === h.name);
      if (mine.length === 0) expect(alert).toBeUndefined();
      else expect(alert).toMatchObject({ count: mine.length, firstSeen: mine[0].t, lastSeen: mine[mine.length - 1].t, severity: "warning", open: false });
    }
  });

  it("a host that crashes and never comes back: hostDown open to the end, then clients fall out of licence after 180 days", async () => {
    const text = yaml(
      "name: lapse",
      "seed: 5",
      "duration: 200d",
      "sampleInterval: 1d",
      "hosts:",
      "  - name: kms1",
      "clients:",
      "  - { name: servers, count: 6, os: win7, product: windows-server, bootSpread: 1h }",
      "events:",
      "  - { at: 10d, host: kms1, action: crash }",
    );
    const run = await runScenario(tmp.make(), { name: "lapse.yaml", text });
    expect(run.code, run.stderr).toBe(0);
    const { alerts, clients } = run.result;
    expect(clients.outOfToleranceGrace + clients.unlicensed).toBe(6);
    expect(alerts!.list.find((a) => a.kind === "hostDown")).toMatchObject({ host: "kms1", firstSeen: 10 * D, lastSeen: 200 * D, open: true, count: 1 });
    const lapsed = alerts!.list.find((a) => a.kind === "licenceLapsed")!;
    // Licensed for 180 days from the last successful renewal, before day 10.
    expect(lapsed.firstSeen).toBeGreaterThan(180 * D);
    expect(lapsed.firstSeen).toBeLessThanOrEqual(191 * D);
    expect(lapsed).toMatchObject({ open: true, severity: "critical" });
    expect(lapsed.message).toMatch(/^6 clients that had activated/);
    expect(host(run.result, "kms1").state).toBe("down");
  });
});
