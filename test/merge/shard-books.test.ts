// `kmssim merge` checks what it adds: every count a whole number ≥ 0, the books of each
// shard balanced (build-result.ts's identities), and timelines whole. Real shards (built
// by the engine, finished or interrupted, from several scenarios) are accepted; any
// mutation that makes a count negative, fractional or unbalanced is refused.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkShards, type ShardInput } from "../../src/merge/check-shards.js";
import { MergeError } from "../../src/merge/merge-error.js";
import type { Result } from "../../src/results/result.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

const SMALL = `
name: books
seed: 11
duration: 20d
hosts:
  - { name: kms1 }
  - { name: kms2, weight: 50 }
clients:
  - { name: desktops, count: 60, os: win7, product: windows-client, bootSpread: 1h }
  - { name: servers, count: 8, os: vista, product: windows-server, bootSpread: 2h }
`;

/** Shard `index` of `count` of a scenario, run to the end or stopped after `maxSteps` batches (interrupted). */
function shardOf(yaml: string, index: number, count: number, maxSteps = Infinity): ShardInput {
  const scenario = scenarioFrom(yaml);
  const engine = new VirtualEngine(scenario, { shard: { index, count } });
  let done = false;
  for (let step = 0; step < maxSteps && !done; step++) done = engine.step(20);
  const result = buildResult(engine.totals(), 0, !done, { index, count, fleetClients: 68, runDigest: "d", thresholds: [] });
  return { file: `shard${index}.json`, result: JSON.parse(JSON.stringify(result)) as Result };
}

const WHOLE = [shardOf(SMALL, 1, 2), shardOf(SMALL, 2, 2)];
/** A fresh copy of the two finished shards, to change. */
const whole = (): ShardInput[] => structuredClone(WHOLE);

/** The MergeError checkShards throws for `inputs`; fails the test when it accepts them. */
function refusal(inputs: ShardInput[]): MergeError {
  try {
    checkShards(inputs);
  } catch (err) {
    if (err instanceof MergeError) return err;
    throw err;
  }
  return expect.fail("checkShards accepted the shards");
}

/** Shard 2 of a fresh pair, changed by `edit`; the refusal's message. */
function refusedWith(edit: (r: Result) => void): string {
  const inputs = whole();
  edit(inputs[1].result);
  const err = refusal(inputs);
  expect(err.code).toBe("KMSSIM_BROKEN_SHARD");
  expect(err.message).toMatch(/^'shard2\.json'/);
  return err.message;
}

describe("real shards are accepted", () => {
  it("finished shards of a small run", () => {
    expect(checkShards(whole())).toHaveLength(2);
  });

  it("an interrupted shard (timeline stopped short) beside a finished one", () => {
    const early = shardOf(SMALL, 2, 2, 3);
    expect(early.result.interrupted).toBe(true);
    expect(checkShards([shardOf(SMALL, 1, 2), early])).toHaveLength(2);
  });

  it("three shards of every shipped virtual scenario (stopped early: a few hundred events each)", () => {
    const dir = join(import.meta.dirname, "../../scenarios");
    const names = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) {
      const scenario = { ...scenarioFrom(readFileSync(join(dir, name), "utf8"), dir), mode: "virtual" as const };
      const shards = [1, 2, 3].map((index) => {
        const engine = new VirtualEngine(scenario, { shard: { index, count: 3 } });
        let done = false;
        for (let step = 0; step < 50 && !done; step++) done = engine.step(200);
        const result = buildResult(engine.totals(), 0, !done, { index, count: 3, fleetClients: 0, runDigest: name, thresholds: [] });
        return { file: `${name}-${index}`, result: JSON.parse(JSON.stringify(result)) as Result };
      });
      expect(checkShards(shards), name).toHaveLength(3);
    }
  });
});

