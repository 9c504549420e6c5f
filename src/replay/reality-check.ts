// `kmssim import … --check result.json`: a run of an imported scenario against the log it
// came from — requests per host, requests per hour, error codes — and where they disagree.
// Hours count from the log's first request (divided by the replay's speedup); the run's
// timeline samples fall in the hour their interval ends in.

import type { Result } from "../results/result.js";
import { hresultHex } from "./event-info.js";
import type { KmsLog } from "./kms-log.js";
import type { ImportedFleet } from "./fleet-from-log.js";

const HOUR_MS = 3_600_000;
/** A host's share of requests may differ this much (percentage points) before it is called a disagreement. */
export const SHARE_TOLERANCE_PP = 5;
/** An hour's requests may differ by this part, or by 3 Poisson standard deviations if more, before it is called a disagreement. */
export const HOUR_TOLERANCE = 0.25;

export interface CheckRow {
  what: string;
  log: number;
  run: number;
  agrees: boolean;
}

export interface RealityCheck {
  hosts: CheckRow[];
  hours: CheckRow[];
  errors: CheckRow[];
  disagreements: number;
}

export function realityCheck(
  log: KmsLog,
  fleet: Pick<ImportedFleet, "hosts">,
  result: Pick<Result, "hosts" | "timeline" | "rpc">,
  speedup: number,
): RealityCheck {
  const logTotal = log.requests.length;
  const runTotal = result.hosts.reduce((a, h) => a + h.requests, 0);
  const hosts = fleet.hosts.map((h) => {
    const run = result.hosts.find((r) => r.name === h.name)?.requests ?? 0;
    const logShare = (100 * h.requests) / logTotal;
    const runShare = runTotal === 0 ? 0 : (100 * run) / runTotal;
    return { what: `${h.name} share %`, log: round1(logShare), run: round1(runShare), agrees: Math.abs(logShare - runShare) <= SHARE_TOLERANCE_PP };
  });

  const t0 = log.requests[0]?.timeMs ?? 0;
  const logHours: number[] = [];
  for (const r of log.requests) {
    const hour = Math.floor((r.timeMs - t0) / speedup / HOUR_MS);
    logHours[hour] = (logHours[hour] ?? 0) + 1;
  }
  const runHours: number[] = [];
  for (const sample of result.timeline) {
    // A sample at t covers the interval ending at t: its hour is the one that interval ends in.
    const hour = Math.max(0, Math.ceil((sample.t * 1000) / HOUR_MS) - 1);
    runHours[hour] = (runHours[hour] ?? 0) + Object.values(sample.hostRequests).reduce((a, n) => a + n, 0);
  }
  const hours = Array.from({ length: Math.max(logHours.length, runHours.length) }, (_, hour) => {
    const inLog = logHours[hour] ?? 0;
    const inRun = runHours[hour] ?? 0;
    const allowed = Math.max(HOUR_TOLERANCE * inLog, 3 * Math.sqrt(Math.max(inLog, 1)));
    return { what: `hour ${hour + 1}`, log: inLog, run: inRun, agrees: Math.abs(inRun - inLog) <= allowed };
  });

  const logErrors = new Map<string, number>();
  for (const r of log.requests) if (r.info.hresult !== 0) logErrors.set(hresultHex(r.info.hresult), (logErrors.get(hresultHex(r.info.hresult)) ?? 0) + 1);
  const runErrors = new Map<string, number>();
  for (const kind of ["activation", "renewal"] as const) {
    for (const [code, n] of Object.entries(result.rpc[kind].errors)) runErrors.set(code, (runErrors.get(code) ?? 0) + n);
  }
  const codes = [...new Set([...logErrors.keys(), ...runErrors.keys()])].sort();
  // A code seen on one side only is the disagreement worth reading; how many is the model's business.
  const errors = codes.map((code) => {
    const inLog = logErrors.get(code) ?? 0;
    const inRun = runErrors.get(code) ?? 0;
    return { what: code, log: inLog, run: inRun, agrees: inLog > 0 === inRun > 0 };
  });

  const disagreements = [...hosts, ...hours, ...errors].filter((row) => !row.agrees).length;
  return { hosts, hours, errors, disagreements };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
