// The errors kmssim ends with: one base class whose `code` is stable (scripts match on it,
// as on undici's UND_ERR_* codes) and whose exit code follows from the code, here and
// nowhere else. Every code is one kind of failure; README lists them. Pure.

/** Exit codes of the program (design.md). */
export const EXIT = {
  pass: 0,
  thresholdFailed: 1,
  badInput: 2,
  runFailed: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BAD_INPUT = EXIT.badInput;
const RUN_FAILED = EXIT.runFailed;

/** Every code, the exit code it ends the program with, and what went wrong (README's table). */
export const KMSSIM_ERRORS = {
  KMSSIM_USAGE: { exit: BAD_INPUT, means: "the command line is incomplete: unknown command or flag, a missing file or flag" },
  KMSSIM_BAD_INPUT: { exit: BAD_INPUT, means: "a flag value is wrong (the message names the flag)" },
  KMSSIM_BAD_DURATION: { exit: BAD_INPUT, means: "a duration flag is not a duration like 30s, 2h or 7d" },
  KMSSIM_BAD_SHARD: { exit: BAD_INPUT, means: "--shard is not i/N within the fleet" },
  KMSSIM_BAD_START_AT: { exit: BAD_INPUT, means: "--start-at is not an ISO 8601 instant within the next 24 h" },
  KMSSIM_BAD_SCENARIO: { exit: BAD_INPUT, means: "the scenario file cannot be read or has problems (all listed, with line:column)" },
  KMSSIM_BAD_EXPORT: { exit: BAD_INPUT, means: "an event-log export kmssim import cannot read (the message gives the file, the line and why)" },
  KMSSIM_TOO_BIG: { exit: BAD_INPUT, means: "the fleet does not fit this machine's memory" },
  KMSSIM_TOO_LONG: { exit: BAD_INPUT, means: "a realtime run would last more than 7 days of wall time (--allow-long-run)" },
  KMSSIM_NOT_LOOPBACK: { exit: BAD_INPUT, means: "the run would send to an address beyond loopback that --allow-address does not name" },
  KMSSIM_NOT_AN_ADDRESS: { exit: BAD_INPUT, means: "--listen or --metrics-listen names an address this machine does not have" },
  KMSSIM_BAD_KEY_FILE: { exit: BAD_INPUT, means: "a TSIG key file cannot be read or is not a key file" },
  KMSSIM_BAD_ZONE_FILE: { exit: BAD_INPUT, means: "a zone file cannot be read or has problems" },
  KMSSIM_BAD_RESULT: { exit: BAD_INPUT, means: "a result or plan file (compare, merge, report) cannot be read or is not one kmssim wrote" },
  KMSSIM_BAD_HISTOGRAM: { exit: BAD_INPUT, means: "a latency histogram in a result file cannot be decoded" },
  KMSSIM_BAD_LIMIT: { exit: BAD_INPUT, means: "compare --max-regression is not a limit like 10% or p99=5%" },
  KMSSIM_BAD_METRIC: { exit: BAD_INPUT, means: "compare --metric is not a usable glob" },
  KMSSIM_NOT_A_SHARD: { exit: BAD_INPUT, means: "merge was given a result that is not a shard (`run --shard i/N`)" },
  KMSSIM_BROKEN_SHARD: { exit: BAD_INPUT, means: "a shard result is incomplete or does not add up (changed after kmssim wrote it)" },
  KMSSIM_DIFFERENT_RUNS: { exit: BAD_INPUT, means: "merge was given shards of different runs (scenario, seed, mode or fleet size differ)" },
  KMSSIM_DIFFERENT_HOSTS: { exit: BAD_INPUT, means: "merge was given shards whose hosts differ" },
  KMSSIM_CLIENTS_MISMATCH: { exit: BAD_INPUT, means: "the shards' clients do not add up to their run's fleet" },
  KMSSIM_DUPLICATE_SHARD: { exit: BAD_INPUT, means: "merge was given the same shard twice" },
  KMSSIM_MISSING_SHARD: { exit: BAD_INPUT, means: "merge was not given every shard of the run" },
  KMSSIM_BAD_THRESHOLD: { exit: BAD_INPUT, means: "a shard carries a threshold kmssim cannot evaluate" },
  KMSSIM_BAD_HOST_REPORT: { exit: BAD_INPUT, means: "a host report (merge --hosts) cannot be read or is not one `kmssim host --out` wrote" },
  KMSSIM_NEEDS_HOSTS: { exit: BAD_INPUT, means: "--external-hosts shards judge host-side thresholds: merge needs --hosts" },
  KMSSIM_HOSTS_NOT_EXTERNAL: { exit: BAD_INPUT, means: "merge --hosts was given for shards that ran their own hosts" },
  KMSSIM_HOSTS_OTHER_RUN: { exit: BAD_INPUT, means: "a host report counts hosts of another run" },
  KMSSIM_HOSTS_TWICE: { exit: BAD_INPUT, means: "two host reports count the same host" },
  KMSSIM_HOSTS_MISSING: { exit: BAD_INPUT, means: "no host report counts one of the run's hosts" },
  KMSSIM_UNKNOWN_CODE: { exit: BAD_INPUT, means: "`kmssim explain` does not know this activation error code" },
  KMSSIM_UNKNOWN_FAULT: { exit: BAD_INPUT, means: "KMSSIM_INJECT_FAULT names no fault site (self-tests only)" },
  KMSSIM_RUN_FAILED: {
    exit: RUN_FAILED,
    means: "the run itself failed (a worker died, an event could not be applied); what was measured is written, marked incomplete",
  },
  KMSSIM_INVARIANT: { exit: RUN_FAILED, means: "--check found a broken invariant (the message has the command that replays it)" },
  KMSSIM_FD_LIMIT: { exit: RUN_FAILED, means: "the run ran out of file descriptors (raise ulimit -n)" },
  KMSSIM_PORTS: { exit: RUN_FAILED, means: "the run ran out of local addresses or ports" },
  KMSSIM_PORT_IN_USE: { exit: RUN_FAILED, means: "a port kmssim must listen on is in use" },
  KMSSIM_LISTEN_DENIED: { exit: RUN_FAILED, means: "no permission to listen on a port (below 1024 needs root)" },
} as const satisfies Record<string, { exit: ExitCode; means: string }>;

export type KmssimErrorCode = keyof typeof KMSSIM_ERRORS;

/** A failure kmssim explains in plain words: its message, never a stack trace, and the exit code of its `code`. */
export class KmssimError extends Error {
  readonly exitCode: ExitCode;

  constructor(
    message: string,
    readonly code: KmssimErrorCode = "KMSSIM_BAD_INPUT",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "KmssimError";
    this.exitCode = KMSSIM_ERRORS[code].exit;
  }
}
