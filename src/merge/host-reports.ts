// The hosts' own counts (`kmssim host --out`) in a merge of --external-hosts shards: what
// only a host counts (its dlv counters, CMID counts, low-count alert, lost and late
// answers, requests it read, state) replaces the fleet's side of it. Checked first: the
// reports belong to the shards' scenario and seed, and cover every host exactly once.

import { HOST_COUNTER_KEYS } from "../core/host/host-logic.js";
import { HOST_REPORT_SCHEMA, type HostReport, type HostSelfCount } from "../output/host-report.js";
import { jsonSyntaxProblem } from "../output/json-problem.js";
import type { Result } from "../output/result.js";
import type { HostTotals } from "../run/run-totals.js";
import { MergeError } from "./merge-error.js";

export interface HostReportInput {
  file: string;
  report: HostReport;
}

const STATES = ["up", "hung", "down", "decommissioned"];
const COUNTS = ["requests", "activations", "renewals", "unanswered", "lost", "late"] as const;

/** Parses a host report's text; MergeError naming the file and field when it is not one. */
export function parseHostReport(text: string, file: string): HostReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MergeError(`'${file}' is not JSON (${jsonSyntaxProblem(err, text)}); expected what \`kmssim host --out\` writes`, "KMSSIM_BAD_HOST_REPORT");
  }
  const bad = (why: string): MergeError => new MergeError(`'${file}' is not a ${HOST_REPORT_SCHEMA} host report (\`kmssim host --out\`): ${why}`, "KMSSIM_BAD_HOST_REPORT");
  const r = value as Partial<HostReport> | null;
  if (typeof r !== "object" || r === null || r.schema !== HOST_REPORT_SCHEMA) throw bad(`"schema" should be "${HOST_REPORT_SCHEMA}"`);
  if (typeof r.scenario !== "string" || typeof r.seed !== "number") throw bad("scenario and seed are missing");
  if (!Array.isArray(r.hosts)) throw bad("hosts should be a list");
  r.hosts.forEach((h: Partial<HostSelfCount> | null, k) => {
    const where = `hosts[${k}]`;
    if (typeof h !== "object" || h === null || typeof h.name !== "string") throw bad(`${where}.name is missing`);
    for (const key of COUNTS) if (!isCount(h[key])) throw bad(`${where}.${key} should be a count`);
    if (typeof h.dlv !== "object" || h.dlv === null || !HOST_COUNTER_KEYS.every((key) => isCount(h.dlv![key]))) throw bad(`${where}.dlv should hold the six dlv counters`);
    if (typeof h.count !== "object" || h.count === null || !Object.values(h.count).every(isCount)) throw bad(`${where}.count should be counts by product`);
    if (!Array.isArray(h.lowCount) || !h.lowCount.every((p) => typeof p === "string")) throw bad(`${where}.lowCount should be a list of products`);
    if (!STATES.includes(h.state as string)) throw bad(`${where}.state should be one of ${STATES.join(", ")}`);
  });
  return r as HostReport;
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
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
      if (!totals.some((t) => t.name === host.name)) throw new MergeError(`'${file}' counts a host '${host.name}' the shards do not have`, "KMSSIM_HOSTS_OTHER_RUN");
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
      state: host.state,
    };
  });
}
