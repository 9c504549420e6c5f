// Realtime driver: the scenario on real sockets on loopback. The hosts' thread runs the
// embedded DNS server, one TCP listener per host, the scenario's events and the hosts'
// publishing (src/realtime/services); worker threads run the clients, each a slice of the
// fleet plan; the main thread only orchestrates: the clock's pace, progress, the live
// metrics and, at the end, the exact merge of every thread's counts into the same run
// totals the virtual engine produces.

import { LicenseStatus } from "../core/license.js";
import { cmidPrefix } from "../core/protocol/cmid.js";
import { DEFAULT_PACE, lagBudgetSimMs, nextScale, type PaceSettings } from "../core/pacing/pace-controller.js";
import { MAX_CLOCK_SKEW_MS } from "../core/host/thresholds.js";
import { shardSize, WHOLE_FLEET, type ShardSpec } from "../core/shard/shard.js";
import { formatDurationShort } from "../format/format-duration.js";
import { formatScale } from "../format/format-number.js";
import { planFleet, sampleTimes, type FleetPlan } from "../fleet-plan/fleet-plan.js";
import type { RunTotals } from "../results/run-totals.js";
import type { Scenario } from "../scenario/model.js";
import { CompressedClock, type ClockTimer } from "./compressed-clock.js";
import { keyForRun } from "../dns/run-key.js";
import { asNotLoopback, inProcessSlice, isNotLoopback, workerSlice, type Slice } from "./fleet/slice-handle.js";
import type { SliceTotalsWire } from "./fleet/slice-wire.js";
import { shardSlices } from "./fleet/shard-slices.js";
import { ThreadLoadMonitor } from "./fleet/thread-load.js";
import { generatorReport } from "./generator-report.js";
import type { LiveHostView, LiveRunView } from "./live-metrics/live-view.js";
import type { HostSelfCount } from "../results/host-report.js";
import { mergeTotals } from "./merge-slices.js";
import { RunFailedError } from "./run-failed-error.js";
import { servicesLink, type ServicesLink } from "./services/services-link.js";
import { TimelineSampler } from "./timeline-sampler.js";
import { injectedFault } from "../self-test/fault-sites.js";

export { RunFailedError };
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

/** How often the adaptive clock looks at the generator's lag. */
const PACE_EVERY_MS = 250;
/**
 * Simulated time 0 is this long after the last slice said it is built: the start message
 * reaches every thread first. Never a fixed wait from set-up: building a slice (loading a
 * worker, planning the fleet) takes a busy machine longer, and at a day per second every
 * wall ms lost there is 86 simulated seconds the clients would miss.
 */
const START_DELAY_MS = 100;
/** Set-up past --start-at by more than this is worth a warning. */
const LATE_START_WARN_MS = 1000;
/** The `main-busy` fault blocks the main thread this long in every period (a self-test of the hosts' own thread). */
const MAIN_BUSY_MS = 1500;
const MAIN_BUSY_EVERY_MS = 1600;

type RealtimeTotals = RunTotals & { illegalInputs: number; wallSeconds: number };

