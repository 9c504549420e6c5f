// The hosts' side of a realtime run: one TCP listener per scenario host, the embedded DNS
// server and its zone, the hosts' publisher, the scenario's events, the scavenger and the
// hosts' counts at each timeline sample. It runs on a thread of its own (services-worker),
// so a busy main thread (merging, progress, Prometheus scrapes) never delays an answer;
// with --workers 0 it runs on the main thread, beside everything else.

import { cmidPrefix } from "../../core/protocol/cmid.js";
import { Mulberry32, deriveSeed } from "../../core/rng.js";
import type { FleetEventRecord } from "../../results/result.js";
import type { HostSelfCount } from "../../results/host-report.js";
import { DnsDirectory, recordDeletedLog } from "../../fleet-plan/dns-directory.js";
import { planFleet, sampleTimes } from "../../fleet-plan/fleet-plan.js";
import { rememberRenewals } from "../../fleet-plan/licensed-history.js";
import type { RecordEvent, Scenario, ScenarioEvent } from "../../scenario/model.js";
import type { RpcTarget } from "../client/rpc-call.js";
import { CompressedClock, type ClockTimer } from "../compressed-clock.js";
import { EmbeddedDnsServer } from "../../dns/dns-server.js";
import { externalDnsServer } from "../../dns/run-key.js";
import type { TsigKey } from "../../dns/tsig.js";
import { DnsZone } from "../../dns/zone.js";
import { DEFAULT_MAX_CONNECTIONS, RESERVED_DESCRIPTORS } from "../host/connection-limits.js";
import { applyHostEvent } from "../host/host-event.js";
import { hostServerFromSpec } from "../host/host-from-spec.js";
import { HostPublisher, publishedHost, publishingOn, targetNameOf } from "../host/host-publisher.js";
import type { HostServerCounters, KmsHostServer } from "../host/host-server.js";
import type { LiveHostView } from "../live-metrics/live-view.js";

const HOST_STREAM_BASE = 0x7c00_0000;
/** The embedded scavenger looks at least this often for records published since its last look. */
const SCAVENGE_POLL_WALL_MS = 1000;
/** ...and not more often than this. */
const SCAVENGE_MIN_WALL_MS = 50;

export interface ServicesSetup {
  scenario: Scenario;
  /** Clients of this run (its shard): the listeners' connection cap must hold them all. */
  shardClients: number;
  /** --clients: the whole fleet's size when it overrides the scenario's (the hosts' memory of licensed clients follows it). */
  clients?: number;
  /** The hosts run elsewhere (`kmssim host`): no listeners and no publisher here. */
  externalHosts: boolean;
  /** The set-up clock's origin (the run's own clock starts after set-up, see `run`). */
  setupOriginEpochMs: number;
  /** The key the hosts sign their updates with (null: they publish nothing). */
  key: { name: string; algorithm: TsigKey["algorithm"]; secret: Uint8Array } | null;
}

export interface ServicesReady {
  /** Per endpoint: where its host listens (null: no listener here). */
  endpoints: (RpcTarget | null)[];
  /** Per endpoint: the host's name when it runs here. */
  names: (string | null)[];
  /** Where the clients ask: the embedded server, or the scenario's dns.server. */
  dnsServer: { host: string; port: number };
  /** Publishing problems during set-up that did not stop the run. */
  warnings: string[];
}

/** What the live metrics and the pace controller read while the run goes on. */
export interface ServicesLive {
  hosts: LiveHostView[];
}

/** A host's own books at the end of a run here, and what the merge needs to tell refused from reset after read. */
export type HostRunBooks = HostSelfCount & Pick<HostServerCounters, "resetAfterRead">;

export interface ServicesReport {
  /** Per endpoint: the host's own books (null: no listener here). */
  hosts: (HostRunBooks | null)[];
  /** Events carried out (host, dns) and the publisher's, in the order they happened. */
  events: FleetEventRecord[];
  /** The hosts' request counters at each timeline sample taken, per endpoint. */
  samples: number[][];
  /** At each timeline sample taken, per endpoint, the products below their activation threshold. */
  lowCounts: string[][][];
  /** The hosts' request counters at the end, per endpoint. */
  requests: number[];
}

/** What the services tell the orchestrator while the run goes on. */
export interface ServicesNotify {
  /** Which endpoints serve changed (bit k: endpoint k): the clients' expected shares follow. */
  serving(mask: number): void;
  warning(message: string): void;
  /** A scenario event could not be carried out: the run stops there, keeping what it measured. */
  eventFailed(message: string): void;
}