describe("refusals, each naming the file and the field", () => {
  it("a negative count (clients.activated: -1000)", () => {
    expect(refusedWith((r) => (r.clients.activated = -1000))).toContain("clients.activated: should be a whole number ≥ 0, got -1000");
  });

  it("a fractional count", () => {
    expect(refusedWith((r) => (r.rpc.renewal.sent = 2.5))).toContain("rpc.renewal.sent: should be a whole number ≥ 0, got 2.5");
  });

  it("a count past 2^53 (not exact any more)", () => {
    expect(refusedWith((r) => (r.dns.queries = 2 ** 60))).toContain("dns.queries: should be a whole number ≥ 0");
  });

  it("a count in a map (errors by code) that is negative, without echoing other content", () => {
    const message = refusedWith((r) => (r.rpc.activation.errors = { "0xC004F038": -3 }));
    expect(message).toContain("rpc.activation.errors.0xC004F038: should be a whole number ≥ 0, got -3");
  });

  it("a string where a count belongs: its type, not its text", () => {
    const message = refusedWith((r) => ((r.hosts[0].dlv as unknown as Record<string, unknown>).total = "x".repeat(5000)));
    expect(message).toContain("hosts[0].dlv.total: should be a whole number ≥ 0, got text");
    expect(message.length).toBeLessThan(400);
  });

  it("clients that do not add up to the total", () => {
    expect(refusedWith((r) => (r.clients.notActivated += 1))).toMatch(/clients: activated \d+ \+ notActivated \d+ should be total \d+/);
  });

  it("license statuses that do not add up to the total", () => {
    expect(refusedWith((r) => (r.clients.unlicensed += 2))).toMatch(/licensed \+ unlicensed \+ initialGrace \+ outOfToleranceGrace \(\d+\) should be total/);
  });

  it("more RPCs without an outcome than in flight", () => {
    expect(refusedWith((r) => (r.rpc.activation.sent += 5))).toMatch(/rpc: 5 RPCs sent without ok or failed, but clients\.inFlightAtEnd is 0/);
  });

  it("errors by code that do not add up to failed", () => {
    const message = refusedWith((r) => {
      const code = Object.keys(r.rpc.activation.errors)[0];
      r.rpc.activation.errors[code] += 1;
    });
    expect(message).toMatch(/rpc\.activation\.errors: the counts by code \(\d+\) should add up to failed \d+/);
  });

  it("a host whose activations and renewals are not its requests", () => {
    expect(refusedWith((r) => (r.hosts[1].renewals += 1))).toMatch(/hosts\[1\]: activations \d+ \+ renewals \d+ should be requests \d+/);
  });

  it("a timeline cut to 3 samples", () => {
    expect(refusedWith((r) => (r.timeline = r.timeline.slice(0, 3)))).toMatch(
      /timeline: should run to the end of the run \(simulatedSeconds \d+\), but its last sample is at \d+/,
    );
  });

  it("a timeline sample taken out of the middle", () => {
    const busy = (r: Result): number => r.timeline.findIndex((s, k) => k > 0 && Object.values(s.hostRequests).some((n) => n > 0));
    expect(refusedWith((r) => r.timeline.splice(busy(r), 1))).toMatch(/the intervals' hostRequests of 'kms\d' add up to \d+, but hosts\[\d\]\.requests is \d+/);
  });

  it("virtual shards that do not sample at the same times", () => {
    const inputs = whole();
    const other = inputs[1].result;
    // Consistent in itself (two intervals joined), but no longer the run's sampling.
    const [a, b] = other.timeline.splice(3, 2);
    other.timeline.splice(3, 0, { ...b, hostRequests: Object.fromEntries(Object.keys(b.hostRequests).map((h) => [h, a.hostRequests[h] + b.hostRequests[h]])) });
    const err = refusal(inputs);
    expect(err.message).toMatch(/^'shard2\.json': \d+ timeline samples, 'shard1\.json' has \d+; virtual shards of one run sample at the same times/);
  });
});

/** Paths of every count the merge adds, in a real result. */
function countPaths(r: Result): string[][] {
  const paths: string[][] = [];
  for (const [key, value] of Object.entries(r.clients)) if (typeof value === "number") paths.push(["clients", key]);
  for (const kind of ["activation", "renewal"]) {
    for (const key of ["sent", "ok", "failed"]) paths.push(["rpc", kind, key]);
    for (const code of Object.keys(r.rpc[kind as "activation"].errors)) paths.push(["rpc", kind, "errors", code]);
  }
  paths.push(["dns", "queries"], ["dns", "failed"], ["failovers"], ["rediscoveries"]);
  r.hosts.forEach((h, k) => {
    for (const key of ["requests", "activations", "renewals", "refused", "unanswered", "lost", "late"]) paths.push(["hosts", String(k), key]);
    for (const key of Object.keys(h.dlv)) paths.push(["hosts", String(k), "dlv", key]);
  });
  r.timeline.forEach((s, k) => {
    paths.push(["timeline", String(k), "activated"], ["timeline", String(k), "licensed"]);
    for (const name of Object.keys(s.hostRequests)) paths.push(["timeline", String(k), "hostRequests", name]);
  });
  return paths;
}

/** Counts that an identity ties to others: one more breaks the books (given nothing in flight). */
function isBalanced(path: readonly string[], r: Result): boolean {
  const [head, a, b, c] = path;
  if (head === "clients") return a !== "inFlightAtEnd";
  if (head === "rpc") return true;
  if (head === "hosts") return ["requests", "activations", "renewals"].includes(b) || (b === "dlv" && c !== "failed");
  if (head === "timeline") return b === "hostRequests" || (b === "activated" && Number(a) === r.timeline.length - 1);
  return false;
}

function edit(r: Result, path: readonly string[], change: (n: number) => number): void {
  let node = r as unknown as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  node[last] = change(node[last] as number);
}

describe("any count made negative, fractional or unbalanced is refused", () => {
  const base = whole();
  const paths = countPaths(base[1].result);
  const balanced = paths.filter((p) => isBalanced(p, base[1].result));

  it("holds for the real shards (precondition: nothing in flight, so every RPC has its outcome)", () => {
    expect(base[1].result.clients.inFlightAtEnd).toBe(0);
    expect(balanced.length).toBeGreaterThan(20);
  });

  it("property", () => {
    const mutation = fc.oneof(
      fc.record({ path: fc.constantFrom(...paths), change: fc.integer({ min: 1, max: 1_000_000 }).map((k) => () => -k), what: fc.constant("negative") }),
      fc.record({
        path: fc.constantFrom(...paths),
        change: fc.double({ min: 0.001, max: 0.999, noNaN: true }).map((f) => (n: number) => n + f),
        what: fc.constant("fractional"),
      }),
      fc.record({
        path: fc.constantFrom(...balanced),
        change: fc.integer({ min: 1, max: 1000 }).map((k) => (n: number) => n + k),
        what: fc.constant("unbalanced"),
      }),
    );
    fc.assert(
      fc.property(mutation, ({ path, change }) => {
        const inputs = whole();
        const target = inputs[1];
        edit(target.result, path, change);
        const err = refusal(inputs);
        expect(err.code).toBe("KMSSIM_BROKEN_SHARD");
        expect(err.message.startsWith(`'${target.file}'`)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
