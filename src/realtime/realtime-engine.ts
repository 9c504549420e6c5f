// Realtime driver: the scenario on real sockets on loopback. The main thread runs the
// embedded DNS server and one TCP listener per host, applies the scenario's events at
// their (compressed) times and samples the timeline; worker threads run the clients,
// each a slice of the fleet plan. At the end the slices' counters and histograms are
// merged exactly into the same run totals the virtual engine produces.

import { Worker } from "node:worker_threads";
import { LicenseStatus } from "../core/license.js";
import { cmidPrefix } from "../core/protocol/cmid.js";
import { Mulberry32, deriveSeed } from "../core/rng.js";
import type { FleetEventRecord, TimelineSample } from "../output/result.js";
import { formatDurationShort } from "../output/format-duration.js";
import { formatScale } from "../output/format-number.js";
import { planFleet, refreshContexts, sampleTimes, type FleetPlan } from "../plan/fleet-plan.js";
import { OutcomeStats } from "../run/outcome-stats.js";
import type { HostTotals, RunTotals } from "../run/run-totals.js";
import type { Scenario, ScenarioEvent } from "../scenario/model.js";
import type { RpcTarget } from "./client/rpc-call.js";
import { CompressedClock, type ClockTimer } from "./compressed-clock.js";
import { EmbeddedDnsServer } from "./dns/dns-server.js";
import { externalDnsServer, keyForRun } from "./dns/run-key.js";
import { DnsZone } from "./dns/zone.js";
import { HostPublisher, publishedHost, publishingOn, targetNameOf } from "./host/host-publisher.js";
import type { SliceProgress } from "./fleet/fleet-driver.js";
import { createSlice } from "./fleet/slice-runner.js";
import { sliceTotalsToWire, type FromWorker, type SliceSetup, type SliceTotalsWire, type ToWorker } from "./fleet/slice-wire.js";
import { DEFAULT_MAX_CONNECTIONS, RESERVED_DESCRIPTORS } from "./host/connection-limits.js";
import { hostServerFromSpec } from "./host/host-from-spec.js";
import type { KmsHostServer } from "./host/host-server.js";
import { emptyLiveRpcWire } from "./metrics/live-rpc-counts.js";
import type { LiveRunView } from "./metrics/live-view.js";
import { applyHostEvent } from "./host/host-event.js";
import { newHostCounters } from "../core/host/host-logic.js";
import { NOT_LOOPBACK, NotLoopbackError } from "./fleet/address-guard.js";
import { shardSize, WHOLE_FLEET, type ShardSpec } from "../core/shard/shard.js";
import { shardSlices, type SliceRange } from "./fleet/shard-slices.js";
import { ThreadLoadMonitor, type ThreadLoad } from "./fleet/thread-load.js";
import { DEFAULT_PACE, lagBudgetSimMs, nextScale, type PaceSettings } from "../core/pacing/pace-controller.js";
import { MAX_CLOCK_SKEW_MS } from "../core/host/thresholds.js";
import { generatorReport } from "./generator-report.js";
import { TimelineSampler } from "./timeline-sampler.js";
import { faultArmed } from "../self-test/fault-sites.js";

export interface RealtimeOptions {
  clients?: number;
  /** Worker threads for the clients; 0 runs them on the main thread. */
  workers: number;
  onProgress?: (fraction: number, detail: string) => void;
  /** Polled; true stops the fleet (Ctrl-C): in-flight requests finish, the rest is reported. */
  shouldStop?: () => boolean;
  /** Plain-language problems that do not stop the run (a DNS server refusing updates). */
  onWarning?: (message: string) => void;
  /** Called once the fleet starts: a view the live metrics (--metrics-port) read at scrape time. */
  onLive?: (view: LiveRunView) => void;
  /** Run only this shard's clients (default the whole fleet); each keeps its global identity. */
  shard?: ShardSpec;
  /**
   * The scenario's hosts run elsewhere (`kmssim host`) and publish to dns.server: no
   * listeners and no publisher here; clients find the hosts by DNS alone.
   */
  externalHosts?: boolean;
  /** Simulated time 0 at this wall instant (ms since the epoch; --start-at); default just after set-up. */
  originEpochMs?: number;
  /** Non-loopback IPv4 addresses the clients may connect to (--allow-address). */
  allowAddress?: readonly string[];
  /**
   * adaptive (default): simulated time slows while the generator falls behind; strict: the
   * requested rate throughout. Runs on a shared wall clock (--start-at, --external-hosts)
   * are always strict: other machines cannot follow a rate this process changes.
   */
  clock?: "adaptive" | "strict";
}

