// The hosts' own counts (`kmssim host --out`) in a merge of --external-hosts shards: what
// only a host counts (its dlv counters, CMID counts, low-count alert, lost and late
// answers, requests it read, state) replaces the fleet's side of it. Checked first: the
// reports belong to the shards' scenario and seed, and cover every host exactly once.

import { HOST_REPORT_SCHEMA, hostReportSchema, type HostReport, type HostSelfCount } from "../results/host-report.js";
import { jsonSyntaxProblem } from "../files/json-problem.js";
import type { Result } from "../results/result.js";
import { shapeProblem } from "../results/shape-problem.js";
import type { HostTotals } from "../results/run-totals.js";
import { MergeError } from "./merge-error.js";

export interface HostReportInput {
  file: string;
  report: HostReport;
}

/** Parses a host report's text; MergeError naming the file and the first bad field when it is not one. */
export function parseHostReport(text: string, file: string): HostReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MergeError(`'${file}' is not JSON (${jsonSyntaxProblem(err, text)}); expected what \`kmssim host --out\` writes`, "KMSSIM_BAD_HOST_REPORT");
  }
  const problem = shapeProblem(hostReportSchema, value);
  if (problem !== null)
    throw new MergeError(`'${file}' is not a ${HOST_REPORT_SCHEMA} host report (${problem}); give what \`kmssim host --out\` writes`, "KMSSIM_BAD_HOST_REPORT");
  return value as HostReport;
}

/** The merged hosts with the hosts' own counts put in; MergeError when the reports do not fit the shards. */
export function withHostReports(totals: readonly HostTotals[], reports: readonly HostReportInput[], run: Result): HostTotals[] {
  const byName = new Map<string, { file: string; host: HostSelfCount }>();
  for (const { file, report } of reports) {
    if (report.scenario !== run.scenario || report.seed !== run.seed) {
      throw new MergeError(
        `'${file}' counts the hosts of scenario '${report.scenario}' seed ${report.seed}, but the shards ran '${run.scenario}' seed ${run.seed}`,
        "KMSSIM_HOSTS_OTHER_RUN",
      );
    }
    for (const host of report.hosts) {
      if (!totals.some((t) => t.name === host.name))
        throw new MergeError(`'${file}' counts a host '${host.name}' the shards do not have`, "KMSSIM_HOSTS_OTHER_RUN");
      const seen = byName.get(host.name);
      if (seen !== undefined) throw new MergeError(`host '${host.name}' is counted twice: in '${seen.file}' and '${file}'`, "KMSSIM_HOSTS_TWICE");
      byName.set(host.name, { file, host });
    }
  }
  const missing = totals.filter((t) => !byName.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw new MergeError(`no host report counts ${missing.join(", ")}: give the --out file of every kmssim host process`, "KMSSIM_HOSTS_MISSING");
  }
  return totals.map((t) => {
    const { host } = byName.get(t.name)!;
    return {
      ...t,
      requests: host.requests,
      activations: host.activations,
      renewals: host.renewals,
      unanswered: host.unanswered,
      lost: host.lost,
      late: host.late,
      dlv: { ...host.dlv },
      count: { ...host.count },
      lowCount: [...host.lowCount],
      ...(host.products === undefined ? {} : { products: host.products.map((p) => ({ ...p, dlv: { ...p.dlv }, errors: { ...p.errors } })) }),
      state: host.state,
    };
  });
}
