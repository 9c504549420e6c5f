// `kmssim host`: a scenario's KMS hosts as real listeners on this machine, publishing
// themselves to a DNS server (kmssim dns, BIND, …) with signed dynamic updates, until
// SIGINT or SIGTERM. For runs spread over several machines; prints each publish outcome
// as it happens and every host's counts at the end.

import { isIPv4 } from "node:net";
import { cmidPrefix } from "../../core/protocol/cmid.js";
import { Mulberry32, deriveSeed } from "../../core/rng.js";
import { CompressedClock, type ClockTimer } from "../../realtime/compressed-clock.js";
import { parseHostPort } from "../../dns/record-flags.js";
import { externalDnsServer, keyForRun, readTsigKeyFile } from "../../dns/run-key.js";
import type { TsigKey } from "../../dns/tsig.js";
import { maxConnectionsForFileLimit } from "../../realtime/host/connection-limits.js";
import { hostServerFromSpec } from "../../realtime/host/host-from-spec.js";
import { HostPublisher, publishedHost, publishingOn } from "../../realtime/host/host-publisher.js";
import type { KmsHostServer } from "../../realtime/host/host-server.js";
import type { HostSpec, Scenario } from "../../scenario/model.js";
import { didYouMean } from "../../core/did-you-mean.js";
import { loadScenarioOrThrow } from "../load-or-exit.js";
import { untilSignal } from "../until-signal.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { softFileLimit } from "../file-limit.js";
import { checkWritable, writeFileAtomic } from "../write-file-atomic.js";
import { isStdout } from "../output-target.js";
import { HOST_REPORT_SCHEMA, type HostReport } from "../../results/host-report.js";
import { applyHostEvent } from "../../realtime/host/host-event.js";
import { allowedAddresses, serveMetrics, startAtFlag } from "../run-realtime.js";
import { metricsListenOf } from "../../realtime/live-metrics/metrics-listen.js";
import type { HostAnswerCounts, HostProcessView } from "../../realtime/live-metrics/host-exposition.js";
import type { MetricsServer } from "../../realtime/live-metrics/metrics-server.js";
import { isUnspecified, NOT_LOOPBACK, scenarioDestinationProblem } from "../../realtime/fleet/address-guard.js";
import type { HostEvent } from "../../scenario/model.js";
import { defineCommand, SCENARIO_REQUIRED } from "../command-module.js";

export interface HostCommandOptions {
  scenario: string;
  /** Host names to run; default every host of the scenario. */
  only?: readonly string[];
  /** host:port of the DNS server; default the scenario's dns.server. */
  dns?: string;
  keyFile?: string;
  /** Address the listeners bind; default 127.0.0.1. */
  listen?: string;
  /** Host k listens on portBase + k (0: ephemeral ports); default each host's own port. */
  portBase?: number;
  /** Simulated seconds per wall second for publishing intervals and CMID ages; default 1 (real time). */
  timeScale?: number;
  /** Simulated time 0 at this wall-clock instant (ISO 8601), shared with the fleet's `run --start-at`. */
  startAt?: string;
  /** Write the hosts' own counts here when stopped (for `kmssim merge --hosts`). */
  out?: string;
  /** IPv4 addresses or ranges a scenario's dns.server may name besides loopback (--allow-address). */
  allowAddress?: readonly string[];
  /** Serve the hosts' live metrics at 127.0.0.1:PORT (--metrics-port) or ADDR:PORT (--metrics-listen). */
  metricsPort?: number;
  metricsListen?: string;
}

export interface HostCommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  stopped?: Promise<void>;
}

const HOST_STREAM = 0x7c00_0000;