export class RunFailedError extends Error {
  /** What the surviving workers measured, when a worker died mid-run. */
  partial?: RunTotals & { illegalInputs: number; wallSeconds: number };
  constructor(
    message: string,
    /**
     * What failed: a fleet worker (its clients' sockets), a scenario event (a host's
     * listener), or this machine's limits (descriptors, ports: the slices stopped there).
     */
    readonly source: "worker" | "event" | "local" = "worker",
  ) {
    super(message);
    this.name = "RunFailedError";
  }
}

/** How often the adaptive clock looks at the generator's lag. */
const PACE_EVERY_MS = 250;

/** Time the workers get to start before simulated time 0. */
const START_DELAY_MS = 300;
/** Set-up past --start-at by more than this is worth a warning. */
const LATE_START_WARN_MS = 1000;
const HOST_STREAM_BASE = 0x7c00_0000;
/** The embedded scavenger looks at least this often for records published since its last look. */
const SCAVENGE_POLL_WALL_MS = 1000;
/** ...and not more often than this (the old fixed poll) for records published since. */
const SCAVENGE_MIN_WALL_MS = 50;

interface Slice {
  post(message: ToWorker): void;
  done: Promise<SliceTotalsWire>;
  latest: SliceProgress;
  /** The worst lag reported since the pace controller last looked (wall ms). */
  lagSinceLookMs: number;
  /** The worker thread's load, once it reported its totals (null: in-process, or none yet). */
  thread: ThreadLoad | null;
  terminate(): Promise<void>;
}