export async function runRealtime(scenario: Scenario, options: RealtimeOptions): Promise<RealtimeTotals> {
  const plan = planFleet(scenario, options.clients);
  const shard = options.shard ?? WHOLE_FLEET;
  const shardClients = shardSize(shard, plan.total);
  const externalHosts = options.externalHosts === true;
  // Throws KeyFileError (bad input) before anything starts. A fleet whose hosts run
  // elsewhere publishes nothing: its machines need no secret.
  const key = externalHosts ? null : keyForRun(scenario);
  const fault = injectedFault() ?? null;
  const startedWall = CompressedClock.wallNowMs();
  const slices: Slice[] = [];
  /** Set once the slices were told to stop: a run stopped before time 0 starts no clock. */
  let stopping = false;
  /** The timeline's sample timers. */
  const timers: ClockTimer[] = [];
  /** The run's simulated time once its clock exists; before that nothing has run. */
  let simNowMs = (): number => -Infinity;
  /**
   * Simulated time when the slices were first told to stop: the run ends there, not after
   * the drain of requests in flight (up to rpcTimeout with a hung host: days at 86,400×).
   */
  let stoppedAtSimMs = Infinity;
  /** Every slice stops issuing work (what is in flight still ends): a failure, a limit, Ctrl-C. */
  const stopSlices = (): void => {
    if (!stopping) stoppedAtSimMs = simNowMs();
    stopping = true;
    // No sample past the stop: the run's timeline ends there.
    timers.forEach((t) => t.clear());
    slices.forEach((s) => s.post({ type: "stop" }));
  };
  /** Why the run could not go on as written (the first reason wins). */
  const failures: { event: string | null; hosts: string | null } = { event: null, hosts: null };
  const services = servicesLink(
    {
      scenario,
      shardClients,
      clients: options.clients,
      externalHosts,
      setupOriginEpochMs: options.originEpochMs ?? startedWall,
      key: key === null ? null : { name: key.name, algorithm: key.algorithm, secret: new Uint8Array(key.secret) },
    },
    {
      serving: (mask) => slices.forEach((s) => s.post({ type: "serving", mask })),
      warning: (message) => options.onWarning?.(message),
      eventFailed: (message) => {
        failures.event ??= message;
        stopSlices();
      },
      failed: (message) => {
        failures.hosts ??= message;
        stopSlices();
      },
    },
    // With --workers 0 everything shares the main thread; otherwise the hosts get their own.
    { onThread: options.workers > 0, fault },
  );
  let mainBusy: NodeJS.Timeout | undefined;
  /** Set before the slices are built; stopped however the run ends. */
  let watch: FleetWatch | undefined;
  try {
    const ready = await services.start();
    // Hosts elsewhere publish themselves; scenario events for them are theirs to carry out.
    if (externalHosts && scenario.events.some((e) => e.kind === "host")) {
      options.onWarning?.(
        "kmssim: the scenario's host events are logged in the result but carried out by `kmssim host --start-at` on the hosts' machines, not by this run",
      );
    }
    ready.warnings.forEach((message) => options.onWarning?.(message));

    // The run's clock; its origin (time 0) is set once every slice is built, below, unless --start-at fixed it.
    const clockMode = options.clock === "strict" || externalHosts || options.originEpochMs !== undefined ? "strict" : "adaptive";
    const clock = new CompressedClock(options.originEpochMs ?? CompressedClock.wallNowMs() + START_DELAY_MS, scenario.timeScale, {
      adaptive: clockMode === "adaptive",
    });
    simNowMs = () => clock.simNowMs();
    let started = false;
    // A worker takes a strided run of global clients (see shard-slices).
    const prefix = cmidPrefix(scenario.seed);
    shardSlices(shard, plan.total, options.workers).forEach((range, sliceIndex) => {
      const setup = {
        scenario,
        clients: options.clients,
        ...range,
        sliceIndex,
        allowAddress: options.allowAddress,
        clockBuffer: clock.segments.buffer,
        dnsServer: ready.dnsServer,
        endpoints: ready.endpoints,
        cmidPrefix: prefix,
      };
      slices.push(options.workers === 0 ? inProcessSlice(setup) : workerSlice(setup));
    });
    const live = liveView(plan, shardClients, services, slices, clock);
    options.onLive?.(live.view);
    if (fault === "main-busy") mainBusy = setInterval(() => blockFor(MAIN_BUSY_MS), MAIN_BUSY_EVERY_MS);

    const mainLoad = new ThreadLoadMonitor("main");
    // Watching from now on: Ctrl-C while the slices are still being built stops them unrun.
    watch = watchFleet({ scenario, options, clock, slices, services, mainLoad, shardClients, started: () => started, onStop: stopSlices });
    await Promise.all(slices.map((s) => s.ready));
    // Time 0 of the run: every host has published (or failed to) and every slice is built
    // before the first client boots.
    if (options.originEpochMs === undefined) clock.startAt(CompressedClock.wallNowMs() + START_DELAY_MS);
    warnIfLate(clock, scenario, options);
    if (!stopping) services.run(clock);
    const timeline = new TimelineSampler(plan, ready.names, externalHosts, slices, clock, shard.count > 1);
    if (!stopping) for (const t of sampleTimes(scenario)) timers.push(clock.at(t, () => timeline.take(t)));
    started = true;
    // A slice stopped already only reports its (empty) totals.
    slices.forEach((s) => s.start());
    let settled: PromiseSettledResult<SliceTotalsWire>[];
    let workerFailure: RunFailedError | null = null;
    try {
      // A worker that dies stops the others; what they measured is still reported.
      settled = await Promise.allSettled(
        slices.map((s) =>
          s.done.then(
            (t) => {
              // Out of descriptors or ports in one slice: the others are about to be too.
              if (t.localLimit !== null) stopSlices();
              return t;
            },
            (err: unknown) => {
              workerFailure ??= err instanceof RunFailedError ? err : new RunFailedError(String(err));
              stopSlices();
              throw err;
            },
          ),
        ),
      );
    } finally {
      watch.stop();
      clearInterval(mainBusy);
      timers.forEach((t) => t.clear());
    }
    // A DNS answer named an address outside the loopback rule: bad input, not a measurement.
    const refusal = settled.find((s) => s.status === "rejected" && isNotLoopback(s.reason));
    if (refusal !== undefined) throw asNotLoopback((refusal as PromiseRejectedResult).reason);
    const reported = settled.flatMap((s, k) => (s.status === "fulfilled" ? [{ slice: slices[k], totals: s.value }] : []));
    const totals = reported.map((r) => r.totals);
    // Stopped before simulated time 0 (Ctrl-C during the start delay): nothing has run yet.
    const nowMs = Math.max(0, Math.min(clock.simNowMs(), stoppedAtSimMs, scenario.durationMs));
    // The last sample reports the final counts, not the last progress message's.
    for (const { slice, totals: t } of reported) {
      slice.latest = { ...slice.latest, activated: t.activatedClients, licensed: t.byStatus[LicenseStatus.Licensed] };
    }
    // What the live metrics show from here on (a push at the end): the hosts as they were
    // when the fleet stopped, not closed listeners, and the time the run stopped at.
    live.freeze(nowMs);
    const hosts = await services.finish(nowMs).catch((err: Error) => {
      failures.hosts ??= err.message;
      return null;
    });
    if (hosts !== null) live.settleHosts(hosts.report.hosts);
    // Hosts elsewhere: the clients' view of them; so too when the hosts' thread died.
    const hostBooks = externalHosts || hosts === null ? null : hosts.report;
    timeline.finish(nowMs, totals, hostBooks);
    // Stopped early: the hosts' thread went on (the drain, a message's way to it) past the end.
    const events = (hosts?.report.events ?? []).filter((e) => e.t <= nowMs / 1000);
    const generator = generatorReport({
      clock: clockMode,
      requestedTimeScale: scenario.timeScale,
      minTimeScale: watch.minTimeScale(),
      simulatedMs: Math.max(0, nowMs),
      // Until simulated time reached its end (or the stop), not the drain of answers after it.
      wallMs: Math.min(CompressedClock.wallNowMs(), clock.wallAtMs(Math.max(0, nowMs))) - clock.originEpochMs,
      // A backlog still leaving after the end (the end grace) is part of the sending.
      sendingWallMs: Math.max(0, ...totals.map((t) => t.lastSendWallMs - clock.originEpochMs)),
      rpcSent: totals.reduce((a, t) => a + t.activation.sent + t.renewal.sent, 0),
      sendLagHistograms: totals.map((t) => t.sendLagHistogram),
      lateSends: totals.reduce((a, t) => a + t.lateSends, 0),
      unsentAtEnd: totals.reduce((a, t) => a + t.unsentAtEnd, 0),
      threads: [mainLoad.finish(), ...(hosts?.thread == null ? [] : [hosts.thread]), ...slices.flatMap((s) => (s.thread === null ? [] : [s.thread]))],
    });
    const merged: RealtimeTotals = {
      ...mergeTotals(plan, shardClients, nowMs, totals, hostBooks?.hosts ?? null, events, timeline.samples),
      generator,
      wallSeconds: (CompressedClock.wallNowMs() - startedWall) / 1000,
    };
    const failure = workerFailure ?? runFailure(failures, totals);
    if (failure !== null) {
      // What was measured until then is reported, marked incomplete (the scenario did not run as written).
      const clientsReported = totals.reduce((a, t) => a + t.clients, 0);
      failure.partial = {
        ...merged,
        clientsTotal: clientsReported,
        incomplete: { reason: failure.message, clientsUnreported: shardClients - clientsReported },
      };
      throw failure;
    }
    return merged;
  } finally {
    clearInterval(mainBusy);
    watch?.stop();
    timers.forEach((t) => t.clear());
    await Promise.all(slices.map((s) => s.terminate()));
    await services.close();
  }
}

