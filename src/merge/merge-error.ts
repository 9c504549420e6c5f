// Shard results that cannot be added up: a plain sentence naming the files (exit 2).

import { KmssimError, type KmssimErrorCode } from "../core/kmssim-error.js";

export class MergeError extends KmssimError {
  constructor(message: string, code: KmssimErrorCode) {
    super(message, code);
    this.name = "MergeError";
  }
}
