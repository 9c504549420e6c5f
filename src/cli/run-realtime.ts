// `run` in realtime mode: real DNS, real host listeners and worker threads on loopback.
//
// The run's own limits are not the hosts' faults: a connection that fails because this
// process ran out of file descriptors or local ports would read as a host that did not
// answer. Such a run stops there and fails (exit 3) with what to change; what it measured
// until then is still written, marked `incomplete`, like a run whose worker died.

import { readdirSync } from "node:fs";
import { KeyFileError } from "../dns/tsig-key-file.js";
import { RunFailedError, runRealtime } from "../realtime/realtime-engine.js";
import type { LiveRunView } from "../realtime/live-metrics/live-view.js";
import type { Scenario } from "../scenario/model.js";
import { fleetSize } from "../fleet-plan/fleet-plan.js";
import { defaultWorkers } from "./machine-limits.js";
import type { ProgressSink } from "./progress.js";
import type { ShardSpec } from "../core/shard/shard.js";
import type { DriverOutcome } from "./run-virtual.js";
import { EXIT, KmssimError } from "../core/kmssim-error.js";
import { softFileLimit } from "./file-limit.js";
import { isUnspecified, NOT_LOOPBACK, parseAllowEntry, scenarioDestinationProblem } from "../realtime/fleet/address-guard.js";
import { externalDnsServer } from "../dns/run-key.js";
import { parseStartAt } from "../realtime/start-at.js";
import { CompressedClock } from "../realtime/compressed-clock.js";
import { isLoopbackListen, metricsListenOf, type MetricsListen } from "../realtime/live-metrics/metrics-listen.js";
import { maskPushPassword, parseMetricsPush, pushGroupings, pushMetrics, PUSH_JOB, type MetricsPush } from "../realtime/live-metrics/metrics-push.js";
import type { MetricsServer } from "../realtime/live-metrics/metrics-server.js";
import type { Registry } from "prom-client";

/** How often the descriptor table is looked at when the limit is within reach. */
const FD_WATCH_EVERY_MS = 200;

export async function runRealtimeMode(
  scenario: Scenario,
  options: {
    clients?: number;
    workers?: number;
    metricsPort?: number;
    metricsListen?: string;
    /** Pushgateway URL the final metrics go to when the run ends. */
    metricsPush?: string;
    /** This process runs only the shard's clients (WHOLE_FLEET: all of them). */
    shard: ShardSpec;
    externalHosts?: boolean;
    startAt?: string;
    allowAddress?: readonly string[];
  },
  progress: ProgressSink,
  shouldStop: () => boolean,
): Promise<DriverOutcome> {
  const allowAddress = allowedAddresses(options.allowAddress);
  // The loopback rule for what the scenario names, before any packet: clients query
  // dns.server and hosts send it their updates.
  const dnsServer = externalDnsServer(scenario);
  const dnsProblem = dnsServer === null ? null : scenarioDestinationProblem("dns.server", dnsServer.host, allowAddress);
  if (dnsProblem !== null) throw new KmssimError(dnsProblem, NOT_LOOPBACK);
  if (options.externalHosts === true && scenario.dns.server === "embedded") {
    throw new KmssimError(
      "--external-hosts needs dns.server: host:port where `kmssim host` publishes (this scenario uses the embedded DNS server, which only this process could reach)",
    );
  }
  const originEpochMs = startAtFlag(options.startAt, { allowPast: false });
  const workers = options.workers ?? defaultWorkers(options.externalHosts !== true);
  const clients = fleetSize(scenario, options.clients);
  if (originEpochMs !== undefined) {
    const waitS = Math.max(0, (originEpochMs - CompressedClock.wallNowMs()) / 1000);
    progress.note(`kmssim: waiting ${waitS.toFixed(1)} s for --start-at ${options.startAt} (simulated time 0)`);
  }
  const fdLimit = warnAboutFileLimit(clients);
  // Listening before anything starts: a port in use fails the run before it runs.
  let live: LiveRunView | null = null;
  const metrics = await startLiveMetrics(
    {
      listen: metricsListenOf(options),
      push: options.metricsPush === undefined ? null : parseMetricsPush(options.metricsPush),
      groupings: pushGroupings(scenario.name, options.shard),
    },
    () => live,
  );
  const fdWatch = fdLimit === null ? null : new FdLimitWatch(fdLimit);
  try {
    const outcome = await runRealtime(scenario, {
      onLive: (view) => (live = view),
      clients: options.clients,
      workers,
      shouldStop: () => shouldStop() || fdWatch?.exhausted === true,
      onProgress: (fraction, detail) => progress.update(fraction, detail),
      onWarning: (message) => progress.note(message),
      shard: options.shard,
      externalHosts: options.externalHosts === true,
      originEpochMs,
      allowAddress,
      clock: scenario.realtime.clock,
    });
    if (fdWatch?.exhausted === true) {
      // The watch stopped the fleet before a socket failed: every client reported.
      const failure = outOfFiles(clients, fdWatch.limit);
      const totals = { ...outcome, incomplete: { reason: failure.message, clientsUnreported: 0 } };
      return { totals, wallSeconds: outcome.wallSeconds, illegalInputs: outcome.illegalInputs, failure };
    }
    return { totals: outcome, wallSeconds: outcome.wallSeconds, illegalInputs: outcome.illegalInputs };
  } catch (err) {
    const failure = realtimeFailure(err, clients, fdWatch, fdLimit);
    // A worker died, or this machine ran out of descriptors or ports: what was measured
    // until then is still written and shown (marked incomplete), then exit 3.
    if (err instanceof RunFailedError && err.partial !== undefined && failure instanceof KmssimError && failure.exitCode === EXIT.runFailed) {
      return { totals: err.partial, wallSeconds: err.partial.wallSeconds, illegalInputs: err.partial.illegalInputs, failure };
    }
    throw failure;
  } finally {
    fdWatch?.stop();
    // However the run ended (done, Ctrl-C, failed): the final values go to the Pushgateway.
    await metrics?.end();
  }
}

