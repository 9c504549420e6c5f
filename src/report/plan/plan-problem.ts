// Whether a parsed kmssim/plan@1 file holds what the plan report draws: the first thing
// missing or of the wrong type, or null. Numbers inside the intervals are checked again
// where they are drawn (a null or odd value is shown as "–", not drawn).

import { PLAN_SCHEMA } from "../../capacity/plan-report.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const numbers = (v: unknown): boolean => Array.isArray(v) && v.every(isNumber);

function isPoint(p: unknown): boolean {
  if (!isObject(p)) return false;
  return (
    isNumber(p.hosts) &&
    isNumber(p.clients) &&
    isNumber(p.runs) &&
    typeof p.complete === "boolean" &&
    typeof p.pass === "boolean" &&
    numbers(p.thresholdPasses) &&
    isObject(p.p99ActivationMs) &&
    isObject(p.allActivatedHours) &&
    isObject(p.maxShareDeviation)
  );
}

export function planProblem(value: unknown): string | null {
  if (!isObject(value)) return "it is not a JSON object";
  const r = value;
  if (r.schema !== PLAN_SCHEMA) return `its "schema" is ${JSON.stringify(r.schema) ?? "missing"}, expected "${PLAN_SCHEMA}"`;
  const checks: [boolean, string][] = [
    [typeof r.scenario === "string", '"scenario" should be a string'],
    [numbers(r.hostCounts), '"hostCounts" should be a list of numbers'],
    [numbers(r.fleetSizes), '"fleetSizes" should be a list of numbers'],
    [isNumber(r.replications) && isNumber(r.confidence), '"replications" and "confidence" should be numbers'],
    [
      Array.isArray(r.thresholds) && r.thresholds.every((t) => isObject(t) && typeof t.metric === "string"),
      '"thresholds" should be a list of thresholds with metrics',
    ],
    [Array.isArray(r.points) && r.points.every(isPoint), '"points" should be a list of points (hosts, clients, runs, thresholdPasses and the three intervals)'],
    [
      Array.isArray(r.recommendations) && r.recommendations.every((x) => isObject(x) && isNumber(x.clients)),
      '"recommendations" should be a list with "clients"',
    ],
  ];
  return checks.find(([ok]) => !ok)?.[1] ?? null;
}
