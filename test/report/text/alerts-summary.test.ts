// The summary's alerts section: after the verdict, one row per alert, "none" when quiet,
// nothing for a result written before alerts existed, and within the terminal's width.

import { describe, expect, it } from "vitest";
import { renderSummary } from "../../../src/report/text/summary.js";
import { alertsOf } from "../../../src/results/alerts.js";
import { sampleResult } from "../../results/sample-result.js";

function withAlerts(): ReturnType<typeof sampleResult> {
  const result = sampleResult();
  result.events = [
    { t: 90_000, kind: "host", target: "kms1", action: "crash" },
    { t: 100_000, kind: "dns", target: "kms2.branch", action: "publish-failed", domain: "corp.example", eventId: 12293 },
  ];
  result.alerts = alertsOf(result);
  return result;
}

describe("summary: alerts", () => {
  it("lists each alert after the verdict, with severity, kind, host, when and how often", () => {
    const text = renderSummary(withAlerts(), { color: false, width: 120 });
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.trim() === "alerts");
    expect(at).toBeGreaterThan(lines.findIndex((l) => /^\s+(PASS|FAIL)\s/.test(l)));
    expect(lines[at + 1]).toMatch(/^\s+critical\s+hostDown\s+kms1\s+1d 1h → end \(open\)\s+1×$/);
    expect(lines[at + 2]).toMatch(/^\s+warning\s+dnsPublishing\s+kms2\.branch\s+1d 3h → end \(open\)\s+1×$/);
  });

  it('says "none" when nothing was raised and leaves the section out for an older result', () => {
    const quiet = sampleResult();
    quiet.events = [];
    quiet.timeline = [];
    quiet.clients.licensed = quiet.clients.activated;
    quiet.hosts = quiet.hosts.map((h) => ({ ...h, lowCount: [] }));
    quiet.alerts = alertsOf(quiet);
    expect(renderSummary(quiet, { color: false })).toMatch(/\n {2}alerts\.+: none\n/);
    const old = sampleResult();
    delete old.alerts;
    expect(renderSummary(old, { color: false })).not.toContain("alerts");
  });

  it("fits 80 columns", () => {
    for (const line of renderSummary(withAlerts(), { color: false, width: 80 }).split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
