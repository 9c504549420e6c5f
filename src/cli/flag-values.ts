// Reading flag values that share a format with the scenario file (durations, DNS names):
// the scenario's own parsers, with their message turned into a user error naming the flag.

import { checkedName } from "../dns/names.js";
import { parseDurationMs } from "../scenario/duration.js";
import { KmssimError } from "../core/kmssim-error.js";

/** `90s`, `1h`, `14d` in ms; exit 2 naming `flag` when it is not a duration. */
export function durationFlag(flag: string, text: string): number {
  try {
    return parseDurationMs(text);
  } catch (error) {
    throw new KmssimError(`${flag}: ${(error as Error).message}`);
  }
}

/** A DNS name, lower case without the trailing dot; exit 2 when it is not one. */
export function nameFlag(flag: string, text: string): string {
  try {
    return checkedName(text, flag);
  } catch (error) {
    throw new KmssimError((error as Error).message);
  }
}
