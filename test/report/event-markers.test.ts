import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventLabel, eventMarkers, labelRows } from "../../src/report/event-markers.js";
import { linearScale } from "../../src/report/scales.js";
import { shareSeries } from "../../src/report/share-series.js";
import { groupMarkers } from "../../src/report/svg.js";

describe("event markers", () => {
  it("marks faults and record changes, not the routine refreshes, in time order", () => {
    const markers = eventMarkers([
      { t: 50, kind: "host", target: "kms2", action: "recover" },
      { t: 0, kind: "dns", target: "kms1", action: "published", domain: "corp.example", eventId: 12294 },
      { t: 10, kind: "host", target: "kms2", action: "crash" },
      { t: 20, kind: "dns", target: "dns", action: "down" },
      { t: 30, kind: "dns", target: "old", action: "scavenged", domain: "corp.example" },
    ]);
    expect(markers.map((m) => m.label)).toEqual(["kms2 crash", "DNS down", "old scavenged corp.example", "kms2 recover"]);
    expect(eventLabel({ t: 1, kind: "dns", target: "kms1", action: "publish-failed", domain: "b.example", eventId: 12293 })).toBe(
      "kms1 publish-failed b.example",
    );
  });

  it("labelRows: labels in one row never overlap; a label with no room gets null", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 10, max: 200 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (labels, maxRows) => {
          const sorted = [...labels].sort((a, b) => a[0] - b[0]);
          const xs = sorted.map(([x]) => x);
          const widths = sorted.map(([, w]) => w);
          const rows = labelRows(xs, widths, maxRows, 6);
          for (let r = 0; r < maxRows; r++) {
            const inRow = sorted.filter((_, k) => rows[k] === r);
            for (let k = 1; k < inRow.length; k++) expect(inRow[k][0]).toBeGreaterThanOrEqual(inRow[k - 1][0] + inRow[k - 1][1] + 6);
          }
          rows.forEach((row) => expect(row === null || (row >= 0 && row < maxRows)).toBe(true));
          // The first label always gets the first row.
          if (rows.length > 0) expect(rows[0]).toBe(0);
        },
      ),
    );
  });
});

describe("groupMarkers", () => {
  it("a burst of events within a few pixels is one line; its tooltip names them all", () => {
    const x = linearScale([0, 1000], [0, 1000]);
    const groups = groupMarkers(
      [
        { tSeconds: 100, action: "down", label: "DNS down" },
        { tSeconds: 101, action: "publish-failed", label: "hq publish-failed a" },
        { tSeconds: 102, action: "publish-failed", label: "hq publish-failed b" },
        { tSeconds: 300, action: "up", label: "DNS up" },
        { tSeconds: 500, action: "crash", label: "kms1 crash" },
        { tSeconds: 500, action: "crash", label: "kms1 crash" },
      ],
      x,
    );
    expect(groups).toEqual([
      { x: 100, action: "down", label: "DNS down +2", title: "DNS down\nhq publish-failed a\nhq publish-failed b" },
      { x: 300, action: "up", label: "DNS up", title: "DNS up" },
      { x: 500, action: "crash", label: "kms1 crash ×2", title: "kms1 crash\nkms1 crash" },
    ]);
  });
});

describe("shareSeries", () => {
  it("for any timeline: shares sum to 1 where hosts served requests, and are null where none did", () => {
    const names = ["a", "b", "c"];
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat({ max: 1000 }), { minLength: 3, maxLength: 3 }), { maxLength: 30 }), (rows) => {
        const timeline = rows.map((counts, k) => ({
          t: (k + 1) * 60,
          activated: 0,
          licensed: 0,
          hostRequests: Object.fromEntries(names.map((n, i) => [n, counts[i]])),
          spread: { jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 },
        }));
        const series = shareSeries(timeline, names);
        series.forEach((s, k) => {
          expect(s.fromSeconds).toBe(k * 60);
          expect(s.toSeconds).toBe((k + 1) * 60);
          expect(s.counts).toEqual(rows[k]);
          if (s.total === 0) expect(s.shares).toEqual([null, null, null]);
          else expect(s.shares.reduce((a, b) => a! + b!, 0)).toBeCloseTo(1, 9);
        });
      }),
    );
  });
});
