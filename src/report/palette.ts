// Colours for series: distinguishable, colour-blind friendly (Okabe–Ito based), dark enough
// on white for thin lines.

const SERIES = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8a7a00", "#6a3d9a", "#555555"];

/** Colour of the k-th series (hosts keep their colour in every chart). */
export function seriesColor(index: number): string {
  return SERIES[((index % SERIES.length) + SERIES.length) % SERIES.length];
}

export const LATENCY_COLOR = { activation: "#0072b2", renewal: "#d55e00", dns: "#009e73" } as const;

/** Event markers: bad news red, good news green, the rest amber or grey. */
export function eventColor(action: string): string {
  if (/^(crash|hang|decommission|down|publish-failed)$/.test(action)) return "#c0392b";
  if (/^(recover|up|published)$/.test(action)) return "#1e8449";
  if (action === "slow") return "#b9770e";
  return "#6b6b6b";
}
