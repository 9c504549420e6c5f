// The slices' totals and the hosts' own books merged into one run's totals, exactly (the
// same shape the virtual engine produces).

import type { FleetEventRecord, TimelineSample } from "../results/result.js";
import type { FleetPlan } from "../fleet-plan/fleet-plan.js";
import { OutcomeStats } from "../results/outcome-stats.js";
import { GroupTally } from "../results/group-tally.js";
import { LatencyRecorder } from "../results/latency-recorder.js";
import type { GroupTotals, HostTotals, RunTotals } from "../results/run-totals.js";
import { newHostCounters } from "../core/host/host-logic.js";
import type { SliceTotalsWire } from "./fleet/slice-wire.js";
import type { HostRunBooks } from "./services/host-services.js";

/** Adds a slice's per-endpoint counts into `sum`, index by index. */
function addInto(sum: number[], counts: readonly number[]): void {
  counts.forEach((n, k) => (sum[k] = (sum[k] ?? 0) + n));
}

/**
 * @param hostBooks per endpoint, the host's own books (null: no listener in this run); null
 *   altogether when the hosts ran elsewhere or their thread died: the clients' view stands in.
 */
export function mergeTotals(
  plan: FleetPlan,
  clientsTotal: number,
  nowMs: number,
  slices: readonly SliceTotalsWire[],
  hostBooks: readonly (HostRunBooks | null)[] | null,
  events: FleetEventRecord[],
  timeline: TimelineSample[],
): RunTotals & { illegalInputs: number } {
  const activation = new OutcomeStats();
  const renewal = new OutcomeStats();
  const dns = new OutcomeStats();
  const activationTimes = new LatencyRecorder();
  const attemptErrors = new Map<number, number>();
  const byStatus = [0, 0, 0, 0];
  const groups: GroupTotals[] = plan.scenario.clients.map((group) => ({ name: group.name, byStatus: [0, 0, 0, 0], tally: new GroupTally() }));
  const endpoints = plan.dns.endpoints.length;
  const expected = new Array<number>(endpoints).fill(0);
  const refused = new Array<number>(endpoints).fill(0);
  const answered = new Array<number>(endpoints).fill(0);
  const reset = new Array<number>(endpoints).fill(0);
  const timedOut = new Array<number>(endpoints).fill(0);
  const sent = new Array<number>(endpoints).fill(0);
  const renewalsSent = new Array<number>(endpoints).fill(0);
  let activated = 0;
  let inFlight = 0;
  let failovers = 0;
  let rediscoveries = 0;
  let illegalInputs = 0;
  for (const s of slices) {
    activation.addWire(s.activation);
    renewal.addWire(s.renewal);
    dns.addWire(s.dns);
    for (const [code, n] of s.attemptErrors) attemptErrors.set(code, (attemptErrors.get(code) ?? 0) + n);
    s.byStatus.forEach((n, k) => (byStatus[k] += n));
    s.groups.forEach((wire, g) => groups[g].tally.addWire(wire));
    s.groupStatus.forEach((counts, g) => addInto(groups[g].byStatus as number[], counts));
    addInto(expected, s.expectedRequests);
    addInto(refused, s.refusedBy);
    addInto(answered, s.answeredBy);
    addInto(reset, s.resetBy);
    addInto(timedOut, s.timedOutBy);
    addInto(sent, s.sentBy);
    addInto(renewalsSent, s.renewalsSentBy);
    activated += s.activatedClients;
    activationTimes.add(LatencyRecorder.decode(s.activationTimesHistogram));
    inFlight += s.inFlight;
    failovers += s.failovers;
    rediscoveries += s.rediscoveries;
    illegalInputs += s.illegalInputs;
  }
  const hosts: HostTotals[] = [];
  if (hostBooks === null) {
    plan.dns.endpoints.forEach((endpoint, k) => {
      if (endpoint.hostIndex < 0) return;
      hosts.push(hostSeenByClients(endpoint.name, k, { sent, renewalsSent, refused, reset, answered, timedOut, expected }));
    });
  }
  hostBooks?.forEach((self, k) => {
    if (self === null) return;
    const { resetAfterRead, ...own } = self;
    hosts.push({
      ...own,
      // Refused: ECONNREFUSED, plus connections the crash reset before the host read
      // their request (still in the kernel's accept queue, or accepted but unread). The
      // resets of requests it had read (queued or lost: lost; held by a hang: unanswered,
      // as in virtual mode) are already counted: exactly those are taken off.
      refused: refused[k] + Math.max(0, reset[k] - resetAfterRead),
      expectedRequests: expected[k],
      clientAnswered: answered[k],
      clientTimedOut: timedOut[k],
    });
  });
  return {
    scenario: plan.scenario,
    mode: "realtime",
    nowMs,
    clientsTotal,
    activatedClients: activated,
    activationTimes,
    byStatus,
    attemptErrors,
    inFlight,
    activation,
    renewal,
    dns,
    groups,
    hosts,
    failovers,
    rediscoveries,
    events,
    timeline,
    illegalInputs,
  };
}

/**
 * A host as this run's clients saw it (it runs elsewhere, `kmssim host`, or its thread
 * died): what they sent it, and how it went. The host's own books (its /dlv counters, counts
 * per product, requests it lost or answered late) are not known here: zeros, and state "up"
 * since this run does not know it.
 */
function hostSeenByClients(
  name: string,
  k: number,
  by: { sent: number[]; renewalsSent: number[]; refused: number[]; reset: number[]; answered: number[]; timedOut: number[]; expected: number[] },
): HostTotals {
  const at = (counts: number[]): number => counts[k] ?? 0;
  return {
    name,
    requests: at(by.sent),
    activations: at(by.sent) - at(by.renewalsSent),
    renewals: at(by.renewalsSent),
    // Refused, or reset before an answer: the clients cannot tell which the host read.
    refused: at(by.refused) + at(by.reset),
    unanswered: 0,
    lost: 0,
    late: 0,
    state: "up",
    dlv: newHostCounters(),
    count: {},
    lowCount: [],
    expectedRequests: at(by.expected),
    clientAnswered: at(by.answered),
    clientTimedOut: at(by.timedOut),
  };
}