export const hostCli = defineCommand({
  command: "host <scenario>",
  describe: "Run a scenario's KMS hosts as real listeners that publish themselves to a DNS server (signed dynamic updates), until Ctrl-C",
  missingPositional: SCENARIO_REQUIRED,
  builder: (y) =>
    y
      .positional("scenario", {
        type: "string",
        demandOption: true,
        describe: "Scenario whose hosts to run (products, service time, concurrency, publish list)",
      })
      .option("only", { type: "string", array: true, describe: "Run only these hosts (names, comma-separated or repeated)" })
      .option("dns", { type: "string", describe: "DNS server to publish to, IPv4:port (default: the scenario's dns.server)" })
      .option("key-file", { type: "string", describe: "TSIG key file as tsig-keygen writes it (default: the scenario's dns.tsig / dns.keyFile)" })
      .option("listen", { type: "string", default: "127.0.0.1", describe: "IPv4 address the hosts listen on" })
      .option("port-base", { type: "number", describe: "Host k listens on port-base + k (0: any free port); default each host's own port" })
      .option("time-scale", {
        type: "number",
        describe:
          "Simulated seconds per wall second for publish intervals, CMID ages and events (default: 1, real time; with --start-at the scenario's timeScale, as the fleet's)",
      })
      .option("start-at", { type: "string", describe: "Simulated time 0 at this wall-clock instant (ISO 8601), the same as the fleet's `run --start-at`" })
      .option("out", {
        type: "string",
        describe: "When stopped, write the hosts' own counts (dlv, CMID counts, lost, late, state) here, for `kmssim merge --hosts`",
      })
      .option("allow-address", {
        type: "string",
        array: true,
        describe: "The scenario's dns.server may be this IPv4 address or range besides loopback (a --dns you type needs no permission). Repeatable",
      })
      .option("metrics-port", {
        type: "number",
        describe: "Serve the hosts' live Prometheus metrics at http://127.0.0.1:PORT/metrics while they run (0 = a free port)",
      })
      .option("metrics-listen", {
        type: "string",
        describe:
          "Serve them at ADDR:PORT instead (e.g. 0.0.0.0:9464 or the pod's IP for a Prometheus elsewhere; [::1]:9464); the address you type is your choice",
      })
      .example("$0 host scenarios/multi-host.yaml --dns 127.0.0.1:5353 --key-file kmssim.key --port-base 0", "Hosts on free ports, published to a kmssim dns")
      .example(
        "$0 host fleet.yaml --listen 10.0.0.5 --start-at 2026-11-25T18:00:00Z",
        "Hosts for a fleet on other machines (`run --external-hosts --start-at` the same instant); applies the scenario's host events",
      )
      .epilogue(
        "Prints one line per listener and per publish outcome (12294 published, 12293 failed); publishing failures never stop a host from serving. Exit 0 after SIGINT/SIGTERM, 2 bad input, 3 port in use.",
      ),
  run: (args) =>
    hostCommand({
      scenario: args.scenario,
      only: args.only,
      dns: args.dns,
      keyFile: args["key-file"],
      listen: args.listen,
      portBase: args["port-base"],
      timeScale: args["time-scale"],
      startAt: args["start-at"],
      out: args.out,
      allowAddress: args["allow-address"],
      metricsPort: args["metrics-port"],
      metricsListen: args["metrics-listen"],
    }),
});