export async function runRealtime(scenario: Scenario, options: RealtimeOptions): Promise<RunTotals & { illegalInputs: number; wallSeconds: number }> {
  const plan = planFleet(scenario, options.clients);
  const shard = options.shard ?? WHOLE_FLEET;
  const shardClients = shardSize(shard, plan.total);
  const externalHosts = options.externalHosts === true;
  let clock = new CompressedClock(options.originEpochMs ?? CompressedClock.wallNowMs(), scenario.timeScale);
  const hostRng = new Mulberry32(deriveSeed(scenario.seed, HOST_STREAM_BASE));
  const prefix = cmidPrefix(scenario.seed);
  const servers: (KmsHostServer | null)[] = plan.dns.endpoints.map((endpoint, index) =>
    endpoint.hostIndex < 0 || externalHosts
      ? null
      : hostServerFromSpec(scenario.hosts[endpoint.hostIndex], index, {
          address: "127.0.0.1",
          port: 0,
          simNow: () => clock.simNowMs(),
          rng: () => hostRng.next(),
          cmidPrefix: prefix,
          // A request older than the RPC timeout is abandoned, so that bounds its transit.
          transitAllowanceMs: scenario.network.rpcTimeoutMs * scenario.timeScale,
          rpcTimeoutMs: scenario.network.rpcTimeoutMs,
          // Each client has at most one request in flight: the fleet alone never reaches the cap.
          limits: { maxConnections: Math.max(DEFAULT_MAX_CONNECTIONS, shardClients + RESERVED_DESCRIPTORS) },
        }),
  );
  // Throws KeyFileError (bad input) before anything starts. A fleet whose hosts run
  // elsewhere publishes nothing: its machines need no secret.
  const key = externalHosts ? null : keyForRun(scenario);
  const external = externalDnsServer(scenario);
  // Record ages (scavenging) run on the simulated clock; TSIG times on the wall clock.
  // Before time 0 (a --start-at ahead) the clock reads negative: records age from 0, as the publisher publishes "at 0".
  const zone = new DnsZone(plan.dns.domains, { nowMs: () => Math.max(0, clock.simNowMs()) });
  // Every client of the run asks from 127.0.0.1: a per-address cap would refuse the load itself.
  const dnsServer =
    external === null ? new EmbeddedDnsServer({ zone, keys: key === null ? [] : [key], maxTcpConnectionsPerAddress: Number.MAX_SAFE_INTEGER }) : null;
  let publisher: HostPublisher | null = null;
  const slices: Slice[] = [];
  /** Every slice stops issuing work (what is in flight still ends): a failure, a limit, Ctrl-C. */
  const stopSlices = (): void => slices.forEach((s) => s.post({ type: "stop" }));
  const startedWall = CompressedClock.wallNowMs();
  const timers: ClockTimer[] = [];
  try {
    const targets: (RpcTarget | null)[] = [];
    for (const server of servers) targets.push(server === null ? null : await server.start());
    addStaticRecords(plan, zone, targets);
    const dnsAddress = external ?? { host: "127.0.0.1", port: (await dnsServer!.start()).port };
    const recordChanged = (host: number, domain: string, present: boolean): void => {
      const spec = scenario.hosts[host];
      if (plan.dns.setRecord(plan.dns.domainId(domain), { host, priority: spec.priority, weight: spec.weight }, present)) refreshContexts(plan);
    };
    let heldWarnings: string[] | null = [];
    // Hosts elsewhere publish themselves; scenario events for them are theirs to carry out.
    if (externalHosts && scenario.events.some((e) => e.kind === "host")) {
      options.onWarning?.("kmssim: the scenario's host events are logged in the result but carried out by `kmssim host --start-at` on the hosts' machines, not by this run");
    }
    publisher = externalHosts ? null : new HostPublisher({
      scenario,
      hosts: servers.flatMap((server, index) => {
        const target = targets[index];
        return server === null || target === null ? [] : [publishedHost(index, scenario.hosts[index], target)];
      }),
      ...publishingOn(scenario, () => clock, dnsAddress, key),
      scavengeByDelete: external !== null,
      onRecord: recordChanged,
      // Held back until the run is known to go on: a server that never answers fails it instead.
      onWarning: (message) => (heldWarnings === null ? options.onWarning?.(message) : heldWarnings.push(message)),
    });
    // Time 0 of the run: every host has published (or failed to) before the first client boots.
    await publisher?.publishAll(0);
    if (publisher !== null && external !== null && publisher.attempts > 0 && publisher.unanswered === publisher.attempts) {
      throw new RunFailedError(
        `the DNS server ${external.host}:${external.port} (dns.server) does not answer: no host could publish its records ` +
          `(${publisher.events[0]?.reason ?? "no reply"}). Start the server, or fix dns.server in the scenario.`,
      );
    }
    for (const message of heldWarnings) options.onWarning?.(message);
    heldWarnings = null;

    const clockMode = options.clock === "strict" || externalHosts || options.originEpochMs !== undefined ? "strict" : "adaptive";
    clock = new CompressedClock(options.originEpochMs ?? CompressedClock.wallNowMs() + START_DELAY_MS, scenario.timeScale, { adaptive: clockMode === "adaptive" });
    // With --start-at, set-up may outlast the wait: the clients due meanwhile all go out at once.
    const lateWallMs = CompressedClock.wallNowMs() - clock.originEpochMs;
    if (options.originEpochMs !== undefined && lateWallMs > LATE_START_WARN_MS) {
      options.onWarning?.(
        `set-up ended ${(lateWallMs / 1000).toFixed(1)} s after --start-at, ${formatDurationShort((lateWallMs * scenario.timeScale) / 1000)} of simulated time: ` +
          "clients due before now start at once. Give a later --start-at.",
      );
    }
    publisher?.start();
    // A worker takes a strided run of global clients (see shard-slices).
    const setupFor = (range: SliceRange, sliceIndex: number): SliceSetup => ({
      scenario,
      clients: options.clients,
      ...range,
      sliceIndex,
      allowAddress: options.allowAddress,
      originEpochMs: clock.originEpochMs,
      clockBuffer: clock.segments.buffer,
      dnsServer: dnsAddress,
      endpoints: targets,
      cmidPrefix: prefix,
    });
    shardSlices(shard, plan.total, options.workers).forEach((range, sliceIndex) => {
      const setup = setupFor(range, sliceIndex);
      slices.push(options.workers === 0 ? inProcessSlice(setup) : workerSlice(setup));
    });

    options.onLive?.(liveView(plan, shardClients, servers, slices, clock));
    const mainLoad = new ThreadLoadMonitor("main");
    const pace: PaceSettings = { ...DEFAULT_PACE, requestedScale: scenario.timeScale, lagBudgetSimMs: lagBudgetSimMs(shortestTimedIntervalMs(scenario)) };
    let minTimeScale = scenario.timeScale;
    let lastPaceMs = CompressedClock.wallNowMs();
    const events: FleetEventRecord[] = [];
    // Hosts elsewhere are taken as serving: their state is not known here.
    const servingMask = (): number =>
      servers.reduce(
        (mask, server, index) => ((server !== null && server.state === "up") || (externalHosts && plan.dns.endpoints[index].hostIndex >= 0) ? mask | (1 << index) : mask),
        0,
      ) >>> 0;
    const broadcastServing = (): void => slices.forEach((s) => s.post({ type: "serving", mask: servingMask() }));
    let eventError: Error | null = null;
    // Named fault site (a test of this path): KMSSIM_INJECT_FAULT=event-fail fails the first host event.
    let injectEventFault = faultArmed("event-fail");
    for (const event of scenario.events) {
      const fire = (): void => {
        // Host state changes at once; the listener work (close, re-listen) may follow.
        const done = applyEvent(event, servers, dnsServer, events, publisher, externalHosts);
        if (injectEventFault && event.kind === "host") {
          injectEventFault = false;
          eventError ??= new Error(`injected fault: event-fail (${event.action} ${event.host})`);
          stopSlices();
        }
        broadcastServing();
        done.then(broadcastServing, (err: Error) => {
          eventError ??= err;
          stopSlices();
        });
      };
      timers.push(clock.at(event.atMs, fire));
    }
    if (dnsServer !== null && scenario.dns.scavengeAfterMs > 0) {
      // The embedded server scavenges like Windows DNS: records not refreshed for the age go.
      // It wakes when the first record goes stale, so a `scavenged` event is on time (a fixed
      // poll was up to 50 wall ms late: 72 simulated minutes at 86400), and at least once per
      // SCAVENGE_POLL_WALL_MS for records published since.
      const ageMs = scenario.dns.scavengeAfterMs;
      let scavengeTimer: ClockTimer | null = null;
      const scavengeStep = (): void => {
        // Past the end (answers still in flight) the run's simulated time is over.
        if (clock.simNowMs() > scenario.durationMs) return;
        const removed = zone.scavenge(ageMs);
        for (const record of removed.srv) {
          const host = servers.findIndex((s) => s !== null && targetNameOf(s.name, record.domain) === record.target);
          if (host >= 0) {
            recordChanged(host, record.domain, false);
            publisher?.recordRemoved(host, record.domain);
          }
          events.push({ t: Math.max(0, clock.simNowMs()) / 1000, kind: "dns", target: host >= 0 ? servers[host]!.name : record.target, action: "scavenged", domain: record.domain });
        }
        // A record published after this wake goes stale no sooner than ageMs from now: waking
        // by then sees it even when the zone now holds none (else a late scavenge by up to the poll).
        const pollAfterMs = Math.min(SCAVENGE_POLL_WALL_MS * scenario.timeScale, Math.max(ageMs, SCAVENGE_MIN_WALL_MS * scenario.timeScale));
        const pollAtMs = Math.max(0, clock.simNowMs()) + pollAfterMs;
        scavengeTimer = clock.at(Math.min(zone.nextStaleAtMs(ageMs), pollAtMs), scavengeStep);
      };
      scavengeTimer = clock.at(0, scavengeStep);
      timers.push({ clear: () => scavengeTimer?.clear() });
    }
    const timeline = new TimelineSampler(plan, externalHosts, servers, slices, clock);
    for (const t of sampleTimes(scenario)) timers.push(clock.at(t, () => timeline.take(t)));

    let lastSent = 0;
    let lastPollMs = CompressedClock.wallNowMs();
    let rate = 0;
    const stopPoll = setInterval(() => {
      const fraction = Math.min(1, Math.max(0, clock.simNowMs()) / scenario.durationMs);
      const activated = slices.reduce((a, s) => a + s.latest.activated, 0);
      const sent = slices.reduce((a, s) => a + s.latest.sent, 0);
      const failed = slices.reduce((a, s) => a + s.latest.failed, 0);
      const nowWall = CompressedClock.wallNowMs();
      if (nowWall - lastPollMs >= 1000) {
        rate = ((sent - lastSent) * 1000) / (nowWall - lastPollMs);
        lastSent = sent;
        lastPollMs = nowWall;
      }
      if (clock.adaptive && nowWall - lastPaceMs >= PACE_EVERY_MS && clock.simNowMs() < scenario.durationMs) {
        lastPaceMs = nowWall;
        // The worst lag of any thread: a worker sending late, or the hosts' loop reading late.
        const lagMs = slices.reduce((worst, s) => Math.max(worst, s.lagSinceLookMs), mainLoad.takeWindowP99Ms());
        slices.forEach((s) => (s.lagSinceLookMs = 0));
        clock.setScale(nextScale(clock.timeScale, lagMs, pace));
        minTimeScale = Math.min(minTimeScale, clock.timeScale);
      }
      const p99Ms = slices.reduce((a, s) => Math.max(a, s.latest.p99Ms), 0);
      const slowed = clock.timeScale < scenario.timeScale ? ` · clock ${formatScale(clock.timeScale)}` : "";
      options.onProgress?.(fraction, `${activated}/${shardClients} activated · ${rate.toFixed(0)} RPC/s · p99 ${p99Ms.toFixed(1)} ms · ${failed} failed${slowed}`);
      if (options.shouldStop?.()) {
        stopSlices();
        timers.forEach((t) => t.clear());
        clearInterval(stopPoll);
      }
    }, 100);
    // A worker that dies stops the others; what they measured is still reported.
    let workerFailure: RunFailedError | null = null;
    let settled: PromiseSettledResult<SliceTotalsWire>[];
    try {
      settled = await Promise.allSettled(
        slices.map((s) =>
          s.done.then((t) => {
            // Out of descriptors or ports in one slice: the others are about to be too.
            if (t.localLimit !== null) stopSlices();
            return t;
          }).catch((err: unknown) => {
            workerFailure ??= err instanceof RunFailedError ? err : new RunFailedError(String(err));
            stopSlices();
            throw err;
          }),
        ),
      );
    } finally {
      clearInterval(stopPoll);
      timers.forEach((t) => t.clear());
    }
    // A DNS answer named an address outside the loopback rule: bad input, not a measurement.
    const refusal = settled.find((s) => s.status === "rejected" && isNotLoopback(s.reason));
    if (refusal !== undefined) throw asNotLoopback((refusal as PromiseRejectedResult).reason);
    const reported = settled.flatMap((s, k) => (s.status === "fulfilled" ? [{ slice: slices[k], totals: s.value }] : []));
    const totals = reported.map((r) => r.totals);
    const nowMs = Math.min(clock.simNowMs(), scenario.durationMs);
    // The last sample reports the final counts, not the last progress message's.
    for (const { slice, totals: t } of reported) {
      slice.latest = { ...slice.latest, activated: t.activatedClients, licensed: t.byStatus[LicenseStatus.Licensed] };
    }
    timeline.finish(nowMs, totals);
    await publisher?.close();
    const allEvents = [...events, ...(publisher?.events ?? [])].sort((a, b) => a.t - b.t);
    const threads = [mainLoad.finish(), ...slices.flatMap((s) => (s.thread === null ? [] : [s.thread]))];
    const generator = generatorReport({
      clock: clockMode,
      requestedTimeScale: scenario.timeScale,
      minTimeScale,
      simulatedMs: Math.max(0, nowMs),
      // Until simulated time reached its end (or the stop), not the drain of answers after it.
      wallMs: Math.min(CompressedClock.wallNowMs(), clock.wallAtMs(Math.max(0, nowMs))) - clock.originEpochMs,
      rpcSent: totals.reduce((a, t) => a + t.activation.sent + t.renewal.sent, 0),
      sendLagHistograms: totals.map((t) => t.sendLagHistogram),
      lateSends: totals.reduce((a, t) => a + t.lateSends, 0),
      threads,
    });
    const merged = {
      ...mergeTotals(plan, shardClients, externalHosts, nowMs, totals, servers, allEvents, timeline.samples),
      generator,
      wallSeconds: (CompressedClock.wallNowMs() - startedWall) / 1000,
    };
    // A scenario event that could not be carried out stopped the fleet: what it measured
    // until then is reported, marked incomplete (the scenario did not run as written).
    const eventFailure = eventError === null ? null : new RunFailedError(`a scenario event could not be carried out: ${(eventError as Error).message}`, "event");
    const localLimit = totals.find((t) => t.localLimit !== null)?.localLimit ?? null;
    const limitFailure =
      localLimit === null ? null : new RunFailedError(`${localLimit}: this machine ran out of ${shortageOf(localLimit)}; the fleet stopped there`, "local");
    const failure = (workerFailure as RunFailedError | null) ?? eventFailure ?? limitFailure;
    if (failure !== null) {
      const clientsReported = totals.reduce((a, t) => a + t.clients, 0);
      failure.partial = { ...merged, clientsTotal: clientsReported, incomplete: { reason: failure.message, clientsUnreported: shardClients - clientsReported } };
      throw failure;
    }
    return merged;
  } finally {
    timers.forEach((t) => t.clear());
    // Whatever the publisher's last updates did, the workers and listeners still get stopped.
    await publisher?.close().catch(() => undefined);
    await Promise.all(slices.map((s) => s.terminate()));
    await Promise.all(servers.map((s) => s?.stop()));
    await dnsServer?.stop();
  }
}

