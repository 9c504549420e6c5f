// Host metrics only the hosts count (their `slmgr /dlv` counters, CMID counts, alert,
// lost and late answers, state): a fleet whose hosts run elsewhere (`--external-hosts`)
// never sees them, so thresholds on them need the hosts' own report.

/** Fields under `hosts.<name>.` that only the host itself counts. */
const HOST_SIDE_FIELDS = /^(dlv|products|count|lowCount|unanswered|lost|late|state)(\.|$)/;

/** The metrics among `thresholds` that only the hosts count. */
export function hostSideThresholds(thresholds: readonly { metric: string }[], hostNames: readonly string[]): string[] {
  const names = [...hostNames].sort((a, b) => b.length - a.length);
  return thresholds
    .map((t) => t.metric)
    .filter((metric) => {
      if (!metric.startsWith("hosts.")) return false;
      const rest = metric.slice("hosts.".length);
      const name = names.find((n) => rest.startsWith(`${n}.`));
      return name !== undefined && HOST_SIDE_FIELDS.test(rest.slice(name.length + 1));
    });
}