export async function hostCommand(options: HostCommandOptions, streams: HostCommandIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  // `--out -`: the report is the stdout; the messages go to stderr.
  const io = isStdout(options.out) ? { ...streams, out: streams.err } : streams;
  const scenario = await loadScenarioOrThrow(options.scenario);
  const hosts = selectHosts(scenario, options.only);
  const listenAddress = options.listen ?? "127.0.0.1";
  if (!isIPv4(listenAddress)) throw new KmssimError(`--listen: '${listenAddress}' is not an IPv4 address (e.g. 127.0.0.1)`);
  const dns = dnsServerOf(scenario, options.dns, allowedAddresses(options.allowAddress));
  const key = keyOf(scenario, options.keyFile);
  const startAtMs = startAtFlag(options.startAt, { allowPast: true });
  // With a shared start the hosts keep the fleet's time: the scenario's scale unless told.
  const timeScale = options.timeScale ?? (startAtMs === undefined ? 1 : scenario.timeScale);
  if (!(timeScale > 0)) throw new KmssimError(`--time-scale: expected a number > 0, got ${options.timeScale}`);
  const ports = portsOf(hosts, options.portBase, listenAddress);
  if (startAtMs !== undefined && timeScale !== scenario.timeScale) {
    io.err.write(
      `kmssim host: note: --time-scale ${timeScale} is not the scenario's timeScale ${scenario.timeScale}: ` +
        "the hosts' clock will run apart from the fleet's and clients may get 0xC004F06C (clock skew)\n",
    );
  }

  if (options.out !== undefined) await checkWritable(options.out);
  const metricsListen = metricsListenOf(options, false);
  // prom-client is loaded only when the metrics are asked for.
  const exposition = metricsListen === null ? null : await import("../../realtime/live-metrics/host-exposition.js");
  const answers: HostAnswerCounts | null = exposition === null ? null : new exposition.HostAnswerCounts();

  const stopped = io.stopped ?? untilSignal();
  const clock = new CompressedClock(startAtMs ?? CompressedClock.wallNowMs(), timeScale);
  const rng = new Mulberry32(deriveSeed(scenario.seed, HOST_STREAM));
  const maxConnections = maxConnectionsForFileLimit(softFileLimit(), hosts.length);
  const servers: KmsHostServer[] = hosts.map(({ spec, index }, k) =>
    hostServerFromSpec(spec, index, {
      address: listenAddress,
      port: ports[k],
      simNow: () => clock.simNowMs(),
      rng: () => rng.next(),
      cmidPrefix: cmidPrefix(scenario.seed),
      catalog: scenario.products,
      // As in `run`: a request older than the RPC timeout is abandoned, so that bounds its
      // transit; under a compressed clock those wall ms must not read as clock skew.
      transitAllowanceMs: scenario.network.rpcTimeoutMs * timeScale,
      rpcTimeoutMs: scenario.network.rpcTimeoutMs,
      // Below `ulimit -n`: at the cap a newcomer evicts an idle peer instead of every accept failing.
      limits: { maxConnections },
      onServed: answers === null ? undefined : (_index, kind, status, residenceMs) => answers.record(spec.name, kind, status, residenceMs),
    }),
  );
  const started: KmsHostServer[] = [];
  let publisher: HostPublisher | null = null;
  const eventTimers: ClockTimer[] = [];
  let report: HostReport | null = null;
  let metrics: MetricsServer | null = null;
  try {
    // Listening before the hosts start: a metrics port in use stops the command before they serve.
    if (metricsListen !== null && exposition !== null && answers !== null) {
      metrics = await serveMetrics(
        exposition.createHostRegistry(() => started.map(hostView), answers),
        metricsListen,
        "kmssim host",
        io.out,
      );
    }
    const published = [];
    for (const [k, server] of servers.entries()) {
      const target = await server.start().catch((error: unknown) => {
        throw bindError(error, `${listenAddress}:${ports[k]}`, hosts[k].spec.name);
      });
      started.push(server);
      const { spec, index } = hosts[k];
      published.push(publishedHost(index, spec, target));
      io.out.write(`kmssim host: ${spec.name} listening on ${target.address}:${target.port}\n`);
    }
    publisher = new HostPublisher({
      scenario,
      hosts: published,
      // Before a --start-at, publishing happens "at 0" like the fleet's own hosts.
      ...publishingOn(scenario, () => clock, dns, key),
      // Hosts run until Ctrl-C, not for the scenario's duration: they keep re-registering.
      untilMs: Infinity,
      scavengeByDelete: false,
      onEvent: (e) =>
        io.out.write(`kmssim host: ${e.target} ${e.action} in ${e.domain} (event ${e.eventId})${e.reason === undefined ? "" : `: ${e.reason}`}\n`),
      // Every failure is already printed as an event line.
      onWarning: () => undefined,
    });
    if (scenario.dns.publish !== "auto") io.out.write("kmssim host: dns.publish is manual: no records are published\n");
    await publisher.publishAll(Math.max(0, clock.simNowMs()));
    publisher.start();
    const events = scenario.events.filter((e): e is HostEvent => e.kind === "host" && hosts.some((h) => h.spec.name === e.host));
    if (startAtMs === undefined) {
      if (events.length > 0) io.out.write("kmssim host: the scenario's host events are not applied without --start-at (they need the fleet's time 0)\n");
    } else {
      const publishing = publisher;
      for (const event of events) {
        const k = hosts.findIndex((h) => h.spec.name === event.host);
        // Events already past (a host started late) are applied at once, in order.
        const fire = (): void => {
          io.out.write(`kmssim host: ${event.host} ${event.action} (scenario event at simulated ${event.atMs / 1000} s)\n`);
          applyHostEvent(event, servers[k], hosts[k].index, publishing).catch((error: unknown) =>
            io.err.write(`kmssim host: ${event.host}: the ${event.action} event failed: ${error instanceof Error ? error.message : String(error)}\n`),
          );
        };
        eventTimers.push(clock.at(event.atMs, fire));
      }
      const aheadS = -clock.simNowMs() / timeScale / 1000;
      if (aheadS > 0) io.out.write(`kmssim host: simulated time 0 (--start-at ${options.startAt}) is in ${aheadS.toFixed(1)} s\n`);
    }
    io.out.write(`kmssim host: publishing to ${dns.host}:${dns.port} every ${scenario.dns.publishIntervalMs / 1000 / timeScale} s (wall); stop with Ctrl-C\n`);
    await stopped;
    // Counted before the listeners close: what each host is and has counted at the stop.
    if (options.out !== undefined) report = hostReport(scenario, options.startAt ?? null, clock, started);
  } finally {
    eventTimers.forEach((t) => t.clear());
    await metrics?.close();
    await publisher?.close();
    await Promise.all(started.map((s) => s.stop()));
  }
  for (const server of started) {
    const snap = server.snapshot();
    const dropped = snap.idleClosed + snap.evicted + snap.overCap;
    const connections =
      dropped === 0 ? "" : `; connections closed: ${snap.idleClosed} idle, ${snap.evicted} evicted at the cap, ${snap.overCap} refused at the cap`;
    io.out.write(`kmssim host: ${snap.name}: ${snap.requests} requests (${snap.activations} activations, ${snap.renewals} renewals)${connections}\n`);
  }
  if (report !== null && options.out !== undefined) {
    await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
    io.out.write(`kmssim host: the hosts' counts are in ${options.out} (kmssim merge --hosts)\n`);
  }
  io.out.write("kmssim host: stopped\n");
  return EXIT.pass;
}

