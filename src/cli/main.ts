// Command-line entry: parses flags with yargs and maps every outcome to an exit code
// (design.md: 0 pass, 1 threshold failed, 2 bad input, 3 run failed, 130 interrupted).

import yargs from "yargs";
import { didYouMean } from "../core/did-you-mean.js";
import { compareCommand } from "./commands/compare.js";
import { DEFAULT_DISCOVER_SERVER, discoverCommand } from "./commands/discover.js";
import { DEFAULT_DNS_LISTEN, dnsCommand } from "./commands/dns.js";
import { hostCommand } from "./commands/host.js";
import { mergeCommand } from "./commands/merge.js";
import { planCommand } from "./commands/plan.js";
import { explainCommand } from "./commands/explain.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { validateCommand } from "./commands/validate.js";
import { EXIT, KmssimError } from "../core/kmssim-error.js";

const EPILOGUE = `Exit codes: 0 all thresholds pass, 1 a threshold failed, 2 bad input (scenario, flags, files),
3 the run itself failed, 130 interrupted (partial result still written).

kmssim speaks its own documented protocol; it never talks to a real KMS host.`;

const COMMANDS = ["run", "merge", "validate", "explain", "schema", "dns", "host", "discover", "compare", "plan", "report"];

/** Flags that name an output file, where `-` means stdout. */
const OUTPUT_FLAGS = new Set(["--out", "--html"]);

/** `--out -` as `--out=-`: yargs takes a lone `-` after a flag for a positional, not the flag's value. */
export function stdoutDashes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === "--") return [...out, ...argv.slice(k)];
    if (OUTPUT_FLAGS.has(argv[k]) && argv[k + 1] === "-") {
      out.push(`${argv[k]}=-`);
      k++;
    } else out.push(argv[k]);
  }
  return out;
}