/** What an errno of LOCAL_ERRNO says ran out, in plain words. */
function shortageOf(errno: string): string {
  if (errno === "EMFILE" || errno === "ENFILE") return "file descriptors";
  if (errno === "EADDRNOTAVAIL" || errno === "EADDRINUSE") return "local ports";
  return "memory for sockets";
}

/** The shortest interval the model times (retries, renewals, the hosts' skew allowance): the lag budget scales with it. */
function shortestTimedIntervalMs(scenario: Scenario): number {
  const intervals = [
    MAX_CLOCK_SKEW_MS,
    ...scenario.clients.flatMap((g) => [g.activationIntervalMs, g.renewalIntervalMs]),
    ...scenario.hosts.flatMap((h) => [h.activationIntervalMs ?? Infinity, h.renewalIntervalMs ?? Infinity]),
  ];
  return Math.min(...intervals);
}

/**
 * The hand-made records of dns.records in the embedded zone, static (never scavenged):
 * `_vlmcs._tcp.<domain>` SRV records and their targets' A records. Hosts publish their
 * own records with updates (publish: auto).
 */
function addStaticRecords(plan: FleetPlan, zone: DnsZone, targets: readonly (RpcTarget | null)[]): void {
  const ttlSeconds = Math.max(0, Math.round(plan.scenario.dns.ttlMs / 1000));
  plan.dns.domains.forEach((domain, domainId) => {
    for (const { host, priority, weight } of plan.dns.candidatesOf(plan.dns.answerOf(domainId))) {
      const target = targets[host];
      const name = targetNameOf(plan.dns.endpoints[host].name, domain);
      // A target nothing listens on keeps its SRV record but has no address.
      zone.addSrv(domain, { target: name, port: target?.port ?? 1688, priority, weight, ttlSeconds }, { static: true });
      if (target !== null) zone.addA(name, target.address, ttlSeconds, { static: true });
    }
  });
}