/**
 * --external-hosts, --start-at and --allow-address are for realtime runs only: a virtual
 * run has no sockets and no wall clock. Throws the KmssimError (exit 2) that says so.
 */
export function rejectRealtimeOnlyFlags(
  options: { externalHosts?: boolean; startAt?: string; allowAddress?: readonly string[]; clock?: string },
  mode: "virtual" | "realtime",
): void {
  if (mode === "realtime") return;
  const given = [
    options.externalHosts === true ? "--external-hosts" : null,
    options.startAt !== undefined ? "--start-at" : null,
    options.allowAddress !== undefined && options.allowAddress.length > 0 ? "--allow-address" : null,
    options.clock !== undefined ? "--clock" : null,
  ].filter((flag) => flag !== null);
  if (given.length === 0) return;
  throw new KmssimError(
    `${given.join(", ")} ${given.length === 1 ? "is" : "are"} for realtime runs (--mode realtime): a virtual run simulates hosts and time itself, ` +
      "so there are no hosts elsewhere to reach and no wall clock to share. Add --mode realtime, or drop the flag.",
  );
}

/** --allow-address values: IPv4 addresses or ranges (exit 2 otherwise). */
export function allowedAddresses(values: readonly string[] | undefined): readonly string[] {
  const addresses = (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  for (const address of addresses) {
    if (parseAllowEntry(address) === null) {
      throw new KmssimError(`--allow-address: '${address}' is not an IPv4 address (e.g. 10.0.0.5) or range (e.g. 10.244.0.0/16)`);
    }
    if (!address.includes("/") && isUnspecified(address)) {
      throw new KmssimError(
        `--allow-address: ${address} means "any address", not a machine; kmssim never sends there. Name the machines that run kmssim host (e.g. 10.0.0.5) or their range (e.g. 10.244.0.0/16)`,
      );
    }
  }
  return addresses;
}

/**
 * --start-at as simulated time 0 (ms since the epoch), or undefined without the flag; a bad
 * instant is exit 2. `allowPast`: hosts may join a fleet that already started; a run may not.
 */
export function startAtFlag(text: string | undefined, options: { allowPast: boolean }): number | undefined {
  if (text === undefined) return undefined;
  return parseStartAt(text, CompressedClock.wallNowMs(), options);
}

/**
 * The live metrics when asked for (loaded only then): served at --metrics-port/--metrics-listen
 * while the run lasts (a port in use is exit 3), pushed to --metrics-push at its end.
 */
async function startLiveMetrics(
  wanted: { listen: MetricsListen | null; push: MetricsPush | null; groupings: Record<string, string> },
  view: () => LiveRunView | null,
): Promise<{ end(): Promise<void> } | null> {
  if (wanted.listen === null && wanted.push === null) return null;
  const { createLiveRegistry } = await import("../realtime/live-metrics/exposition.js");
  const registry = createLiveRegistry(view);
  const server = wanted.listen === null ? null : await serveMetrics(registry, wanted.listen, "kmssim");
  return {
    end: async () => {
      if (wanted.push !== null) await pushFinal(registry, wanted.push, wanted.groupings, "kmssim");
      await server?.close();
    },
  };
}

/** Starts the endpoint and says where on stderr, with a note when it is reachable beyond this machine. */
export async function serveMetrics(
  registry: Registry,
  listen: MetricsListen,
  who: string,
  out: NodeJS.WritableStream = process.stderr,
): Promise<MetricsServer> {
  const { startMetricsServer } = await import("../realtime/live-metrics/metrics-server.js");
  const server = await startMetricsServer(registry, listen);
  out.write(`${who}: metrics at ${server.url}\n`);
  if (!isLoopbackListen(listen.host)) {
    out.write(`${who}: note: the metrics are open to anyone who can reach ${listen.host}:${server.port} (${listen.given}); they carry no secrets\n`);
  }
  return server;
}

/** The push at the end: a failure is a warning (the run's own outcome and exit code stand). */
export async function pushFinal(registry: Registry, push: MetricsPush, groupings: Record<string, string>, who: string): Promise<void> {
  const group = Object.entries(groupings)
    .map(([k, v]) => `/${k}/${v}`)
    .join("");
  try {
    await pushMetrics(registry, push, groupings);
    process.stderr.write(`${who}: pushed the final metrics to ${push.shown} (job ${PUSH_JOB}${group})\n`);
  } catch (err) {
    process.stderr.write(
      `${who}: warning: could not push the metrics to ${push.shown}: ${maskPushPassword(err instanceof Error ? err.message : String(err), push)}\n`,
    );
  }
}

/** The error a failed realtime run ends with: a KmssimError in plain words where we know the cause. */
export function realtimeFailure(err: unknown, clients: number, fdWatch: FdLimitWatch | null, fdLimit: number | null): unknown {
  if (err instanceof KeyFileError) return new KmssimError(`dns.keyFile: ${err.message}`, err.code);
  if (err instanceof KmssimError) return err;
  // A host that cannot listen again after recover: some other process took its port while
  // it was down. Not this machine running out of ports; what was measured is kept.
  if (err instanceof RunFailedError && err.source === "event" && /\bEADDRINUSE\b/.test(err.message)) {
    return new KmssimError(
      `the run failed: ${err.message}. Another process took the host's port while it was down; give the hosts ports nothing else binds`,
      "KMSSIM_RUN_FAILED",
    );
  }
  const code = (err as NodeJS.ErrnoException).code ?? localLimitIn(err instanceof RunFailedError ? err.message : "");
  if (code === "EMFILE" || code === "ENFILE" || fdWatch?.exhausted === true) return outOfFiles(clients, fdWatch?.limit ?? fdLimit);
  if (code === "EADDRNOTAVAIL" || code === "EADDRINUSE") return outOfAddresses(code, err);
  if (err instanceof RunFailedError) return new KmssimError(`the run failed: ${err.message}`, "KMSSIM_RUN_FAILED");
  return err;
}

/** An errno code named in a wrapped message ("listen EMFILE: …"), or undefined. */
function localLimitIn(message: string): string | undefined {
  return /\b(EMFILE|ENFILE|EADDRNOTAVAIL|EADDRINUSE)\b/.exec(message)?.[1];
}

function outOfFiles(clients: number, limit: number | null): KmssimError {
  const raiseTo = Math.max(65536, 2 * clients + 256);
  return new KmssimError(
    `the run ran out of file descriptors (EMFILE${limit === null ? "" : `, limit ${limit}`}): every request in flight holds two in this process, ` +
      `so connections failed for kmssim's own reasons and its numbers would blame the hosts. ` +
      `Raise the limit (ulimit -n ${raiseTo}), or run fewer clients (--clients) or fewer workers (--workers).`,
    "KMSSIM_FD_LIMIT",
  );
}

function outOfAddresses(code: string, err: unknown): KmssimError {
  const detail = err instanceof Error ? ` (${err.message})` : "";
  return new KmssimError(
    `the run ran out of local addresses or ports (${code})${detail}. Clients connect from 127.0.0.2–127.0.0.33: ` +
      `check that this machine routes all of 127.0.0.0/8 to loopback (macOS only has 127.0.0.1: add aliases with ` +
      `'ifconfig lo0 alias 127.0.0.N'), widen the ephemeral port range (sysctl net.ipv4.ip_local_port_range), ` +
      `or run fewer clients at once (--clients, or a longer bootSpread).`,
    "KMSSIM_PORTS",
  );
}

/**
 * Every request in flight holds two descriptors in this process (the client's socket and
 * the host's). Say so up front, in plain words, when the soft limit could run out; returns
 * the limit then (the run is watched), else null.
 */
function warnAboutFileLimit(clients: number): number | null {
  const limit = softFileLimit();
  if (limit === null) return null;
  const worstCase = 2 * clients + 256;
  if (limit >= worstCase) return null;
  process.stderr.write(
    `kmssim: note: this process may open up to ${worstCase} files (2 per request in flight, ${clients} clients) ` +
      `but its limit is ${limit}; if the run fails with EMFILE, raise it first: ulimit -n ${Math.max(65536, worstCase)}\n`,
  );
  return limit;
}

/**
 * Looks at this process's descriptor table (Linux: /proc/self/fd) while the run goes on:
 * a full table means some socket or file failed to open, which the clients would count
 * as a host that did not answer. Elsewhere it sees nothing and the run goes on.
 */
export class FdLimitWatch {
  exhausted = false;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly limit: number) {
    this.timer = setInterval(() => this.look(), FD_WATCH_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private look(): void {
    try {
      // The listing itself holds one descriptor while it runs.
      if (readdirSync("/proc/self/fd").length >= this.limit - 1) this.exhausted = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EMFILE" || code === "ENFILE") this.exhausted = true;
      else this.stop(); // no /proc here: nothing to watch
    }
  }
}
