// --start-at: the wall-clock instant that is simulated time 0, shared by every process of
// a run spread over machines (`run --shard`, `kmssim host`), so their compressed clocks
// agree and the hosts' clock-skew check (4 h) sees the clients' times as they are. Pure.

import { KmssimError } from "../core/kmssim-error.js";

export class StartAtError extends KmssimError {
  constructor(message: string) {
    super(message, "KMSSIM_BAD_START_AT");
    this.name = "StartAtError";
  }
}

/** Further ahead than this is a typo, not a plan (and a process waiting that long is forgotten). */
export const MAX_START_AHEAD_MS = 24 * 3600 * 1000;

/**
 * The instant `text` names (ms since the epoch). Throws StartAtError when it is not an
 * ISO 8601 instant, more than 24 h ahead of `nowMs`, or (unless `allowPast`) already past.
 */
export function parseStartAt(text: string, nowMs: number, options: { allowPast: boolean }): number {
  // Date.parse also takes "March 7" and bare numbers; an instant here starts with a date.
  const atMs = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (!Number.isFinite(atMs)) {
    throw new StartAtError(`--start-at: '${text}' is not an ISO 8601 instant; write it like 2026-11-25T18:00:00Z`);
  }
  const aheadMs = atMs - nowMs;
  if (aheadMs > MAX_START_AHEAD_MS) {
    throw new StartAtError(`--start-at ${text} is ${(aheadMs / 3600_000).toFixed(1)} h ahead; give a time at most 24 h from now`);
  }
  if (aheadMs < 0 && !options.allowPast) {
    throw new StartAtError(`--start-at ${text} is ${Math.ceil(-aheadMs / 1000)} s in the past; give a later time`);
  }
  return atMs;
}