/** Thrown by `start` when no host could publish to the external DNS server. */
export class DnsUnansweredError extends Error {
  override readonly name = "DnsUnansweredError";
}

export class HostServices {
  /** The scenario's endpoints, domains and hand-made records (the hosts publish the rest). */
  private readonly dns: DnsDirectory;
  private clock: CompressedClock;
  private readonly servers: (KmsHostServer | null)[];
  private readonly zone: DnsZone;
  private readonly dnsServer: EmbeddedDnsServer | null;
  private publisher: HostPublisher | null = null;
  private readonly timers: ClockTimer[] = [];
  private readonly events: FleetEventRecord[] = [];
  private readonly samples: number[][] = [];
  private readonly lowCounts: string[][][] = [];
  /** Set once the run's clock started: publishing warnings go out at once from then on. */
  private running = false;
  /** The `event-fail` fault site (self-test/fault-sites.ts): the first host event fails. */
  private injectEventFault: boolean;

  constructor(
    private readonly setup: ServicesSetup,
    private readonly notify: ServicesNotify,
    injectEventFault = false,
  ) {
    const { scenario, externalHosts } = setup;
    this.injectEventFault = injectEventFault;
    this.dns = new DnsDirectory(scenario);
    this.clock = new CompressedClock(setup.setupOriginEpochMs, scenario.timeScale);
    const hostRng = new Mulberry32(deriveSeed(scenario.seed, HOST_STREAM_BASE));
    const prefix = cmidPrefix(scenario.seed);
    this.servers = this.dns.endpoints.map((endpoint, index) =>
      endpoint.hostIndex < 0 || externalHosts
        ? null
        : hostServerFromSpec(scenario.hosts[endpoint.hostIndex], index, {
            address: "127.0.0.1",
            port: 0,
            simNow: () => this.clock.simNowMs(),
            rng: () => hostRng.next(),
            cmidPrefix: prefix,
            catalog: scenario.products,
            // A request older than the RPC timeout is abandoned, so that bounds its transit.
            transitAllowanceMs: scenario.network.rpcTimeoutMs * scenario.timeScale,
            rpcTimeoutMs: scenario.network.rpcTimeoutMs,
            // Each client has at most one request in flight: the fleet alone never reaches the cap.
            limits: { maxConnections: Math.max(DEFAULT_MAX_CONNECTIONS, setup.shardClients + RESERVED_DESCRIPTORS) },
          }),
    );
    // The same clients as the workers' plan: the CMIDs of those that start licensed, as each host last saw them.
    if (scenario.clients.some((g) => g.startLicensed > 0))
      rememberRenewals(planFleet(scenario, setup.clients), (endpoint) => this.servers[endpoint]?.logic ?? null);
    // Record ages (scavenging) run on the simulated clock; TSIG times on the wall clock.
    // Before time 0 (a --start-at ahead) the clock reads negative: records age from 0, as the publisher publishes "at 0".
    this.zone = new DnsZone(this.dns.domains, { nowMs: () => Math.max(0, this.clock.simNowMs()) });
    // Every client of the run asks from 127.0.0.1: a per-address cap would refuse the load itself.
    const key = this.key();
    this.dnsServer =
      externalDnsServer(scenario) === null
        ? new EmbeddedDnsServer({ zone: this.zone, keys: key === null ? [] : [key], maxTcpConnectionsPerAddress: Number.MAX_SAFE_INTEGER })
        : null;
  }

  /** Listens, serves DNS and publishes every host (simulated time 0) before any client boots. */
  async start(): Promise<ServicesReady> {
    const { scenario, externalHosts } = this.setup;
    const targets: (RpcTarget | null)[] = [];
    for (const server of this.servers) targets.push(server === null ? null : await server.start());
    this.addStaticRecords(targets);
    const external = externalDnsServer(scenario);
    const dnsAddress = external ?? { host: "127.0.0.1", port: (await this.dnsServer!.start()).port };
    const warnings: string[] = [];
    this.publisher = externalHosts
      ? null
      : new HostPublisher({
          scenario,
          hosts: this.servers.flatMap((server, index) => {
            const target = targets[index];
            return server === null || target === null ? [] : [publishedHost(index, scenario.hosts[index], target)];
          }),
          ...publishingOn(scenario, () => this.clock, dnsAddress, this.key()),
          scavengeByDelete: external !== null,
          // Held back until the run is known to go on: a server that never answers fails it instead.
          onWarning: (message) => (this.running ? this.notify.warning(message) : warnings.push(message)),
        });
    await this.publisher?.publishAll(0);
    const publisher = this.publisher;
    if (publisher !== null && external !== null && publisher.attempts > 0 && publisher.unanswered === publisher.attempts) {
      throw new DnsUnansweredError(
        `the DNS server ${external.host}:${external.port} (dns.server) does not answer: no host could publish its records ` +
          `(${publisher.events[0]?.reason ?? "no reply"}). Start the server, or fix dns.server in the scenario.`,
      );
    }
    return { endpoints: targets, names: this.servers.map((s) => s?.name ?? null), dnsServer: dnsAddress, warnings };
  }