async function applyEvent(
  event: ScenarioEvent,
  servers: readonly (KmsHostServer | null)[],
  dns: EmbeddedDnsServer | null,
  log: FleetEventRecord[],
  publisher: HostPublisher | null,
  externalHosts: boolean,
): Promise<void> {
  if (event.kind === "dns") {
    // An external server is not ours to stop: the event is only logged.
    dns?.setUp(event.action === "up");
    log.push({ t: event.atMs / 1000, kind: "dns", target: "dns", action: event.action });
    return;
  }
  // Hosts elsewhere: logged as today; `kmssim host --start-at` carries the event out.
  if (externalHosts) {
    log.push({ t: event.atMs / 1000, kind: "host", target: event.host, action: event.action });
    return;
  }
  const index = servers.findIndex((s) => s !== null && s.name === event.host);
  if (index < 0) return;
  log.push({ t: event.atMs / 1000, kind: "host", target: event.host, action: event.action });
  return applyHostEvent(event, servers[index]!, index, publisher);
}

/** A slice failed because a DNS answer named an address the clients may not connect to. */
function isNotLoopback(err: unknown): boolean {
  return err instanceof NotLoopbackError || (err as { code?: unknown } | null)?.code === NOT_LOOPBACK;
}

/** The same error, as a NotLoopbackError again when it crossed from a worker thread. */
function asNotLoopback(err: unknown): NotLoopbackError {
  if (err instanceof NotLoopbackError) return err;
  const e = err as { domain?: string; target?: string; address?: string; message?: string };
  return new NotLoopbackError(e.domain ?? "?", e.target ?? "?", e.address ?? "?");
}