/** Why a run whose slices all reported still did not run as written, or null. */
function runFailure(failures: { event: string | null; hosts: string | null }, totals: readonly SliceTotalsWire[]): RunFailedError | null {
  if (failures.hosts !== null) return new RunFailedError(failures.hosts, "worker");
  if (failures.event !== null) return new RunFailedError(`a scenario event could not be carried out: ${failures.event}`, "event");
  const localLimit = totals.find((t) => t.localLimit !== null)?.localLimit ?? null;
  if (localLimit === null) return null;
  return new RunFailedError(`${localLimit}: this machine ran out of ${shortageOf(localLimit)}; the fleet stopped there`, "local");
}

/** With --start-at, set-up may outlast the wait: the clients due meanwhile all go out at once. */
function warnIfLate(clock: CompressedClock, scenario: Scenario, options: RealtimeOptions): void {
  const lateWallMs = CompressedClock.wallNowMs() - clock.originEpochMs;
  if (options.originEpochMs === undefined || lateWallMs <= LATE_START_WARN_MS) return;
  options.onWarning?.(
    `set-up ended ${(lateWallMs / 1000).toFixed(1)} s after --start-at, ${formatDurationShort((lateWallMs * scenario.timeScale) / 1000)} of simulated time: ` +
      "clients due before now start at once. Give a later --start-at.",
  );
}

