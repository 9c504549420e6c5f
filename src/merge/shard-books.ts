// The identities every shard result keeps (build-result.ts), checked before a merge adds
// it: a hand-edited or cut shard whose counts no longer balance would give a merged
// result of no run at all. Only rules that hold for real results are checked, including
// interrupted and incomplete ones (those may end their timeline before the run's end).
// Call after the result schema (results/result-schema.ts): every count here is already a whole number ≥ 0.

import type { Result } from "../results/result.js";

/** The first identity `result` breaks, as `path: what was expected`; null when its books balance. */
export function shardBooksProblem(result: Result): string | null {
  return clientsProblem(result) ?? rpcProblem(result) ?? (result.shard?.externalHosts === true ? null : hostsProblem(result)) ?? timelineProblem(result);
}

function clientsProblem({ clients: c }: Result): string | null {
  if (c.activated + c.notActivated !== c.total) return `clients: activated ${c.activated} + notActivated ${c.notActivated} should be total ${c.total}`;
  const statuses = c.licensed + c.unlicensed + c.initialGrace + c.outOfToleranceGrace;
  if (statuses !== c.total) return `clients: licensed + unlicensed + initialGrace + outOfToleranceGrace (${statuses}) should be total ${c.total}`;
  if (c.licensed > c.activated) return `clients.licensed: ${c.licensed} should be at most activated ${c.activated}`;
  return null;
}

function rpcProblem(result: Result): string | null {
  const inFlight = result.clients.inFlightAtEnd;
  let unanswered = 0;
  for (const kind of ["activation", "renewal"] as const) {
    const k = result.rpc[kind];
    // An RPC sent has an outcome (ok or failed) or is still in flight at the end.
    if (k.ok + k.failed > k.sent) return `rpc.${kind}: ok ${k.ok} + failed ${k.failed} should be at most sent ${k.sent}`;
    unanswered += k.sent - k.ok - k.failed;
    const byCode = sumValues(k.errors);
    if (byCode !== k.failed) return `rpc.${kind}.errors: the counts by code (${byCode}) should add up to failed ${k.failed}`;
  }
  if (unanswered > inFlight) return `rpc: ${unanswered} RPCs sent without ok or failed, but clients.inFlightAtEnd is ${inFlight}`;
  // No bound of clients.activated by rpc.activation.ok: a client that starts licensed (startLicensed) is activated with no RPC.
  if (result.dns.failed > result.dns.queries) return `dns.failed: ${result.dns.failed} should be at most queries ${result.dns.queries}`;
  return null;
}

/** The hosts of a shard run in-process; with --external-hosts they are placeholders (skipped). */
function hostsProblem(result: Result): string | null {
  for (const [k, h] of result.hosts.entries()) {
    const path = `hosts[${k}]`;
    if (h.activations + h.renewals !== h.requests) return `${path}: activations ${h.activations} + renewals ${h.renewals} should be requests ${h.requests}`;
    if (h.dlv.total !== h.requests) return `${path}.dlv.total: ${h.dlv.total} should be requests ${h.requests}`;
    if (h.dlv.failed > h.dlv.total) return `${path}.dlv.failed: ${h.dlv.failed} should be at most total ${h.dlv.total}`;
    const byState = h.dlv.licensed + h.dlv.initialGrace + h.dlv.outOfToleranceGrace + h.dlv.notification;
    if (byState !== h.dlv.total) return `${path}.dlv: requests by client state (${byState}) should add up to total ${h.dlv.total}`;
  }
  return null;
}

/**
 * A whole timeline: cumulative counts never fall; a run that ended normally has its last
 * sample at its end, with its activated clients, and its intervals' requests add up to
 * each host's. An interrupted or incomplete run may stop short, never beyond.
 */
function timelineProblem(result: Result): string | null {
  const timeline = result.timeline;
  for (let k = 0; k < timeline.length; k++) {
    const s = timeline[k];
    if (s.licensed > s.activated) return `timeline[${k}].licensed: ${s.licensed} should be at most activated ${s.activated}`;
    if (k > 0 && s.activated < timeline[k - 1].activated)
      return `timeline[${k}].activated: ${s.activated} should not fall below the sample before (${timeline[k - 1].activated})`;
  }
  const cut = result.interrupted === true || result.incomplete !== undefined;
  const last = timeline[timeline.length - 1];
  const lastT = last?.t ?? 0;
  const lastActivated = last?.activated ?? 0;
  if (!cut && (last === undefined || Math.abs(lastT - result.simulatedSeconds) > 1e-6)) {
    return `timeline: should run to the end of the run (simulatedSeconds ${result.simulatedSeconds}), but its last sample is at ${last === undefined ? "none" : lastT}: the timeline was cut short`;
  }
  if (lastT > result.simulatedSeconds + 1e-6)
    return `timeline: its last sample (${lastT}) is after the end of the run (simulatedSeconds ${result.simulatedSeconds})`;
  if (cut ? lastActivated > result.clients.activated : lastActivated !== result.clients.activated) {
    return `timeline[${timeline.length - 1}].activated: ${lastActivated} should ${cut ? "be at most" : "be"} clients.activated ${result.clients.activated}`;
  }
  if (result.shard?.externalHosts === true) return null;
  for (const [k, h] of result.hosts.entries()) {
    let sum = 0;
    for (const s of timeline) sum += s.hostRequests[h.name] ?? 0;
    if (cut ? sum > h.requests : sum !== h.requests) {
      return `timeline: the intervals' hostRequests of '${h.name}' add up to ${sum}, but hosts[${k}].requests is ${h.requests}${cut ? "" : ": a sample is missing or changed"}`;
    }
  }
  return null;
}

function sumValues(counts: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const n of Object.values(counts)) sum += n;
  return sum;
}