/** The running fleet as the live metrics see it (hosts' counters, workers' latest progress). */
function liveView(plan: FleetPlan, clientsTotal: number, servers: readonly (KmsHostServer | null)[], slices: readonly Slice[], clock: CompressedClock): LiveRunView {
  return {
    clientsTotal,
    simulatedSeconds: () => Math.min(Math.max(0, clock.simNowMs()), plan.scenario.durationMs) / 1000,
    hosts: () =>
      servers.flatMap((s) =>
        s === null ? [] : [{ name: s.name, up: s.state === "up", requests: s.requests, unanswered: s.unanswered, lost: s.lost, late: s.late, badFrames: s.badFrames }],
      ),
    slices: () => slices.map((s) => s.latest),
    endpointName: (index) => plan.dns.endpoints[index]?.name ?? (index < 0 ? "none" : `endpoint-${index}`),
  };
}

/**
 * A worker reports progress every 50–250 ms once its slice is built; silence this long
 * means its thread is stuck (an endless loop never hears "stop" either). Building a slice
 * plans the whole fleet, so the first report may take much longer on a large fleet.
 */
const WORKER_SILENCE_LIMIT_MS = 10_000;
const WORKER_FIRST_REPORT_LIMIT_MS = 60_000;
const WORKER_WATCH_EVERY_MS = 1_000;
/** Said with every worker failure: the run cannot report what that worker measured. */
const RESULTS_LOST = "its clients' measurements are lost (the other workers' are reported)";

