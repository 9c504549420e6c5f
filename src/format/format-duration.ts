// Short human durations for the summary: "200d", "3h 20m", "45s", "3.2s", "250ms".

const UNITS: readonly [string, number][] = [
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
];

/**
 * At most the two largest units, the second left out when it is 0: 200 days → "200d",
 * 3 h 20 min 5 s → "3h 20m". Below a minute: whole seconds "45s" or tenths "3.2s";
 * below a second: "250ms".
 */
export function formatDurationShort(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return "-" + formatDurationShort(-seconds);
  if (seconds === 0) return "0s";
  const ms = Math.round(seconds * 1000);
  if (ms < 1000) return `${ms}ms`;
  const tenths = Math.round(seconds * 10) / 10;
  if (tenths < 60) return `${tenths}s`;

  const whole = Math.round(seconds);
  const first = UNITS.findIndex(([, size]) => whole >= size);
  const [unit, size] = UNITS[first];
  const text = `${Math.floor(whole / size)}${unit}`;
  if (first === UNITS.length - 1) return text;
  const [nextUnit, nextSize] = UNITS[first + 1];
  const next = Math.floor((whole % size) / nextSize);
  return next === 0 ? text : `${text} ${next}${nextUnit}`;
}