  /** The run's clock starts (its log is shared with every thread): events, scavenging and samples from now on. */
  run(clockBuffer: SharedArrayBuffer | CompressedClock): void {
    const { scenario } = this.setup;
    this.clock = clockBuffer instanceof CompressedClock ? clockBuffer : CompressedClock.attach(clockBuffer);
    this.running = true;
    this.publisher?.start();
    for (const event of scenario.events) this.timers.push(this.clock.at(event.atMs, () => this.fire(event)));
    if (this.dnsServer !== null && scenario.dns.scavengeAfterMs > 0) this.scavengeFrom(scenario.dns.scavengeAfterMs);
    for (const t of sampleTimes(scenario)) this.timers.push(this.clock.at(t, () => this.sample(t)));
  }

  private sample(atMs: number): void {
    this.samples.push(this.requests());
    this.lowCounts.push(this.servers.map((s) => s?.lowCountProducts(atMs) ?? []));
  }

  /** Ctrl-C or a failure: no more events, scavenging or samples; listeners keep answering what is in flight. */
  halt(): void {
    this.timers.forEach((t) => t.clear());
  }

  live(): ServicesLive {
    return {
      hosts: this.servers.flatMap((s) =>
        s === null
          ? []
          : [{ name: s.name, up: s.state === "up", requests: s.requests, unanswered: s.unanswered, lost: s.lost, late: s.late, badFrames: s.badFrames }],
      ),
    };
  }

  /** The fleet has stopped: the hosts' books as of simulated `nowMs`. */
  async finish(nowMs: number): Promise<ServicesReport> {
    this.halt();
    const requests = this.requests();
    await this.publisher?.close();
    const events = [...this.events, ...(this.publisher?.events ?? [])].sort((a, b) => a.t - b.t);
    const atMs = Math.min(this.setup.scenario.durationMs, nowMs);
    const hosts = this.servers.map((s) => (s === null ? null : { ...s.selfCount(atMs), resetAfterRead: s.resetAfterRead }));
    return { hosts, events, samples: this.samples, lowCounts: this.lowCounts, requests };
  }

  /** Stops the publisher, every listener and the DNS server; safe after a failure and twice. */
  async close(): Promise<void> {
    this.halt();
    await this.publisher?.close().catch(() => undefined);
    await Promise.all(this.servers.map((s) => s?.stop()));
    await this.dnsServer?.stop();
  }

  private key(): TsigKey | null {
    const key = this.setup.key;
    return key === null ? null : { ...key, secret: Buffer.from(key.secret) };
  }

  private requests(): number[] {
    return this.servers.map((s) => s?.requests ?? 0);
  }

  /** Bit k set: endpoint k serves. Hosts elsewhere are taken as serving: their state is not known here. */
  private servingMask(): number {
    const external = this.setup.externalHosts;
    return (
      this.servers.reduce(
        (mask, server, index) =>
          (server !== null && server.state === "up") || (external && this.dns.endpoints[index].hostIndex >= 0) ? mask | (1 << index) : mask,
        0,
      ) >>> 0
    );
  }

  private fire(event: ScenarioEvent): void {
    // Host state changes at once; the listener work (close, re-listen) may follow.
    const done = this.apply(event);
    if (this.injectEventFault && event.kind === "host") {
      this.injectEventFault = false;
      this.notify.eventFailed(`injected fault: event-fail (${event.action} ${event.host})`);
    }
    this.notify.serving(this.servingMask());
    done.then(
      () => this.notify.serving(this.servingMask()),
      (err: Error) => this.notify.eventFailed(err.message),
    );
  }