function workerSlice(setup: SliceSetup): Slice {
  const worker = new Worker(new URL("./fleet/fleet-worker.js", import.meta.url), { workerData: setup });
  let heardAtMs = CompressedClock.wallNowMs();
  let reported = false;
  let watchdog: NodeJS.Timeout | undefined;
  const slice: Slice = {
    latest: { activated: 0, licensed: 0, sent: 0, failed: 0, p99Ms: 0, sentBy: [], live: emptyLiveRpcWire(), lagMs: 0 },
    lagSinceLookMs: 0,
    thread: null,
    post: (message) => worker.postMessage(message),
    done: new Promise((resolve, reject) => {
      const settle = (error: Error | null, totals?: SliceTotalsWire): void => {
        clearInterval(watchdog);
        if (error === null) resolve(totals!);
        else reject(error);
      };
      worker.on("message", (message: FromWorker) => {
        heardAtMs = CompressedClock.wallNowMs();
        reported = true;
        if (message.type === "progress") {
          slice.latest = message;
          slice.lagSinceLookMs = Math.max(slice.lagSinceLookMs, message.lagMs);
        } else {
          slice.thread = message.thread;
          settle(null, message.totals);
        }
      });
      worker.on("error", (err) => settle(isNotLoopback(err) ? asNotLoopback(err) : new RunFailedError(`a fleet worker failed: ${err.message}; ${RESULTS_LOST}`)));
      worker.on("exit", (code) => {
        if (code !== 0) settle(new RunFailedError(`a fleet worker exited with code ${code}; ${RESULTS_LOST}`));
        else settle(new RunFailedError(`a fleet worker exited before reporting its results; ${RESULTS_LOST}`));
      });
      const silentTooLong = (): boolean =>
        CompressedClock.wallNowMs() - heardAtMs > (reported ? WORKER_SILENCE_LIMIT_MS : WORKER_FIRST_REPORT_LIMIT_MS);
      watchdog = setInterval(() => {
        // Messages that queued up while this thread was busy are delivered after timers:
        // look again once they have had their turn.
        if (silentTooLong()) {
          setImmediate(() => {
            if (!silentTooLong()) return;
            const seconds = Math.round((CompressedClock.wallNowMs() - heardAtMs) / 1000);
            settle(new RunFailedError(`a fleet worker stopped responding (no report for ${seconds} s); ${RESULTS_LOST}`));
          });
        }
      }, WORKER_WATCH_EVERY_MS);
    }),
    terminate: async () => {
      clearInterval(watchdog);
      await worker.terminate();
    },
  };
  return slice;
}

function inProcessSlice(setup: SliceSetup): Slice {
  const { driver, close } = createSlice(setup);
  const slice: Slice = {
    latest: { activated: 0, licensed: 0, sent: 0, failed: 0, p99Ms: 0, sentBy: [], live: emptyLiveRpcWire(), lagMs: 0 },
    lagSinceLookMs: 0,
    // Its thread is the main one, measured as "main".
    thread: null,
    post: (message) => (message.type === "serving" ? driver.setServingMask(message.mask) : driver.stop()),
    // The resolver's socket is closed on failure too, or it would hold the process open.
    done: driver.run().then(
      async () => {
        await close();
        return sliceTotalsToWire(driver.totals());
      },
      async (err: unknown) => {
        await close();
        throw err;
      },
    ),
    terminate: async () => driver.stop(),
  };
  const progress = setInterval(() => {
    slice.latest = driver.progress();
    slice.lagSinceLookMs = Math.max(slice.lagSinceLookMs, slice.latest.lagMs);
  }, 250);
  // Both branches handled: a failed slice is reported through `done`, not as an unhandled rejection.
  const stopProgress = (): void => clearInterval(progress);
  void slice.done.then(stopProgress, stopProgress);
  return slice;
}

/** Adds a slice's per-endpoint counts into `sum`, index by index. */
function addInto(sum: number[], counts: readonly number[]): void {
  counts.forEach((n, k) => (sum[k] = (sum[k] ?? 0) + n));
}

