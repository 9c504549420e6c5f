// The flags of `kmssim run`, declared once: yargs reads its options from this table,
// RunOptions is derived from it, and so is the command line that replays a run. A new
// run flag is one entry here, where it must also say whether a replay repeats it.

import type { Argv, Options } from "yargs";

interface RunFlag {
  option: Options;
  /** true: the replay command repeats the flag as given; otherwise why it leaves it out. */
  replay: true | string;
}

export const RUN_FLAGS = {
  mode: {
    option: {
      choices: ["virtual", "realtime"],
      describe: "virtual: discrete-event, months in seconds; realtime: real sockets on loopback, days per second (timeScale). Overrides the file",
    },
    replay: true,
  },
  // Replayed first, always: the seed the run used, whether given or the file's.
  seed: { option: { type: "number", describe: "Seed for every random choice (overrides the file); same seed, same result" }, replay: true },
  clients: { option: { type: "number", describe: "Total clients, split across groups in the file's proportions" }, replay: true },
  workers: {
    option: { type: "number", describe: "realtime: worker threads running the clients (default: cores less one for the hosts, at most 8; 0 = main thread)" },
    replay: "how many threads share the clients does not change what is simulated, and the replaying machine has its own cores",
  },
  out: { option: { type: "string", describe: "Write the result JSON here (atomically)" }, replay: "where the result goes is the replayer's choice" },
  html: {
    option: { type: "string", describe: "Also write the HTML report here (one offline file; same as `kmssim report`)" },
    replay: "where the report goes is the replayer's choice",
  },
  "timeline-csv": {
    option: { type: "string", describe: "Also write the timeline as CSV here (one row per sample, each host's requests in a column), for a spreadsheet" },
    replay: "where the timeline goes is the replayer's choice",
  },
  quiet: {
    option: { type: "boolean", default: false, describe: "Print neither the summary nor progress (warnings and errors still go to stderr)" },
    replay: "what is printed does not change the run",
  },
  "metrics-port": {
    option: {
      type: "number",
      describe:
        "realtime: serve live Prometheus metrics at http://127.0.0.1:PORT/metrics while the run lasts (0 = a free port); short for --metrics-listen 127.0.0.1:PORT",
    },
    replay: "watching a run does not change it, and the port may be taken",
  },
  "metrics-listen": {
    option: {
      type: "string",
      describe:
        "realtime: serve the live metrics at ADDR:PORT instead, e.g. 0.0.0.0:9464 for a Prometheus on another machine or pod, [::1]:9464. " +
        "An IP address you type is your choice to be reachable there; kmssim still sends load only to loopback (and --allow-address)",
    },
    replay: "watching a run does not change it, and the address may be taken",
  },
  "metrics-push": {
    option: {
      type: "string",
      describe:
        "realtime: when the run ends (also on Ctrl-C or failure), PUT the final metrics to this Prometheus Pushgateway, e.g. http://127.0.0.1:9091 " +
        "(job kmssim, grouped by scenario and shard). An IP address, not a name: the URL you type is the one place this sends to",
    },
    replay: "where the metrics go is the replayer's choice",
  },
  check: {
    option: {
      type: "boolean",
      default: false,
      describe:
        "virtual only: check the model's invariants after every event; the first broken one stops the run (exit 3) with the seed and event that replay it",
    },
    replay: true,
  },
  shard: {
    option: {
      type: "string",
      describe:
        "i/N: measure only shard i of N of the fleet (clients dealt out round-robin); `kmssim merge` adds the N results into the single run's. " +
        "virtual: every shard still simulates the whole fleet, which the hosts couple, so the merge is exact; realtime: a shard runs only its clients",
    },
    replay: true,
  },
  "external-hosts": {
    option: {
      type: "boolean",
      default: false,
      describe: "realtime: start no hosts here; the scenario's hosts already run (`kmssim host`) and publish to dns.server, where the clients find them",
    },
    replay: true,
  },
  "start-at": {
    option: {
      type: "string",
      describe:
        "realtime: simulated time 0 at this wall-clock instant (ISO 8601, e.g. 2026-11-25T18:00:00Z), shared with `kmssim host --start-at` and the other shards",
    },
    replay: "a replay starts at its own time (an instant already past is refused)",
  },
  "allow-address": {
    option: {
      type: "string",
      array: true,
      describe:
        "realtime: kmssim may also send to this IPv4 address or range (10.244.0.0/16): hosts that DNS answers name, only where `kmssim host` runs, and the scenario's dns.server; without it, loopback only (0.0.0.0 never). Repeatable",
    },
    replay: true,
  },
  "allow-long-run": {
    option: {
      type: "boolean",
      default: false,
      describe: "realtime: run even when duration ÷ timeScale is more than 7 days of wall time (refused without it; a warning past 1 hour)",
    },
    // The replay of a run that needed it is refused without it.
    replay: true,
  },
  clock: {
    option: {
      choices: ["adaptive", "strict"],
      describe:
        "realtime: adaptive (default) slows simulated time while this machine cannot keep up, so outcomes stay valid and only wall time grows; " +
        "strict keeps timeScale and reports the generator saturated. Overrides realtime.clock in the file",
    },
    replay: true,
  },
} as const satisfies Record<string, RunFlag>;

export type RunFlagName = keyof typeof RUN_FLAGS;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type ValueOf<O> = O extends { choices: readonly (infer C)[] }
  ? C
  : O extends { array: true }
    ? readonly string[]
    : O extends { type: "number" }
      ? number
      : O extends { type: "boolean" }
        ? boolean
        : string;

/** What `kmssim run` was given: the scenario file and every flag of RUN_FLAGS, camel-cased (`--metrics-port` is metricsPort). */
export type RunOptions = { scenario: string } & {
  -readonly [N in RunFlagName as CamelCase<N>]?: ValueOf<(typeof RUN_FLAGS)[N]["option"]>;
};

/** `metrics-port` → `metricsPort`, as yargs camel-cases it. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Declares the run flags on a yargs command, in table order (their order in --help). */
export function declareRunFlags<T>(y: Argv<T>): Argv<T> {
  for (const [name, flag] of Object.entries(RUN_FLAGS)) y = y.option(name, flag.option);
  return y;
}

/** RunOptions from what yargs parsed (keys as the flags are spelt). */
export function runOptionsFrom(args: { scenario: unknown; [flag: string]: unknown }): RunOptions {
  const options: Record<string, unknown> = { scenario: args.scenario };
  for (const name of Object.keys(RUN_FLAGS)) options[camelCase(name)] = args[name];
  return options as RunOptions;
}

/** The command line that replays this run exactly: its seed, then every replayed flag that was given. */
export function reproduceCommand(options: RunOptions, seed: number): string {
  const words = ["kmssim", "run", options.scenario, "--seed", String(seed)];
  const given = options as Record<string, unknown>;
  for (const [name, flag] of Object.entries(RUN_FLAGS)) {
    if (flag.replay !== true || name === "seed") continue;
    const value = given[camelCase(name)];
    if (value === undefined || value === false) continue;
    if (value === true) words.push(`--${name}`);
    else for (const one of Array.isArray(value) ? value : [value]) words.push(`--${name}`, String(one));
  }
  return words.map(shellWord).join(" ");
}

/** A word as a POSIX shell reads it back: plain when safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
