// Errors a user can cause (bad scenario, flags, files): a plain message and exit code 2,
// never a stack trace. `code` is stable so scripts and tests can match on it.

export const EXIT = {
  pass: 0,
  thresholdFailed: 1,
  badInput: 2,
  runFailed: 3,
  interrupted: 130,
} as const;

export class UserError extends Error {
  constructor(message: string, readonly code = "KMSSIM_BAD_INPUT", readonly exitCode: number = EXIT.badInput) {
    super(message);
    this.name = "UserError";
  }
}