/** Busy-waits (the `main-busy` fault only): bounded by `ms`. */
function blockFor(ms: number): void {
  const until = CompressedClock.wallNowMs() + ms;
  while (CompressedClock.wallNowMs() < until);
}

interface FleetWatch {
  stop(): void;
  /** The slowest rate the adaptive clock ran at. */
  minTimeScale(): number;
}

/**
 * Every 100 ms while the fleet runs: progress, the adaptive clock's pace (every
 * PACE_EVERY_MS) and Ctrl-C.
 */
function watchFleet(run: {
  scenario: Scenario;
  options: RealtimeOptions;
  clock: CompressedClock;
  slices: readonly Slice[];
  services: ServicesLink;
  mainLoad: ThreadLoadMonitor;
  shardClients: number;
  /** The clock's origin is set and the slices run: pace and progress from then on. */
  started(): boolean;
  onStop(): void;
}): FleetWatch {
  const { scenario, options, clock, slices, services, mainLoad } = run;
  const pace: PaceSettings = { ...DEFAULT_PACE, requestedScale: scenario.timeScale, lagBudgetSimMs: lagBudgetSimMs(shortestTimedIntervalMs(scenario)) };
  let minTimeScale = scenario.timeScale;
  let lastPaceMs = CompressedClock.wallNowMs();
  let lastSent = 0;
  let lastRateMs = CompressedClock.wallNowMs();
  let rate = 0;
  const poll = setInterval(() => {
    const nowWall = CompressedClock.wallNowMs();
    const sent = slices.reduce((a, s) => a + s.latest.sent, 0);
    if (nowWall - lastRateMs >= 1000) {
      rate = ((sent - lastSent) * 1000) / (nowWall - lastRateMs);
      [lastSent, lastRateMs] = [sent, nowWall];
    }
    if (clock.adaptive && run.started() && nowWall - lastPaceMs >= PACE_EVERY_MS && clock.simNowMs() < scenario.durationMs) {
      lastPaceMs = nowWall;
      // The worst lag of any thread: a worker sending late, or the hosts' loop reading late
      // (on the main thread itself with --workers 0).
      const mainLagMs = mainLoad.takeWindowP99Ms();
      const hostsLagMs = options.workers > 0 ? services.takeLagMs() : mainLagMs;
      const lagMs = slices.reduce((worst, s) => Math.max(worst, s.lagSinceLookMs), hostsLagMs);
      slices.forEach((s) => (s.lagSinceLookMs = 0));
      clock.setScale(nextScale(clock.timeScale, lagMs, pace));
      minTimeScale = Math.min(minTimeScale, clock.timeScale);
    }
    const fraction = run.started() ? Math.min(1, Math.max(0, clock.simNowMs()) / scenario.durationMs) : 0;
    const activated = slices.reduce((a, s) => a + s.latest.activated, 0);
    const failed = slices.reduce((a, s) => a + s.latest.failed, 0);
    const p99Ms = slices.reduce((a, s) => Math.max(a, s.latest.p99Ms), 0);
    const slowed = clock.timeScale < scenario.timeScale ? ` · clock ${formatScale(clock.timeScale)}` : "";
    options.onProgress?.(
      fraction,
      `${activated}/${run.shardClients} activated · ${rate.toFixed(0)} RPC/s · p99 ${p99Ms.toFixed(1)} ms · ${failed} failed${slowed}`,
    );
    if (options.shouldStop?.()) {
      run.onStop();
      services.halt();
      clearInterval(poll);
    }
  }, 100);
  return { stop: () => clearInterval(poll), minTimeScale: () => minTimeScale };
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
 * The running fleet as the live metrics see it (hosts' counters, workers' latest progress).
 * Frozen once the fleet stops; then the hosts' own final books replace their last progress.
 */
export function liveView(
  plan: FleetPlan,
  clientsTotal: number,
  services: ServicesLink,
  slices: readonly Slice[],
  clock: CompressedClock,
): { view: LiveRunView; freeze(nowMs: number): void; settleHosts(books: readonly (HostSelfCount | null)[]): void } {
  let frozen: { seconds: number; hosts: LiveHostView[] } | null = null;
  return {
    view: {
      clientsTotal,
      simulatedSeconds: () => frozen?.seconds ?? Math.min(Math.max(0, clock.simNowMs()), plan.scenario.durationMs) / 1000,
      hosts: () => frozen?.hosts ?? services.live().hosts,
      slices: () => slices.map((s) => s.latest),
      endpointName: (index) => plan.dns.endpoints[index]?.name ?? (index < 0 ? "none" : `endpoint-${index}`),
    },
    freeze: (nowMs) => (frozen = { seconds: nowMs / 1000, hosts: services.live().hosts }),
    settleHosts: (books) => {
      if (frozen === null) return;
      const last = frozen.hosts;
      // Every host the books name: a run stopped before the hosts' first progress report
      // has none in `last`, and the final push must still carry them.
      const settled = books.flatMap((own) => {
        if (own === null) return [];
        const seen = last.find((h) => h.name === own.name);
        const view = { requests: own.requests, unanswered: own.unanswered, lost: own.lost, late: own.late };
        return [{ name: own.name, up: own.state === "up", badFrames: seen?.badFrames ?? 0, ...view }];
      });
      frozen.hosts = [...settled, ...last.filter((h) => !settled.some((s) => s.name === h.name))];
    },
  };
}
