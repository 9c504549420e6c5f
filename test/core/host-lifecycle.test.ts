import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HostBooks } from "../../src/core/host/host-books.js";
import { HOST_TRANSITIONS, HostLifecycle, lifeEventOf, type HostLifeEvent, type HostLifeState } from "../../src/core/host/host-lifecycle.js";
import { LicenseStatus } from "../../src/core/license.js";

const STATES: HostLifeState[] = ["stopped", "up", "hung", "down", "decommissioned"];
const FAULTS = ["crash", "hang", "recover", "decommission"] as const;

// The state each fault leads to from each state ("-" = the fault does not apply: no-op).
const EXPECTED: Record<HostLifeState, Record<(typeof FAULTS)[number], HostLifeState | "-">> = {
  stopped: { crash: "-", hang: "-", recover: "-", decommission: "-" },
  up: { crash: "down", hang: "hung", recover: "up", decommission: "decommissioned" },
  hung: { crash: "down", hang: "-", recover: "up", decommission: "decommissioned" },
  down: { crash: "-", hang: "-", recover: "up", decommission: "decommissioned" },
  decommissioned: { crash: "-", hang: "-", recover: "-", decommission: "-" },
};

function kinds(life: HostLifecycle, event: HostLifeEvent): string[] {
  return life.apply(event).map((a) => (a.kind === "fail-pending" ? `fail-pending:${a.clientSees}` : a.kind));
}

describe("HostLifecycle", () => {
  it("moves between fault states as the table says, a fault that does not apply changing nothing", () => {
    for (const from of STATES) {
      for (const fault of FAULTS) {
        const life = new HostLifecycle(20, from);
        const actions = life.apply({ kind: fault });
        const want = EXPECTED[from][fault];
        expect(life.state, `${fault} from ${from}`).toBe(want === "-" ? from : want);
        if (want === "-") expect(actions, `${fault} from ${from}`).toEqual([]);
      }
    }
  });

  it("returns the actions a driver carries out: a crash fails pending work with resets, a hang lets it time out", () => {
    expect(kinds(new HostLifecycle(5, "up"), { kind: "crash" })).toEqual(["fail-pending:reset", "close-connections", "close-listener"]);
    expect(kinds(new HostLifecycle(5, "up"), { kind: "hang" })).toEqual(["fail-pending:timeout", "resume-reading"]);
    expect(kinds(new HostLifecycle(5, "down"), { kind: "recover" })).toEqual(["set-service-time", "listen"]);
    expect(kinds(new HostLifecycle(5, "hung"), { kind: "recover" })).toEqual(["set-service-time", "release-held"]);
    expect(kinds(new HostLifecycle(5, "stopped"), { kind: "start" })).toEqual(["set-service-time", "listen"]);
    expect(kinds(new HostLifecycle(5, "decommissioned"), { kind: "stop" })).toEqual(["discard-pending", "close-connections", "close-listener"]);
  });

  it("slows to the given time or 10 × its own (not the current one), and recover restores its own", () => {
    const life = new HostLifecycle(20);
    life.apply(lifeEventOf({ atMs: 0, kind: "host", host: "h", action: "slow", serviceTimeMs: null }));
    expect(life.serviceTimeMs).toBe(200);
    life.apply({ kind: "slow", serviceTimeMs: null });
    expect(life.serviceTimeMs).toBe(200);
    life.apply({ kind: "slow", serviceTimeMs: 7 });
    expect(life.serviceTimeMs).toBe(7);
    life.apply({ kind: "recover" });
    expect(life.serviceTimeMs).toBe(20);
  });

  it("admits by state: up serves, hung holds, anything without a listener refuses", () => {
    const admission = (s: HostLifeState): string => new HostLifecycle(0, s).admission;
    expect(STATES.map(admission)).toEqual(["refuse", "serve", "hold", "refuse", "refuse"]);
  });

  it("reports each state as itself in a result, except a stopped listener, which reads up", () => {
    expect(STATES.map((s) => new HostLifecycle(0, s).reportedState)).toEqual(["up", "up", "hung", "down", "decommissioned"]);
  });

  it("takes each scenario host action as the event of that name, slow with its service time", () => {
    const event = (action: "crash" | "hang" | "slow" | "recover" | "decommission", serviceTimeMs: number | null = null) =>
      lifeEventOf({ atMs: 0, kind: "host", host: "h", action, serviceTimeMs });
    for (const action of FAULTS) expect(event(action)).toEqual({ kind: action });
    expect(event("slow", 40)).toEqual({ kind: "slow", serviceTimeMs: 40 });
    expect(event("slow")).toEqual({ kind: "slow", serviceTimeMs: null });
  });

  it("allows an event exactly where the table has it: start only when stopped, and one not allowed changes nothing", () => {
    const kindsOf: HostLifeEvent[] = [
      ...FAULTS.map((kind) => ({ kind })),
      { kind: "start" },
      { kind: "stop" },
      { kind: "listen-failed" },
      { kind: "slow", serviceTimeMs: 1 },
    ];
    for (const from of STATES) {
      for (const event of kindsOf) {
        const life = new HostLifecycle(20, from);
        expect(life.allows(event.kind), `${event.kind} in ${from}`).toBe(HOST_TRANSITIONS[from][event.kind] !== undefined);
        if (life.allows(event.kind)) continue;
        expect(life.apply(event)).toEqual([]);
        expect(life.state).toBe(from);
      }
    }
    expect(STATES.filter((s) => new HostLifecycle(0, s).allows("start"))).toEqual(["stopped"]);
    expect(STATES.filter((s) => new HostLifecycle(0, s).allows("crash"))).toEqual(["up", "hung"]);
  });

  it("lists every event a state allows, and only states it knows", () => {
    for (const from of STATES) for (const step of Object.values(HOST_TRANSITIONS[from])) expect(STATES).toContain(step?.to);
  });
});

