// Shard results that cannot be added up: a plain sentence naming the files (exit 2).

export class MergeError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "MergeError";
  }
}
