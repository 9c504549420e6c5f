// Numbers for the text summary: counts grouped by thousands, latencies to µs at most.

/** 1234567 → "1,234,567"; non-integers keep up to 3 decimals. Locale-independent. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole, fraction] = String(Math.round(Math.abs(n) * 1000) / 1000).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ",");
  return (n < 0 ? "-" : "") + grouped + (fraction === undefined ? "" : "." + fraction);
}

/** Milliseconds with as many decimals as are meaningful: 0.512, 3.10, 45.2, 1250. */
export function formatMs(ms: number): string {
  if (ms < 10) return ms.toFixed(3);
  if (ms < 100) return ms.toFixed(2);
  if (ms < 1000) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** A fraction as a percentage with one decimal: 0.5123 → "51.2%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A difference of fractions in percentage points, signed: 0.012 → "+1.2pp". */
export function formatPoints(delta: number): string {
  const points = (delta * 100).toFixed(1);
  if (points === "-0.0" || points === "0.0") return "+0.0pp";
  return (points.startsWith("-") ? "" : "+") + points + "pp";
}

/** A time scale as users write it: "86,400×", "41,000×" (whole numbers), "0.5×". */
export function formatScale(scale: number): string {
  return `${scale >= 10 ? formatCount(Math.round(scale)) : String(Math.round(scale * 100) / 100)}×`;
}

/** A rate as people read it: "1,250", "83.4", "6.92", "0.0087" (two significant digits below 1). */
export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return formatCount(Math.round(perSecond));
  if (perSecond >= 1) return perSecond.toPrecision(3);
  if (perSecond === 0) return "0";
  return String(Number(perSecond.toPrecision(2)));
}

/** A size in binary units: "512 B", "1.5 KiB", "66 KiB", "2.0 GiB" (one decimal below 10). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
