// One event of an exported KMS log, before its Info string is read: where it is in the file
// (for messages), its id, when it was logged, on which computer, and its Info string.

import { formatCount } from "../format/format-number.js";

export interface RawEvent {
  /** The file it came from and the line its record starts on (1-based). */
  file: string;
  line: number;
  eventId: number;
  /** When the computer logged it (ms since 1970, as written: only differences matter). */
  timeMs: number;
  /** The computer that logged it (the KMS host for 12290, the client for 12288/12289). */
  computer: string;
  /** The event's Info string (the comma-separated fields). */
  info: string;
}

/** A file kmssim cannot read as an event-log export: where and why. */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = "ImportError";
  }
}

/**
 * Events `kmssim import` reads from all its exports together: one full 256 MiB export of
 * flattened events (~180 bytes each; a Message export holds ~500,000), and few enough that
 * a file of tiny rows is refused before it exhausts the heap. Readers count while they parse.
 */
export const MAX_IMPORT_EVENTS = 1_500_000;

export function tooManyEvents(file: string, line: number): ImportError {
  return new ImportError(
    file,
    line,
    `more than ${formatCount(MAX_IMPORT_EVENTS)} events in the exports together, the most kmssim import reads: export a shorter span of the log`,
  );
}
