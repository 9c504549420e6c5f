// Problems with what the user asked compare to do (limits, globs, histograms in a file).
// Exit 2 with the message as is; `code` is stable for scripts.

import { KmssimError, type KmssimErrorCode } from "../core/kmssim-error.js";

export type CompareErrorCode = Extract<KmssimErrorCode, "KMSSIM_BAD_LIMIT" | "KMSSIM_BAD_METRIC" | "KMSSIM_BAD_HISTOGRAM">;

export class CompareError extends KmssimError {
  declare readonly code: CompareErrorCode;

  constructor(message: string, code: CompareErrorCode) {
    super(message, code);
    this.name = "CompareError";
  }
}
