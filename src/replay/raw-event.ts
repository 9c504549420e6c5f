// One event of an exported KMS log, before its Info string is read: where it is in the file
// (for messages), its id, when it was logged, on which computer, and its Info string.

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
