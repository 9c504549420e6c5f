// The time an export writes for an event: ISO 8601 (wevtutil's SystemTime, or `ToString('o')`
// in PowerShell) or Export-Csv's en-US default "11/30/2026 10:00:00 AM"; also "2026/11/30
// 10:00" as the KMS events write client timestamps. A time without a zone is read as UTC:
// only differences between events matter, and they are the same in any one zone.

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?$/i;
const YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** ms since 1970, or null for a time in no form above (or no real date). */
export function parseEventTime(text: string): number | null {
  const t = text.trim();
  let m = ISO.exec(t);
  if (m !== null) {
    // Fractions past milliseconds (wevtutil writes 100 ns ticks) are dropped.
    const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
    const base = utc(+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0));
    return base === null ? null : base + ms - zoneOffsetMs(m[8]);
  }
  m = US.exec(t);
  if (m !== null) {
    let hour = +m[4];
    const half = m[7]?.toUpperCase();
    if (half !== undefined) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (half === "PM" ? 12 : 0);
    }
    return utc(+m[3], +m[1], +m[2], hour, +m[5], +(m[6] ?? 0));
  }
  m = YMD.exec(t);
  if (m !== null) return utc(+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0));
  return null;
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): number | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // 31 February rolls over into March: not a date.
  return new Date(ms).getUTCDate() === day ? ms : null;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
