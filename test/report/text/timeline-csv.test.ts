import { describe, expect, it } from "vitest";
import { renderTimelineCsv } from "../../../src/report/text/timeline-csv.js";
import { simulate } from "../../sim/helpers.js";

const SCENARIO = `
name: csv
seed: 2
duration: 3d
sampleInterval: 12h
hosts: [{ name: kms1 }, { name: kms2 }]
clients: [{ name: c, count: 120, bootSpread: 6h }]
`;

describe("renderTimelineCsv", () => {
  it("one row per sample; each host's column adds up to its requests", () => {
    const { result } = simulate(SCENARIO);
    const lines = renderTimelineCsv(result).trimEnd().split("\r\n");
    expect(lines[0]).toBe("t_seconds,activated,licensed,jain,max_share_deviation,requests_kms1,requests_kms2");
    expect(lines).toHaveLength(result.timeline.length + 1);
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(rows.map((r) => Number(r[0]))).toEqual(result.timeline.map((s) => s.t));
    for (const [k, h] of result.hosts.entries()) {
      expect(
        rows.reduce((a, r) => a + Number(r[5 + k]), 0),
        h.name,
      ).toBe(h.requests);
    }
  });

  it("quotes a field with a comma or a quote (RFC 4180)", () => {
    const spread = { jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 };
    const name = 'a,"b"';
    const csv = renderTimelineCsv({ hosts: [{ name }] as never, timeline: [{ t: 1, activated: 2, licensed: 3, hostRequests: { [name]: 4 }, spread }] });
    expect(csv).toBe('t_seconds,activated,licensed,jain,max_share_deviation,"requests_a,""b"""\r\n1,2,3,1,0,4\r\n');
  });
});