// Events a driver feeds: faults, and requests arriving and ending.
type Input = HostLifeEvent | { kind: "arrive"; renewal: boolean } | { kind: "answer" } | { kind: "late" } | { kind: "lose" };

const inputArb: fc.Arbitrary<Input> = fc.oneof(
  fc.constantFrom<Input>(
    { kind: "start" },
    { kind: "crash" },
    { kind: "hang" },
    { kind: "recover" },
    { kind: "decommission" },
    { kind: "listen-failed" },
    { kind: "stop" },
  ),
  fc.record({ kind: fc.constant("slow" as const), serviceTimeMs: fc.option(fc.integer({ min: 0, max: 1000 })) }),
  fc.record({ kind: fc.constant("arrive" as const), renewal: fc.boolean() }),
  fc.constantFrom<Input>({ kind: "answer" }, { kind: "late" }, { kind: "lose" }),
);

/** A driver as small as can be: it carries out work-dropping actions on the books. */
function drive(initial: HostLifeState, inputs: Input[], check: (life: HostLifecycle, books: HostBooks, lostBefore: number, input: Input) => void): void {
  const life = new HostLifecycle(10, initial);
  const books = new HostBooks();
  for (const input of inputs) {
    const lostBefore = books.lost;
    switch (input.kind) {
      case "arrive": {
        const admission = life.admission;
        books.arrive(admission, input.renewal);
        if (admission === "serve") books.decided(LicenseStatus.InitialGrace, 0, 0);
        break;
      }
      case "answer":
        books.answer();
        break;
      case "late":
        books.answerLate();
        break;
      case "lose":
        books.lose();
        break;
      default:
        for (const action of life.apply(input)) {
          if (action.kind === "fail-pending") books.lose(books.inService);
          if (action.kind === "discard-pending") books.discard(books.inService);
        }
    }
    check(life, books, lostBefore, input);
  }
}

describe("HostLifecycle with HostBooks, for any sequence of events", () => {
  const sequences = fc.tuple(fc.constantFrom<HostLifeState>(...STATES), fc.array(inputArb, { maxLength: 60 }));

  it("keeps the books balanced and never negative, and never throws", () => {
    fc.assert(
      fc.property(sequences, ([initial, inputs]) => {
        drive(initial, inputs, (_life, books) => {
          for (const key of ["requests", "activations", "renewals", "refused", "unanswered", "lost", "late", "answered", "unfinished", "inService"] as const) {
            expect(books[key], key).toBeGreaterThanOrEqual(0);
          }
          expect(books.arrivals).toBe(books.requests + books.refused + books.unanswered);
          expect(books.requests).toBe(books.answered + books.late + books.lost + books.unfinished + books.inService);
          expect(books.requests).toBe(books.activations + books.renewals);
          expect(books.dlv.total).toBe(books.requests);
        });
      }),
    );
  });

  it("drops work only where the table says: a served host that crashes, hangs or is decommissioned keeps nothing in service", () => {
    fc.assert(
      fc.property(sequences, ([initial, inputs]) => {
        drive(initial, inputs, (life, books, lostBefore, input) => {
          if (!life.serving && input.kind !== "arrive") expect(books.inService).toBe(0);
          if (books.lost > lostBefore) expect(["crash", "hang", "decommission", "listen-failed", "lose"]).toContain(input.kind);
          // Settling with nothing in service is ignored and counted, never a throw.
          expect(books.illegal).toBeGreaterThanOrEqual(0);
        });
      }),
    );
  });

  it("never leaves decommissioned, and serves only when up", () => {
    fc.assert(
      fc.property(sequences, ([initial, inputs]) => {
        let gone = initial === "decommissioned";
        drive(initial, inputs, (life) => {
          if (gone) expect(life.state).toBe("decommissioned");
          gone = life.state === "decommissioned";
          expect(life.serving).toBe(life.admission === "serve");
          expect(life.acceptsConnections).toBe(life.admission !== "refuse");
        });
      }),
    );
  });
});

describe("HostBooks", () => {
  it("ignores settling what is not in service and counts it as illegal", () => {
    const books = new HostBooks();
    books.answer();
    books.lose(3);
    books.discard(-1);
    expect([books.answered, books.lost, books.unfinished, books.illegal]).toEqual([0, 0, 0, 3]);
    books.arrive("serve", false);
    books.arrive("hold", true);
    books.arrive("refuse", true);
    books.answerLate();
    expect([books.requests, books.unanswered, books.refused, books.late, books.inService]).toEqual([1, 1, 1, 1, 0]);
  });
});
