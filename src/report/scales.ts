// Scales and ticks for the report's SVG charts: pure functions from data to pixels.

export interface LinearScale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; an empty domain (d0 = d1) maps everything to r0. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0))) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/**
 * Round axis bounds and ticks covering [0, max]: the top is a multiple of the step, at
 * least max, so every value fits. max ≤ 0 gives the axis [0, 1].
 */
export function niceAxis(max: number, count = 5): { max: number; ticks: number[] } {
  // Values this small are noise (and toFixed cannot print their ticks): draw a 0..1 axis.
  if (!(max > 1e-9) || !Number.isFinite(max)) return { max: 1, ticks: [0, 0.5, 1] };
  const step = niceStep(max, count);
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  // Bounded: top / step ≤ count + a few.
  for (let k = 0; k * step <= top + step * 1e-9; k++) ticks.push(roundTo(k * step, step));
  return { max: top, ticks };
}

/** k × step without float noise (0.30000000000000004 → 0.3). */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(decimals));
}

/**
 * HdrHistogram's percentile axis: x = log10(1 / (1 − p)), so 0 % sits at 0, 90 % at 1,
 * 99 % at 2, 99.9 % at 3. `percentile` in [0, 100); 100 % has no finite position.
 */
export function percentileToX(percentile: number): number {
  if (percentile >= 100) return Number.POSITIVE_INFINITY;
  return Math.log10(100 / (100 - percentile));
}

/** The inverse of percentileToX. */
export function xToPercentile(x: number): number {
  return 100 - 100 / 10 ** x;
}

/** "0%", "90%", "99%", "99.9%", "99.99%" … for the nines 0..n. */
export function percentileTickLabel(nines: number): string {
  if (nines <= 0) return "0%";
  if (nines === 1) return "90%";
  return `99${nines > 2 ? "." + "9".repeat(nines - 2) : ""}%`;
}

/** Short labels for axis numbers: 15000 → "15k", 0.25 → "0.25", 2000000 → "2M". */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** Time axis in the unit that suits the span (days, hours, minutes, seconds). */
export function timeAxis(maxSeconds: number, count = 6): { maxSeconds: number; ticks: { seconds: number; label: string }[] } {
  const units: readonly [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  const [unit, size] = units.find(([, s]) => maxSeconds >= 2 * s) ?? units[units.length - 1];
  const axis = niceAxis(maxSeconds / size, count);
  return {
    maxSeconds: axis.max * size,
    ticks: axis.ticks.map((v) => ({ seconds: v * size, label: `${formatTick(v)}${unit}` })),
  };
}

/**
 * Powers of ten covering [minPositive, max] for a log axis: 0.25..5000 → 0.1..10000.
 * The lowest decade is at least 0.001 (1 µs, the histograms' resolution).
 */
export function logAxis(minPositive: number, max: number): { min: number; max: number; ticks: number[] } {
  const low = Math.max(-3, Math.floor(Math.log10(Math.max(minPositive, 1e-3))));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(max, minPositive, 1e-3)) - 1e-12));
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) ticks.push(Number((10 ** e).toPrecision(1)));
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks };
}

/** A log10 scale over a positive domain; values at or below 0 go to the domain's bottom. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const inner = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  const scale = ((value: number) => inner(Math.log10(Math.max(value, domain[0])))) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}