/** A host as its live metrics read it. */
function hostView(server: KmsHostServer): HostProcessView {
  const snap = server.snapshot();
  return { ...snap, up: snap.state === "up", inService: server.inService, waiting: server.waiting };
}

function hostReport(scenario: Scenario, startAt: string | null, clock: CompressedClock, servers: readonly KmsHostServer[]): HostReport {
  const nowMs = Math.max(0, clock.simNowMs());
  return {
    schema: HOST_REPORT_SCHEMA,
    scenario: scenario.name,
    seed: scenario.seed,
    startAt,
    simulatedSeconds: Math.round(nowMs) / 1000,
    hosts: servers.map((server) => server.selfCount(nowMs)),
  };
}

function selectHosts(scenario: Scenario, only: readonly string[] | undefined): { spec: HostSpec; index: number }[] {
  const all = scenario.hosts.map((spec, index) => ({ spec, index }));
  if (only === undefined || only.length === 0) return all;
  const names = scenario.hosts.map((h) => h.name);
  return only
    .flatMap((name) => name.split(","))
    .map((name) => {
      const found = all.find((h) => h.spec.name === name);
      if (found === undefined) throw new KmssimError(`--only: the scenario has no host '${name}'${didYouMean(name, names)}; hosts: ${names.join(", ")}`);
      return found;
    });
}

/**
 * Where the hosts publish. A --dns the user typed is their word (any address but "any");
 * a scenario's dns.server follows the loopback rule, like `run`'s (--allow-address).
 */
function dnsServerOf(scenario: Scenario, flag: string | undefined, allowAddress: readonly string[]): { host: string; port: number } {
  if (flag !== undefined) {
    const parsed = parseHostPort(flag, 53, 1);
    if (!parsed.ok) throw new KmssimError(`--dns: ${parsed.message}`);
    if (isUnspecified(parsed.value.host)) {
      throw new KmssimError(
        `--dns: ${parsed.value.host} means "any address", not a server to send to; give the DNS server's own address (127.0.0.1 for this machine)`,
      );
    }
    return parsed.value;
  }
  const fromScenario = externalDnsServer(scenario);
  if (fromScenario === null) {
    throw new KmssimError("no DNS server to publish to: give --dns host:port (e.g. a `kmssim dns` on 127.0.0.1:5353) or set dns.server in the scenario");
  }
  const problem = scenarioDestinationProblem("dns.server", fromScenario.host, allowAddress);
  if (problem !== null) throw new KmssimError(`${problem}, or give the server on the command line with --dns`, NOT_LOOPBACK);
  return fromScenario;
}

function keyOf(scenario: Scenario, keyFile: string | undefined): TsigKey | null {
  if (keyFile !== undefined) return readTsigKeyFile(keyFile)[0];
  // Without a key in the scenario the updates go unsigned (the server decides).
  return scenario.dns.tsig === null ? null : keyForRun(scenario);
}

function portsOf(hosts: readonly { spec: HostSpec }[], portBase: number | undefined, address: string): number[] {
  if (portBase !== undefined) {
    if (!Number.isInteger(portBase) || portBase < 0 || portBase + hosts.length - 1 > 65535) {
      throw new KmssimError(`--port-base: expected a port 0..${65536 - hosts.length} (0: any free port), got ${portBase}`);
    }
    return hosts.map((_, k) => (portBase === 0 ? 0 : portBase + k));
  }
  const ports = hosts.map((h) => h.spec.port);
  const seen = new Map<number, string>();
  hosts.forEach(({ spec }) => {
    const other = seen.get(spec.port);
    if (other !== undefined) {
      throw new KmssimError(
        `hosts ${other} and ${spec.name} both use port ${spec.port} on ${address}: give each its own port in the scenario, or use --port-base 17000 (or 0 for any free port)`,
      );
    }
    seen.set(spec.port, spec.name);
  });
  return ports;
}

function bindError(error: unknown, where: string, name: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new KmssimError(`${name}: ${where} is already in use; pick other ports (--port-base)`, "KMSSIM_PORT_IN_USE");
  if (code === "EADDRNOTAVAIL") return new KmssimError(`${name}: ${where} is not an address of this machine (--listen)`, "KMSSIM_NOT_AN_ADDRESS");
  if (code === "EACCES")
    return new KmssimError(`${name}: not allowed to listen on ${where} (ports below 1024 need root; use --port-base)`, "KMSSIM_LISTEN_DENIED");
  return error instanceof Error ? error : new Error(String(error));
}