function mergeTotals(
  plan: FleetPlan,
  clientsTotal: number,
  externalHosts: boolean,
  nowMs: number,
  slices: readonly SliceTotalsWire[],
  servers: readonly (KmsHostServer | null)[],
  events: FleetEventRecord[],
  timeline: TimelineSample[],
): RunTotals & { illegalInputs: number } {
  const activation = new OutcomeStats();
  const renewal = new OutcomeStats();
  const dns = new OutcomeStats();
  const attemptErrors = new Map<number, number>();
  const byStatus = [0, 0, 0, 0];
  const endpoints = plan.dns.endpoints.length;
  const expected = new Array<number>(endpoints).fill(0);
  const refused = new Array<number>(endpoints).fill(0);
  const answered = new Array<number>(endpoints).fill(0);
  const reset = new Array<number>(endpoints).fill(0);
  const timedOut = new Array<number>(endpoints).fill(0);
  const sent = new Array<number>(endpoints).fill(0);
  const renewalsSent = new Array<number>(endpoints).fill(0);
  let activated = 0;
  let inFlight = 0;
  let failovers = 0;
  let rediscoveries = 0;
  let illegalInputs = 0;
  for (const s of slices) {
    activation.addWire(s.activation);
    renewal.addWire(s.renewal);
    dns.addWire(s.dns);
    for (const [code, n] of s.attemptErrors) attemptErrors.set(code, (attemptErrors.get(code) ?? 0) + n);
    s.byStatus.forEach((n, k) => (byStatus[k] += n));
    addInto(expected, s.expectedRequests);
    addInto(refused, s.refusedBy);
    addInto(answered, s.answeredBy);
    addInto(reset, s.resetBy);
    addInto(timedOut, s.timedOutBy);
    addInto(sent, s.sentBy);
    addInto(renewalsSent, s.renewalsSentBy);
    activated += s.activatedClients;
    inFlight += s.inFlight;
    failovers += s.failovers;
    rediscoveries += s.rediscoveries;
    illegalInputs += s.illegalInputs;
  }
  const hosts: HostTotals[] = [];
  if (externalHosts) {
    plan.dns.endpoints.forEach((endpoint, k) => {
      if (endpoint.hostIndex < 0) return;
      hosts.push(hostSeenByClients(endpoint.name, k, { sent, renewalsSent, refused, reset, answered, timedOut, expected }));
    });
  }
  servers.forEach((server, k) => {
    if (server === null) return;
    const self = server.selfCount(Math.min(plan.scenario.durationMs, nowMs));
    hosts.push({
      ...self,
      // Refused: ECONNREFUSED, plus connections the crash reset before the host read
      // their request (still in the kernel's accept queue, or accepted but unread):
      // clients saw resets, and the host counted the requests it had read as lost.
      refused: refused[k] + Math.max(0, reset[k] - self.lost),
      expectedRequests: expected[k],
      clientAnswered: answered[k],
      clientTimedOut: timedOut[k],
    });
  });
  return {
    scenario: plan.scenario,
    mode: "realtime",
    nowMs,
    clientsTotal,
    activatedClients: activated,
    byStatus,
    attemptErrors,
    inFlight,
    activation,
    renewal,
    dns,
    hosts,
    failovers,
    rediscoveries,
    events,
    timeline,
    illegalInputs,
  };
}

/**
 * A host that runs elsewhere (`kmssim host`), as this run's clients saw it: what they sent
 * it, and how it went. The host's own books (its /dlv counters, counts per product, requests
 * it lost or answered late) live in that process and cannot be computed here: zeros, and
 * state "up" since this run does not know it.
 */
function hostSeenByClients(
  name: string,
  k: number,
  by: { sent: number[]; renewalsSent: number[]; refused: number[]; reset: number[]; answered: number[]; timedOut: number[]; expected: number[] },
): HostTotals {
  const at = (counts: number[]): number => counts[k] ?? 0;
  return {
    name,
    requests: at(by.sent),
    activations: at(by.sent) - at(by.renewalsSent),
    renewals: at(by.renewalsSent),
    // Refused, or reset before an answer: the clients cannot tell which the host read.
    refused: at(by.refused) + at(by.reset),
    unanswered: 0,
    lost: 0,
    late: 0,
    state: "up",
    dlv: newHostCounters(),
    count: {},
    lowCount: [],
    expectedRequests: at(by.expected),
    clientAnswered: at(by.answered),
    clientTimedOut: at(by.timedOut),
  };
}
