// The reality check's rules on hand-made logs and results: agreement, a share off by more
// than 5 pp, an hour off, an error code on one side only.

import { describe, expect, it } from "vitest";
import { realityCheck } from "../../src/replay/reality-check.js";
import type { KmsLog } from "../../src/replay/kms-log.js";
import { sampleResult } from "../results/sample-result.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 7);

function log(perHour: number[][], failures = 0): KmsLog {
  const requests: KmsLog["requests"] = [];
  perHour.forEach((hosts, hour) =>
    hosts.forEach((n, h) => {
      for (let k = 0; k < n; k++) {
        const failed = requests.length < failures;
        requests.push({
          timeMs: T0 + hour * HOUR + (k * HOUR) / (n + 1),
          computer: `kms${h + 1}.corp.example`,
          info: {
            hresult: failed ? 0xc004f038 : 0,
            minimumCount: 25,
            clientFqdn: "pc.corp.example",
            cmid: "c0000001-0001-4001-8001-000000000001",
            vm: false,
            licenceState: "licensed",
            minutesToExpiry: 1,
            activationId: "0f0e0d0c-0b0a-4909-8807-060504030201",
          },
        });
      }
    }),
  );
  requests.sort((a, b) => a.timeMs - b.timeMs);
  return { requests, sent: [], answers: [], skipped: 0, files: 1 };
}

function result(perHour: number[][], errors: Record<string, number> = {}) {
  const r = sampleResult();
  r.hosts = r.hosts.slice(0, 2).map((h, k) => ({ ...h, name: `kms${k + 1}`, requests: perHour.reduce((a, hour) => a + hour[k], 0) }));
  r.timeline = perHour.map((hosts, hour) => ({ ...r.timeline[0], t: (hour + 1) * 3600, hostRequests: { kms1: hosts[0], kms2: hosts[1] } }));
  r.rpc.activation.errors = errors;
  r.rpc.renewal.errors = {};
  return r;
}

const fleet = (l: KmsLog) => ({
  hosts: ["kms1", "kms2"].map((name, k) => ({
    name,
    computer: `${name}.corp.example`,
    requests: l.requests.filter((r) => r.computer.startsWith(`kms${k + 1}`)).length,
    failed: 0,
  })),
});

describe("realityCheck", () => {
  it("agrees when shares, hours and error codes match", () => {
    const hours = [
      [60, 40],
      [30, 20],
    ];
    const l = log(hours);
    const check = realityCheck(l, fleet(l), result(hours), 1);
    expect(check.disagreements).toBe(0);
    expect(check.hours.map((h) => [h.log, h.run])).toEqual([
      [100, 100],
      [50, 50],
    ]);
  });

  it("calls a share off by more than 5 pp, an hour off by more than 25 % and 3σ, and a code on one side only", () => {
    const l = log(
      [
        [60, 40],
        [30, 20],
      ],
      3,
    );
    const check = realityCheck(
      l,
      fleet(l),
      result(
        [
          [45, 55],
          [60, 40],
        ],
        { "0x800706BA": 9 },
      ),
      1,
    );
    expect(check.hosts.map((h) => h.agrees)).toEqual([false, false]);
    expect(check.hours.map((h) => h.agrees)).toEqual([true, false]);
    expect(check.errors.map((e) => [e.what, e.log, e.run, e.agrees])).toEqual([
      ["0x800706BA", 0, 9, false],
      ["0xC004F038", 3, 0, false],
    ]);
    expect(check.disagreements).toBe(5);
  });

  it("a replay --speedup 2 puts two hours of the log into each hour of the run", () => {
    const l = log([
      [10, 0],
      [10, 0],
      [10, 0],
      [10, 0],
    ]);
    const check = realityCheck(
      l,
      fleet(l),
      result([
        [20, 0],
        [20, 0],
      ]),
      2,
    );
    expect(check.hours.map((h) => [h.log, h.run, h.agrees])).toEqual([
      [20, 20, true],
      [20, 20, true],
    ]);
  });
});
