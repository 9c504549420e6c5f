// Things in a valid scenario that are most likely not what the user meant: the run goes
// ahead, `validate` and `run` say so on stderr (with line:column). They read the
// normalised scenario, so every default is in.

import type { PathSegment } from "./positions.js";
import type { Scenario } from "./model.js";
import { hostOfTarget, recordDomainOf, scenarioZones, targetFqdn } from "./srv-target.js";

export interface ScenarioWarning {
  path: PathSegment[];
  message: string;
}

export function scenarioWarnings(scenario: Scenario): ScenarioWarning[] {
  return unansweredTargets(scenario);
}

/** A hand-made record whose target no host of the run answers: every client that picks it fails over (0x800706BA). */
function unansweredTargets(scenario: Scenario): ScenarioWarning[] {
  const zones = scenarioZones(scenario);
  const hostNames = scenario.hosts.map((h) => h.name);
  return scenario.dns.records.flatMap((record, i): ScenarioWarning[] => {
    const fqdn = targetFqdn(record.target, recordDomainOf(record.name));
    if (hostOfTarget(fqdn, zones, hostNames) >= 0) return [];
    return [
      {
        path: ["dns", "records", i, "target"],
        message:
          `no host answers '${fqdn}': it is no host of the scenario (${hostNames.join(", ")}) in any zone of the run ` +
          `(${zones.join(", ")}), so clients that pick this record cannot reach it (0x800706BA) and fail over`,
      },
    ];
  });
}
