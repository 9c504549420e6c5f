// Which domains each host registers its own SRV record in (design.md, "Discovery"): its
// publish list, unless publishing is off for the whole scenario (`dns.publish: manual`)
// or for that host alone (`publish: false`, like `slmgr /cdns` on one machine). Both
// drivers' publishers read it from here.

import type { Scenario } from "./model.js";

/** Per scenario host, the domains it publishes into (empty: it publishes nothing). */
export function publishLists(scenario: Pick<Scenario, "dns" | "hosts">): string[][] {
  return scenario.hosts.map((host) => (scenario.dns.publish === "auto" && host.publish ? [...host.publishDomains] : []));
}
