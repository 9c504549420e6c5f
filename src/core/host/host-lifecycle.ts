// A KMS host's fault states as one table, events in and actions out (h11-style): the
// virtual engine's SimHost and the realtime KmsHostServer feed it the scenario's faults
// and carry out what it returns, so both drivers share one lifecycle. Pure: no clock, no
// sockets; a fault that does not apply in a state is a no-op the table spells out.

import type { HostEvent } from "../vocabulary.js";

/** `stopped`: a realtime listener before start() and after stop(); the virtual engine never stops. */
export type HostLifeState = "stopped" | "up" | "hung" | "down" | "decommissioned";

/** The states a run's result shows (a stopped listener reads "up", as it was when stopped). */
export type ReportedHostState = Exclude<HostLifeState, "stopped">;

export type HostLifeEvent =
  | { kind: "start" }
  | { kind: "crash" }
  | { kind: "hang" }
  /** null: 10 × the host's own service time (not the current one: slow twice is not 100 ×). */
  | { kind: "slow"; serviceTimeMs: number | null }
  | { kind: "recover" }
  | { kind: "decommission" }
  /** The listener could not bind: nothing listens. */
  | { kind: "listen-failed" }
  | { kind: "stop" };

export type HostLifeEventKind = HostLifeEvent["kind"];

export type HostLifeAction =
  /** Requests queued or in service never get their answer (counted lost); clients see a reset or wait out their timeout. */
  | { kind: "fail-pending"; clientSees: "reset" | "timeout" }
  /** Work queued or in service is dropped without counting it: the run is over. */
  | { kind: "discard-pending" }
  /** Open connections end: reset (a crash, clients see ECONNRESET) or quietly destroyed (stop). */
  | { kind: "close-connections"; reset: boolean }
  | { kind: "close-listener" }
  /** Listen again on the same address and port. */
  | { kind: "listen" }
  /** A hung host keeps reading: connections paused over a full queue read again. */
  | { kind: "resume-reading" }
  /** Requests a hung host held are never answered: their connections may go idle now. */
  | { kind: "release-held" }
  /** Service time (mean ms) for requests served from now on. */
  | { kind: "set-service-time"; serviceTimeMs: number };

/** A scenario's host event as the lifecycle's input. */
export function lifeEventOf(event: HostEvent): HostLifeEvent {
  return event.action === "slow" ? { kind: "slow", serviceTimeMs: event.serviceTimeMs } : { kind: event.action };
}

/** What a request arriving now meets: served, read and never answered (hung), or refused (nothing listens). */
export type Admission = "serve" | "hold" | "refuse";

// One row per state: the state each event moves to and what the shell must do; a missing
// event is a fault that does not apply there (a crashed host stays crashed).
type Step = { to: HostLifeState; actions: readonly (HostLifeAction | "base-service-time" | "slow-service-time")[] };
type Row = Partial<Record<HostLifeEventKind, Step>>;

const FAIL_RESET: HostLifeAction = { kind: "fail-pending", clientSees: "reset" };
const FAIL_TIMEOUT: HostLifeAction = { kind: "fail-pending", clientSees: "timeout" };
const RESET_CONNECTIONS: HostLifeAction = { kind: "close-connections", reset: true };
const CLOSE_LISTENER: HostLifeAction = { kind: "close-listener" };
const GO_DOWN = [FAIL_RESET, RESET_CONNECTIONS, CLOSE_LISTENER] as const;
const STOP: Step["actions"] = [{ kind: "discard-pending" }, { kind: "close-connections", reset: false }, CLOSE_LISTENER];
const SLOW: Step["actions"] = ["slow-service-time"];

export const HOST_TRANSITIONS: Readonly<Record<HostLifeState, Row>> = {
  stopped: {
    start: { to: "up", actions: ["base-service-time", { kind: "listen" }] },
    slow: { to: "stopped", actions: SLOW },
    stop: { to: "stopped", actions: STOP },
  },
  up: {
    crash: { to: "down", actions: GO_DOWN },
    hang: { to: "hung", actions: [FAIL_TIMEOUT, { kind: "resume-reading" }] },
    slow: { to: "up", actions: SLOW },
    recover: { to: "up", actions: ["base-service-time"] },
    decommission: { to: "decommissioned", actions: GO_DOWN },
    "listen-failed": { to: "down", actions: GO_DOWN },
    stop: { to: "stopped", actions: STOP },
  },
  hung: {
    crash: { to: "down", actions: GO_DOWN },
    slow: { to: "hung", actions: SLOW },
    recover: { to: "up", actions: ["base-service-time", { kind: "release-held" }] },
    decommission: { to: "decommissioned", actions: GO_DOWN },
    stop: { to: "stopped", actions: STOP },
  },
  down: {
    slow: { to: "down", actions: SLOW },
    recover: { to: "up", actions: ["base-service-time", { kind: "listen" }] },
    decommission: { to: "decommissioned", actions: [] },
    stop: { to: "stopped", actions: STOP },
  },
  decommissioned: {
    slow: { to: "decommissioned", actions: SLOW },
    // Gone for good, but a listener still stops cleanly.
    stop: { to: "decommissioned", actions: STOP },
  },
};

export class HostLifecycle {
  state: HostLifeState;
  /** Mean service time in force (ms): the host's own, or a slow fault's. */
  serviceTimeMs: number;

  constructor(
    readonly baseServiceTimeMs: number,
    initial: HostLifeState = "up",
  ) {
    this.state = initial;
    this.serviceTimeMs = baseServiceTimeMs;
  }

  /** Whether `kind` does anything in the current state (the table has a row for it). */
  allows(kind: HostLifeEventKind): boolean {
    return HOST_TRANSITIONS[this.state][kind] !== undefined;
  }

  /** Moves by the table and returns what the shell must do; a fault that does not apply returns no action. */
  apply(event: HostLifeEvent): HostLifeAction[] {
    const step = HOST_TRANSITIONS[this.state][event.kind];
    if (step === undefined) return [];
    this.state = step.to;
    const actions: HostLifeAction[] = [];
    for (const a of step.actions) {
      if (a === "base-service-time") actions.push(this.setServiceTime(this.baseServiceTimeMs));
      else if (a === "slow-service-time") {
        // Only slow steps carry slow-service-time: the kind check narrows the event's type.
        // Stryker disable next-line ConditionalExpression: `true`: the event is always slow here (silences `false`, which the tests kill)
        const given = event.kind === "slow" ? event.serviceTimeMs : null;
        actions.push(this.setServiceTime(given ?? 10 * this.baseServiceTimeMs));
      } else actions.push(a);
    }
    return actions;
  }

  /** Up: the SRV records' promise holds, requests are served. */
  get serving(): boolean {
    return this.state === "up";
  }

  /** A listener is open: up, or hung (accepts, never answers). */
  get acceptsConnections(): boolean {
    return this.state === "up" || this.state === "hung";
  }

  get admission(): Admission {
    return this.state === "up" ? "serve" : this.state === "hung" ? "hold" : "refuse";
  }

  get reportedState(): ReportedHostState {
    return this.state === "stopped" ? "up" : this.state;
  }

  private setServiceTime(serviceTimeMs: number): HostLifeAction {
    this.serviceTimeMs = serviceTimeMs;
    return { kind: "set-service-time", serviceTimeMs };
  }
}
