// The client audit for people (a table and a verdict) and for scripts (JSON), like discover's.

import { fitTable } from "../format/fit-width.js";
import { formatCount, formatPercent } from "../format/format-number.js";
import { AUDIT_SHARE_TOLERANCE_PP, type ClientAudit } from "./client-audit.js";

export function renderAuditJson(audit: ClientAudit): string {
  // Shares rounded to 1e-6, as discover --json writes them.
  return `${JSON.stringify(audit, (_key, value: unknown) => (typeof value === "number" && !Number.isInteger(value) ? Number(value.toFixed(6)) : value), 2)}\n`;
}

export function renderAuditText(audit: ClientAudit, srvFile: string | undefined, width: number): string {
  const domains = audit.domains.map(
    (d) => `${d.domain || "(no domain)"} ${formatCount(d.requests)}${srvFile !== undefined && !d.promised ? " (no records)" : ""}`,
  );
  const rows = audit.hosts.map((h) => [
    h.host,
    formatCount(h.requests),
    formatCount(h.clients),
    formatPercent(h.share),
    h.promisedShare === null ? "-" : formatPercent(h.promisedShare),
    h.verdict === "agrees" || h.verdict === "no promise" ? "" : h.verdict,
  ]);
  const verdict =
    srvFile === undefined
      ? "  no SRV records given: --srv fleet.yaml (a scenario) or --srv srv.json (kmssim discover --json) compares the shares with their promise"
      : audit.disagreements === 0
        ? `  every host's share is as ${srvFile} promises (within ${AUDIT_SHARE_TOLERANCE_PP} pp or 3 σ over the clients seen)`
        : `  ${audit.disagreements} ${audit.disagreements === 1 ? "host differs" : "hosts differ"} from what ${srvFile} promises ` +
          `(by more than ${AUDIT_SHARE_TOLERANCE_PP} pp and 3 σ over the clients seen): clients pinned with slmgr /skms, ` +
          "records changed since, or a host that failed so clients cached another";
  return [
    `kmssim: ${formatCount(audit.requests)} requests clients sent (event 12288) from ${formatCount(audit.clients)} clients; by domain: ${domains.join(", ")}`,
    "",
    ...fitTable([["host (server:port)", "requests", "clients", "share", "promised", ""], ...rows], {
      width,
      indent: 2,
      align: ["left", "right", "right", "right", "right", "left"],
    }),
    "  (promised: the win7 first-choice share of the SRV records of each client's domain, weighted by its domain's requests)",
    "",
    verdict,
    "",
  ].join("\n");
}
