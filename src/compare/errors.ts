// Problems with what the user asked compare to do (limits, globs, histograms in a file).
// The command turns them into exit 2 with the message as is; `code` is stable for scripts.

export type CompareErrorCode = "COMPARE_BAD_LIMIT" | "COMPARE_BAD_METRIC" | "COMPARE_BAD_HISTOGRAM";

export class CompareError extends Error {
  constructor(
    message: string,
    readonly code: CompareErrorCode,
  ) {
    super(message);
    this.name = "CompareError";
  }
}