export async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && !COMMANDS.includes(first)) {
    process.stderr.write(`kmssim: unknown command '${first}'${didYouMean(first, COMMANDS)}. Commands: ${COMMANDS.join(", ")}.\nRun \`kmssim --help\` for usage.\n`);
    return EXIT.badInput;
  }
  let exitCode: number = EXIT.pass;
  const parser = yargs(stdoutDashes(argv))
    .scriptName("kmssim")
    .usage("$0 <command> [options]\n\nSimulate and load-test KMS-style volume activation fleets: DNS SRV discovery, host selection, activation, renewal, failover.")
    .command(
      "run <scenario>",
      "Simulate a fleet described by a scenario file and report latency, spread and thresholds",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "Scenario YAML file (see scenarios/)" })
          .option("mode", {
            choices: ["virtual", "realtime"] as const,
            describe: "virtual: discrete-event, months in seconds; realtime: real sockets on loopback, days per second (timeScale). Overrides the file",
          })
          .option("seed", { type: "number", describe: "Seed for every random choice (overrides the file); same seed, same result" })
          .option("clients", { type: "number", describe: "Total clients, split across groups in the file's proportions" })
          .option("workers", { type: "number", describe: "realtime: worker threads running the clients (default: cores; 0 = main thread)" })
          .option("out", { type: "string", describe: "Write the result JSON here (atomically)" })
          .option("html", { type: "string", describe: "Also write the HTML report here (one offline file; same as `kmssim report`)" })
          .option("quiet", { type: "boolean", default: false, describe: "Print neither the summary nor progress (warnings and errors still go to stderr)" })
          .option("metrics-port", { type: "number", describe: "realtime: serve live Prometheus metrics at http://127.0.0.1:PORT/metrics while the run lasts (0 = a free port)" })
          .option("check", {
            type: "boolean",
            default: false,
            describe: "virtual only: check the model's invariants after every event; the first broken one stops the run (exit 3) with the seed and event that replay it",
          })
          .option("shard", {
            type: "string",
            describe:
              "i/N: measure only shard i of N of the fleet (clients dealt out round-robin); `kmssim merge` adds the N results into the single run's. " +
              "virtual: every shard still simulates the whole fleet, which the hosts couple, so the merge is exact; realtime: a shard runs only its clients",
          })
          .option("external-hosts", {
            type: "boolean",
            default: false,
            describe: "realtime: start no hosts here; the scenario's hosts already run (`kmssim host`) and publish to dns.server, where the clients find them",
          })
          .option("start-at", {
            type: "string",
            describe: "realtime: simulated time 0 at this wall-clock instant (ISO 8601, e.g. 2026-11-25T18:00:00Z), shared with `kmssim host --start-at` and the other shards",
          })
          .option("allow-address", {
            type: "string",
            array: true,
            describe:
              "realtime: kmssim may also send to this IPv4 address or range (10.244.0.0/16): hosts that DNS answers name, only where `kmssim host` runs, and the scenario's dns.server; without it, loopback only (0.0.0.0 never). Repeatable",
          })
          .option("allow-long-run", {
            type: "boolean",
            default: false,
            describe: "realtime: run even when duration ÷ timeScale is more than 7 days of wall time (refused without it; a warning past 1 hour)",
          })
          .option("clock", {
            choices: ["adaptive", "strict"] as const,
            describe:
              "realtime: adaptive (default) slows simulated time while this machine cannot keep up, so outcomes stay valid and only wall time grows; " +
              "strict keeps timeScale and reports the generator saturated. Overrides realtime.clock in the file",
          })
          .example("$0 run scenarios/multi-host.yaml", "Run the main job with the file's settings")
          .example("$0 run scenarios/large-fleet.yaml --clients 50000 --out result.json", "Smaller fleet, keep the JSON")
          .example("$0 run scenarios/failover.yaml --seed 7", "Replay a run with another seed")
          .example("$0 run scenarios/failover.yaml --seed 7 --check", "Same run, checking invariants after every event")
          .example("$0 run scenarios/realtime-smoke.yaml --mode realtime", "Real sockets on loopback")
          .example("$0 run scenarios/realtime-smoke.yaml --metrics-port 9464", "Realtime, with Prometheus metrics while it runs")
          .example("$0 run scenarios/realtime-smoke.yaml --clock strict", "Realtime at exactly timeScale; the result says whether this machine kept up")
          .example("$0 run scenarios/multi-host.yaml --shard 2/4 --out shard2.json", "The second of four shards; `kmssim merge shard*.json --out all.json` joins them"),
      async (args) => {
        exitCode = await runCommand({
          scenario: args.scenario as string,
          mode: args.mode,
          seed: args.seed,
          clients: args.clients,
          workers: args.workers,
          out: args.out,
          html: args.html,
          quiet: args.quiet,
          check: args.check,
          metricsPort: args["metrics-port"],
          shard: args.shard,
          externalHosts: args["external-hosts"],
          startAt: args["start-at"],
          allowAddress: args["allow-address"],
          allowLongRun: args["allow-long-run"],
          clock: args.clock,
        });
      },
    )
    .command(
      "merge <shards..>",
      "Add up the results of the shards of one run (`run --shard i/N --out`) into that run's result: counters summed, histograms merged, shares, spread and thresholds recomputed",
      (y) =>
        y
          .positional("shards", { type: "string", array: true, demandOption: true, describe: "Result JSON of every shard, 1/N to N/N, in any order" })
          .option("out", { type: "string", describe: "Write the merged result JSON here (atomically)" })
          .option("html", { type: "string", describe: "Also write the HTML report of the merged result" })
          .option("scenario", { type: "string", describe: "Scenario YAML the shards ran, shown in the HTML report" })
          .option("hosts", {
            type: "string",
            array: true,
            describe: "--external-hosts shards: the hosts' own counts (`kmssim host --out`), one file per host process; they replace what the fleet could not see",
          })
          .option("quiet", { type: "boolean", default: false, describe: "Do not print the summary" })
          .example("$0 merge shard-*.json --out all.json", "Join the shards of one run")
          .epilogue(
            "Every shard of the run must be given once: shards of different runs (scenario, seed, mode or fleet size differ) or a missing shard are refused. " +
              "A merge of virtual shards equals the single run's counters and histograms exactly. " +
              "Exit 0 the merged run passes its thresholds, 1 it fails them (or a shard was interrupted or incomplete), 2 a bad or missing file.",
          ),
      async (args) => {
        exitCode = await mergeCommand({ shards: (args.shards as string[]) ?? [], out: args.out, html: args.html, scenario: args.scenario, hosts: args.hosts, quiet: args.quiet });
      },
    )
    .command(
      "validate <scenario>",
      "Check a scenario file and report every problem with line:column; with run's flags, everything `run` would check before starting (memory, wall time)",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true })
          .option("mode", { choices: ["virtual", "realtime"] as const, describe: "Check as `run --mode` would" })
          .option("seed", { type: "number", describe: "Check as `run --seed` would" })
          .option("clients", { type: "number", describe: "Check as `run --clients` would (does the fleet fit this machine?)" })
          .option("workers", { type: "number", describe: "Check as `run --workers` would" })
          .option("shard", { type: "string", describe: "Check as `run --shard i/N` would" })
          .option("check", { type: "boolean", default: false, describe: "Check as `run --check` would" })
          .option("allow-long-run", { type: "boolean", default: false, describe: "Check as `run --allow-long-run` would" })
          .example("$0 validate scenarios/large-fleet.yaml --clients 20000000", "Does a 20M-client run fit this machine?"),
      async (args) => {
        exitCode = await validateCommand({
          scenario: args.scenario as string,
          mode: args.mode,
          seed: args.seed,
          clients: args.clients,
          workers: args.workers,
          shard: args.shard,
          check: args.check,
          allowLongRun: args["allow-long-run"],
        });
      },
    )
    .command(
      "explain [code]",
      "Explain an activation error code and what an administrator does about it",
      (y) =>
        y
          .positional("code", { type: "string", describe: "e.g. 0xC004F074; omit to list every code" })
          .example("$0 explain 0xC004F038", "Why clients get 'count insufficient'"),
      (args) => {
        exitCode = explainCommand(args.code);
      },
    )
    .command(
      "schema",
      "Print the JSON Schema of scenario files (for editor completion and validation)",
      (y) => y.option("out", { type: "string", describe: "Write to this file instead of stdout" }),
      async (args) => {
        exitCode = await schemaCommand(args.out);
      },
    )
    .command(
      "dns",
      "Run the embedded DNS server on its own (UDP+TCP) for multi-machine runs, until Ctrl-C",
      (y) =>
        y
          .option("listen", { type: "string", default: DEFAULT_DNS_LISTEN, describe: "IPv4 address:port to serve on (port 0 picks a free one)" })
          .option("zone-file", { type: "string", array: true, describe: "RFC 1035 zone file ($ORIGIN, $TTL, SOA, NS, SRV, A); repeatable" })
          .option("domain", { type: "string", array: true, describe: "Serve this domain (also the origin of zone files when given once); repeatable" })
          .option("srv", { type: "string", array: true, describe: "SRV record target:port:priority:weight@domain; repeatable" })
          .option("a", { type: "string", array: true, describe: "Address record name=ipv4; repeatable" })
          .option("ttl", { type: "string", default: "1h", describe: "TTL of --srv/--a records and of zone-file records without one" })
          .option("key-file", {
            type: "string",
            array: true,
            describe: "TSIG key file (tsig-keygen -a hmac-sha256 NAME. output): accept dynamic updates signed with it; repeatable",
          })
          .option("scavenge-after", { type: "string", describe: "Remove published records not refreshed for this long, e.g. 7d (files and flags are kept)" })
          .example("$0 dns --listen 0.0.0.0:5353 --zone-file corp.zone --domain corp.example", "Serve a zone file to other machines")
          .example("$0 dns --srv kms1.corp.example:1688:0:100@corp.example --a kms1.corp.example=127.0.0.1", "Records from flags only")
          .example("$0 dns --zone-file corp.zone --domain corp.example --key-file kmssim.key --scavenge-after 7d", "Let hosts publish themselves")
          .epilogue(
            "Prints `kmssim dns: listening on HOST:PORT (udp+tcp) zones: A,B` once ready, then one line per dynamic update. " +
              "Without --key-file every dynamic update is refused; with it, unsigned updates are refused. " +
              "Exit 0 after SIGINT/SIGTERM, 2 bad flags, zone or key file, 3 port in use.",
          ),
      async (args) => {
        exitCode = await dnsCommand({
          listen: args.listen,
          zoneFile: args["zone-file"],
          domain: args.domain,
          srv: args.srv,
          a: args.a,
          ttl: args.ttl,
          keyFile: args["key-file"],
          scavengeAfter: args["scavenge-after"],
        });
      },
    )
    .command(
      "host <scenario>",
      "Run a scenario's KMS hosts as real listeners that publish themselves to a DNS server (signed dynamic updates), until Ctrl-C",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "Scenario whose hosts to run (products, service time, concurrency, publish list)" })
          .option("only", { type: "string", array: true, describe: "Run only these hosts (names, comma-separated or repeated)" })
          .option("dns", { type: "string", describe: "DNS server to publish to, IPv4:port (default: the scenario's dns.server)" })
          .option("key-file", { type: "string", describe: "TSIG key file as tsig-keygen writes it (default: the scenario's dns.tsig / dns.keyFile)" })
          .option("listen", { type: "string", default: "127.0.0.1", describe: "IPv4 address the hosts listen on" })
          .option("port-base", { type: "number", describe: "Host k listens on port-base + k (0: any free port); default each host's own port" })
          .option("time-scale", {
            type: "number",
            describe: "Simulated seconds per wall second for publish intervals, CMID ages and events (default: 1, real time; with --start-at the scenario's timeScale, as the fleet's)",
          })
          .option("start-at", { type: "string", describe: "Simulated time 0 at this wall-clock instant (ISO 8601), the same as the fleet's `run --start-at`" })
          .option("out", { type: "string", describe: "When stopped, write the hosts' own counts (dlv, CMID counts, lost, late, state) here, for `kmssim merge --hosts`" })
          .option("allow-address", {
            type: "string",
            array: true,
            describe: "The scenario's dns.server may be this IPv4 address or range besides loopback (a --dns you type needs no permission). Repeatable",
          })
          .example("$0 host scenarios/multi-host.yaml --dns 127.0.0.1:5353 --key-file kmssim.key --port-base 0", "Hosts on free ports, published to a kmssim dns")
          .example("$0 host fleet.yaml --listen 10.0.0.5 --start-at 2026-11-25T18:00:00Z", "Hosts for a fleet on other machines (`run --external-hosts --start-at` the same instant); applies the scenario's host events")
          .epilogue("Prints one line per listener and per publish outcome (12294 published, 12293 failed); publishing failures never stop a host from serving. Exit 0 after SIGINT/SIGTERM, 2 bad input, 3 port in use."),
      async (args) => {
        exitCode = await hostCommand({
          scenario: args.scenario as string,
          only: args.only,
          dns: args.dns,
          keyFile: args["key-file"],
          listen: args.listen,
          portBase: args["port-base"],
          timeScale: args["time-scale"],
          startAt: args["start-at"],
          out: args.out,
          allowAddress: args["allow-address"],
        });
      },
    )
    .command(
      "discover",
      "Audit the KMS SRV records of a domain as clients read them: shares per profile, reachability, problems",
      (y) =>
        y
          .option("domain", { type: "string", demandOption: true, describe: "Domain whose _vlmcs._tcp SRV records to read" })
          .option("server", { type: "string", default: DEFAULT_DISCOVER_SERVER, describe: "DNS server to ask, IPv4:port" })
          .option("address", {
            type: "string",
            array: true,
            describe: "name=ipv4: probe this target at this address (only loopback addresses are probed without it); repeatable",
          })
          .option("timeout", { type: "string", default: "2s", describe: "Wait per DNS attempt (2 attempts) and per TCP connect" })
          .option("json", { type: "boolean", default: false, describe: "Print a machine-readable report" })
          .example("$0 discover --domain corp.example --server 127.0.0.1:5353", "Audit the records kmssim dns serves")
          .example("$0 discover --domain corp.example --server 10.0.0.2 --address kms1.corp.example=10.0.0.5 --json", "Ask a real DNS server; probe kms1")
          .epilogue("Problem codes: NO_RECORDS, DNS_TIMEOUT, DNS_ERROR, NO_ADDRESS, UNREACHABLE, ALL_WEIGHTS_ZERO, SINGLE_HOST, TOO_MANY_RECORDS. Exit 0 no problem, 1 a problem found, 2 bad flags."),
      async (args) => {
        exitCode = await discoverCommand({
          domain: args.domain,
          server: args.server,
          address: args.address,
          timeout: args.timeout,
          json: args.json,
        });
      },
    )
    .command(
      "compare [baseline] [candidate]",
      "Compare two result files metric by metric (latency percentiles from merged histograms, success, failovers, spread, errors); exit 1 on a regression",
      (y) =>
        y
          .positional("baseline", { type: "string", describe: "Result JSON of the reference run (kmssim run --out)" })
          .positional("candidate", { type: "string", describe: "Result JSON of the run to check" })
          .option("max-regression", {
            type: "string",
            default: "10%",
            describe: "How much worse than the baseline a metric may get: 10%, or per metric p99=5%,default=10% (keys are globs on a name or its dotted tail)",
          })
          // nargs 1: `--metric X a.json b.json` must not swallow the files.
          .option("metric", { type: "string", array: true, nargs: 1, describe: "Compare only metrics matching this glob (* any run, !glob excludes); repeat the flag for more" })
          .option("out", { type: "string", describe: "Write the comparison as JSON here (atomically)" })
          .option("quiet", { type: "boolean", default: false, describe: "Print no table (warnings and errors still go to stderr)" })
          .example("$0 compare baseline.json candidate.json", "Fail (exit 1) when any metric got more than 10% worse")
          .example("$0 compare baseline.json candidate.json --max-regression p99=5%,default=20% --out compare.json", "Tighter on p99, JSON for CI")
          .example("$0 compare a.json b.json --metric 'rpc.*.latencyMs.*' --metric '!*.max'", "Latency percentiles only, without max")
          .epilogue("Exit 0 no metric regressed past its limit, 1 a regression, 2 a bad file or flag."),
      async (args) => {
        exitCode = await compareCommand({
          baseline: args.baseline,
          candidate: args.candidate,
          maxRegression: args["max-regression"],
          metric: args.metric,
          out: args.out,
          quiet: args.quiet,
        });
      },
    )
    .command(
      "plan <scenario>",
      "Capacity planning: sweep host counts (and fleet sizes) in virtual mode with seeded replications; the smallest host count that meets every threshold",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "Scenario YAML file; its hosts are the template, its thresholds the goal" })
          .option("hosts", { type: "string", demandOption: true, describe: "Host counts to try: 1..8, 1,2,4 or 2..4,8 (at most 32)" })
          .option("clients", { type: "string", describe: "Fleet sizes to try, e.g. 10000,50000,100000 (split across groups like run --clients); default the file's" })
          .option("replications", { type: "number", default: 5, describe: "Runs per point, each with its own seed derived from the scenario seed" })
          .option("workers", { type: "number", describe: "Worker threads running replications in parallel (default: cores; 0 = main thread)" })
          .option("seed", { type: "number", describe: "Base seed the replications' seeds derive from (overrides the file)" })
          .option("out", { type: "string", describe: "Write the plan as JSON here (kmssim/plan@1, atomically)" })
          .example("$0 plan scenarios/capacity.yaml --hosts 1..6", "Smallest host count meeting the file's thresholds")
          .example("$0 plan scenarios/capacity.yaml --hosts 2..8 --clients 10000,50000 --replications 3 --out plan.json", "Per fleet size, JSON kept")
          .epilogue(
            "Host count k: the first k hosts of the file, or all of them plus copies of the last host (every setting kept; " +
              "names continue its number, kms3 -> kms4, kms5, or add -2, -3). Events and hand-made SRV records of hosts left out are dropped; copies get " +
              "none of the events and copies of the last host's records. At most 1000 runs per sweep. " +
              "Exit 0 a host count found for every fleet size, 1 not for some, 2 bad input, 3 a run failed, 130 interrupted (what finished is printed and written).",
          ),
      async (args) => {
        exitCode = await planCommand({
          scenario: args.scenario as string,
          hosts: args.hosts,
          clients: args.clients,
          replications: args.replications,
          workers: args.workers,
          seed: args.seed,
          out: args.out,
        });
      },
    )
    .command(
      "report [result]",
      "Write a self-contained HTML report of a run result (latency by percentile, activations, per-host share with fleet events, error codes, thresholds) or of a capacity plan (metrics with CIs per host count)",
      (y) =>
        y
          .positional("result", { type: "string", describe: "Result JSON written by `kmssim run --out`, or a plan written by `kmssim plan --out`" })
          .option("html", { type: "string", demandOption: true, describe: "Write the HTML report here (atomically); one offline file, no network" })
          .option("scenario", { type: "string", describe: "Scenario YAML the run used, shown in full in the report" })
          .example("$0 report result.json --html report.html --scenario scenarios/multi-host.yaml", "Report with the scenario text")
          .example("$0 report plan.json --html plan.html", "Charts of a capacity plan")
          .epilogue("Exit 0 written, 2 a bad or missing file or flag."),
      async (args) => {
        exitCode = await reportCommand({ result: args.result, html: args.html, scenario: args.scenario });
      },
    )
    .demandCommand(1, "Name a command, e.g. `kmssim run scenarios/multi-host.yaml`.")
    .strict()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      if (/Not enough non-option arguments/.test(message)) {
        if (first === "merge") throw new KmssimError("merge needs the shard results, e.g. `kmssim merge shard-*.json --out all.json`", "KMSSIM_USAGE");
        throw new KmssimError("a scenario file is required, e.g. `kmssim run scenarios/multi-host.yaml`", "KMSSIM_USAGE");
      }
      throw new KmssimError(message, "KMSSIM_USAGE");
    });

  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof KmssimError) {
      process.stderr.write(`kmssim: ${err.message}\n`);
      if (err.code === "KMSSIM_USAGE") process.stderr.write("Run `kmssim --help` for usage.\n");
      return err.exitCode;
    }
    process.stderr.write(`kmssim: the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.runFailed;
  }
  return exitCode;
}