  private async apply(event: ScenarioEvent): Promise<void> {
    if (event.kind === "dns") {
      // An external server is not ours to stop: the event is only logged.
      this.dnsServer?.setUp(event.action === "up");
      this.events.push({ t: event.atMs / 1000, kind: "dns", target: "dns", action: event.action });
      return;
    }
    if (event.kind === "record") {
      this.deleteRecord(event);
      return;
    }
    // Hosts elsewhere: logged; `kmssim host --start-at` carries the event out.
    if (this.setup.externalHosts) {
      this.events.push({ t: event.atMs / 1000, kind: "host", target: event.host, action: event.action });
      return;
    }
    const index = this.servers.findIndex((s) => s !== null && s.name === event.host);
    if (index < 0) return;
    this.events.push({ t: event.atMs / 1000, kind: "host", target: event.host, action: event.action });
    return applyHostEvent(event, this.servers[index]!, index, this.publisher);
  }

  /**
   * An admin deletes a record from the embedded zone: every SRV record of the domain whose
   * target is the event's endpoint (DnsDirectory.recordOf, the rule the virtual engine
   * follows too), hand-made or published. A host that publishes registers it again at its
   * next refresh. An external server is not ours to edit: the event is logged, with a warning.
   */
  private deleteRecord(event: RecordEvent): void {
    this.events.push(recordDeletedLog(event, this.dns, event.atMs));
    if (this.dnsServer === null) {
      this.notify.warning(
        `kmssim: delete-record of ${event.target} in ${event.name}: dns.server is not kmssim's own, so the record stays there; delete it by hand`,
      );
      return;
    }
    const record = this.dns.recordOf(event);
    if (record === null) return;
    const domain = this.dns.domains[record.domainId];
    for (const srv of this.zone.listSrv(domain)) {
      if (this.dns.findEndpoint(srv.target, domain) === record.endpoint) this.zone.removeSrv(domain, srv.target, srv.port);
    }
    const host = this.dns.endpoints[record.endpoint].hostIndex;
    if (host >= 0) this.publisher?.recordRemoved(host, domain);
  }

  /**
   * The embedded server scavenges like Windows DNS: records not refreshed for the age go.
   * It wakes when the first record goes stale, so a `scavenged` event is on time, and at
   * least once per SCAVENGE_POLL_WALL_MS for records published since.
   */
  private scavengeFrom(ageMs: number): void {
    const { scenario } = this.setup;
    let timer: ClockTimer | null = null;
    const step = (): void => {
      // Past the end (answers still in flight) the run's simulated time is over.
      if (this.clock.simNowMs() > scenario.durationMs) return;
      for (const record of this.zone.scavenge(ageMs).srv) {
        const host = this.servers.findIndex((s) => s !== null && targetNameOf(s.name, record.domain) === record.target);
        if (host >= 0) this.publisher?.recordRemoved(host, record.domain);
        const target = host >= 0 ? this.servers[host]!.name : record.target;
        this.events.push({ t: Math.max(0, this.clock.simNowMs()) / 1000, kind: "dns", target, action: "scavenged", domain: record.domain });
      }
      // A record published after this wake goes stale no sooner than ageMs from now: waking
      // by then sees it even when the zone now holds none.
      const pollAfterMs = Math.min(SCAVENGE_POLL_WALL_MS * scenario.timeScale, Math.max(ageMs, SCAVENGE_MIN_WALL_MS * scenario.timeScale));
      const pollAtMs = Math.max(0, this.clock.simNowMs()) + pollAfterMs;
      timer = this.clock.at(Math.min(this.zone.nextStaleAtMs(ageMs), pollAtMs), step);
    };
    timer = this.clock.at(0, step);
    this.timers.push({ clear: () => timer?.clear() });
  }

  /**
   * The hand-made records of dns.records in the embedded zone, static (never scavenged):
   * `_vlmcs._tcp.<domain>` SRV records and their targets' A records, each under the name
   * the record spells (which may lie in another zone of the run). Hosts publish their own
   * records with updates (publish: auto).
   */
  private addStaticRecords(targets: readonly (RpcTarget | null)[]): void {
    const dns = this.dns;
    const ttlSeconds = Math.max(0, Math.round(this.setup.scenario.dns.ttlMs / 1000));
    for (const { domainId, endpoint, target: name, port, priority, weight } of dns.staticRecords) {
      const target = targets[endpoint];
      // A target nothing listens on keeps its SRV record but has no address.
      this.zone.addSrv(dns.domains[domainId], { target: name, port: target?.port ?? port, priority, weight, ttlSeconds }, { static: true });
      if (target !== null) this.zone.addA(name, target.address, ttlSeconds, { static: true });
    }
  }
}
