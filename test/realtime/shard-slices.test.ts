// Realtime shards (issue 6): a shard runs only its own clients, cut into strided worker
// slices, and every client keeps the identity of its global index (boot time, CMID,
// source address) whatever the layout. Plus the loopback rule on DNS answers and the
// --start-at instant. In-memory ports: no sockets.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownsClient, shardSize, type ShardSpec } from "../../src/core/shard/shard.js";
import { cmidFromIndex, cmidPrefix } from "../../src/core/protocol/cmid.js";
import type { RequestMessage, ResponseMessage } from "../../src/core/protocol/frame.js";
import { forEachClient, forEachClientStrided, planFleet } from "../../src/fleet-plan/fleet-plan.js";
import type { RpcTarget } from "../../src/realtime/client/rpc-call.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { mayConnect, NOT_LOOPBACK, NotLoopbackError } from "../../src/realtime/fleet/address-guard.js";
import { FleetDriver, sourceAddressOf, type SrvLookup } from "../../src/realtime/fleet/fleet-driver.js";
import { shardSlices } from "../../src/realtime/fleet/shard-slices.js";
import { MAX_START_AHEAD_MS, parseStartAt, StartAtError } from "../../src/realtime/start-at.js";
import { scenarioFrom } from "../sim/helpers.js";
import { fakeRpcPort } from "./rpc-port-fake.js";

const scenarioWith = (groups: readonly number[], timeScale = 2_000_000) =>
  scenarioFrom(`
mode: realtime
duration: 1d
timeScale: ${timeScale}
hosts:
  - { name: a, weight: 300, renewalInterval: 6h }
  - { name: b, weight: 100, renewalInterval: 6h }
clients:
${groups.map((count, g) => `  - { name: g${g}, count: ${count}, bootSpread: ${g + 1}h, os: ${g % 2 === 0 ? "win7" : "vista"} }`).join("\n")}
`);

/** A shard spec and the fleet it cuts. */
const shardArb = fc
  .record({
    groups: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
    count: fc.integer({ min: 1, max: 7 }),
    workers: fc.integer({ min: 0, max: 9 }),
  })
  .chain((r) =>
    fc.record({
      groups: fc.constant(r.groups),
      workers: fc.constant(r.workers),
      shard: fc.integer({ min: 1, max: r.count }).map((index): ShardSpec => ({ index, count: r.count })),
    }),
  );

describe("strided slices of a shard", () => {
  it("the slices of shard i/N cover exactly the shard's global indices, once each, with the boot time the whole fleet gives them", () => {
    fc.assert(
      fc.property(shardArb, ({ groups, shard, workers }) => {
        const plan = planFleet(scenarioWith(groups));
        const whole = new Map<number, [number, number]>();
        forEachClient(plan, 0, plan.total, (g, group, bootMs) => whole.set(g, [group, bootMs]));
        const seen: number[] = [];
        const slices = shardSlices(shard, plan.total, workers);
        for (const { first, count, stride } of slices) {
          expect(count).toBeGreaterThan(0);
          let visited = 0;
          forEachClientStrided(plan, first, stride, count, (g, group, bootMs) => {
            expect(g, "the k-th visit is first + k·stride").toBe(first + visited * stride);
            expect([group, bootMs], `client ${g} boots as in the whole fleet`).toEqual(whole.get(g));
            visited++;
            seen.push(g);
          });
          expect(visited).toBe(count);
        }
        const expected = [...Array(plan.total).keys()].filter((g) => ownsClient(shard, g));
        expect(seen.sort((x, y) => x - y)).toEqual(expected);
        expect(seen.length).toBe(shardSize(shard, plan.total));
        expect(slices.length).toBeLessThanOrEqual(Math.max(1, workers));
      }),
      { numRuns: 200 },
    );
  });

  it("without a shard (1/1) the slices are the contiguous ranges of before", () => {
    expect(shardSlices({ index: 1, count: 1 }, 10, 3)).toEqual([
      { first: 0, count: 4, stride: 1 },
      { first: 4, count: 3, stride: 1 },
      { first: 7, count: 3, stride: 1 },
    ]);
  });
});

/** An in-memory fleet of two hosts; `address` is what DNS says both targets are at. */
function driverFor(options: { first: number; count: number; stride: number; groups?: number[]; address?: string; allowAddress?: string[] }) {
  const s = scenarioWith(options.groups ?? [30, 20]);
  const plan = planFleet(s);
  const calls: { target: RpcTarget; cmid: string; localAddress: string | undefined }[] = [];
  const address = options.address ?? "127.0.0.1";
  const dns = {
    async resolveSrv(): Promise<SrvLookup> {
      return {
        records: [
          { target: "a.corp.example", port: 4001, priority: 0, weight: 300 },
          { target: "b.corp.example", port: 4002, priority: 0, weight: 100 },
        ],
        addresses: new Map([
          ["a.corp.example", address],
          ["b.corp.example", address],
        ]),
      };
    },
  };
  const rpc = fakeRpcPort(async (target: RpcTarget, request: RequestMessage, localAddress?: string): Promise<ResponseMessage> => {
    calls.push({ target, cmid: Buffer.from(request.cmid).toString("hex"), localAddress });
    return { requestId: request.requestId, status: 0, hostId: target.port - 4001, count: 50, activationIntervalMs: 7_200_000, renewalIntervalMs: 21_600_000 };
  });
  const prefix = cmidPrefix(s.seed);
  const driver = new FleetDriver({
    plan,
    first: options.first,
    count: options.count,
    stride: options.stride,
    allowAddress: options.allowAddress,
    clock: new CompressedClock(CompressedClock.wallNowMs(), s.timeScale),
    dns,
    rpc,
    endpoints: [null, null],
    cmidPrefix: prefix,
  });
  return { driver, calls, prefix, plan };
}

describe("a strided fleet driver", () => {
  it("sends with each client's global CMID and source address, and counts what it sent per host", async () => {
    const shard: ShardSpec = { index: 2, count: 3 };
    const [slice] = shardSlices(shard, 50, 1);
    const { driver, calls, prefix } = driverFor(slice);
    await driver.run();
    const totals = driver.totals();
    expect(totals.clients).toBe(shardSize(shard, 50));
    expect(totals.activatedClients, "every client of the slice activated").toBe(totals.clients);
    const globals = [...Array(50).keys()].filter((g) => ownsClient(shard, g));
    const cmidToGlobal = new Map(globals.map((g) => [Buffer.from(cmidFromIndex(prefix, g)).toString("hex"), g]));
    const cmidsSeen = new Set<string>();
    for (const call of calls) {
      const g = cmidToGlobal.get(call.cmid);
      expect(g, `CMID ${call.cmid} is one of the shard's clients`).toBeDefined();
      expect(call.localAddress, `client ${g} sends from its global source address`).toBe(sourceAddressOf(g!));
      cmidsSeen.add(call.cmid);
    }
    expect(cmidsSeen.size, "every client of the shard sent").toBe(globals.length);
    expect(
      totals.sentBy.reduce((a, b) => a + b, 0),
      "sent per host adds up to the RPCs sent",
    ).toBe(totals.activation.sent + totals.renewal.sent);
    expect(totals.sentBy.reduce((a, b) => a + b, 0)).toBe(calls.length);
    expect(totals.renewalsSentBy.reduce((a, b) => a + b, 0)).toBe(totals.renewal.sent);
  });

  it("a DNS answer naming a non-loopback address fails the slice with KMSSIM_NOT_LOOPBACK before any connection", async () => {
    const { driver, calls } = driverFor({ first: 0, count: 50, stride: 1, address: "10.0.0.5" });
    const error = await driver.run().then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(NotLoopbackError);
    expect((error as NotLoopbackError).code).toBe(NOT_LOOPBACK);
    expect((error as Error).message).toMatch(
      /^the SRV records of corp\.example point [ab]\.corp\.example at 10\.0\.0\.5, which is not a loopback address; kmssim sends traffic only to loopback unless you name the address with --allow-address 10\.0\.0\.5 \(only for machines that run kmssim host\)$/,
    );
    expect(calls, "nothing was sent to it").toEqual([]);
  });

  it("an address named with --allow-address is connected to", async () => {
    const { driver, calls } = driverFor({ first: 0, count: 50, stride: 1, address: "10.0.0.5", allowAddress: ["10.0.0.5"] });
    await driver.run();
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => c.target.address))).toEqual(new Set(["10.0.0.5"]));
  });
});

describe("the loopback rule", () => {
  it("allows 127.0.0.0/8 and the named addresses only", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.array(fc.ipV4(), { maxLength: 3 }), (address, allowed) => {
        expect(mayConnect(address, allowed)).toBe(address.startsWith("127.") || allowed.includes(address));
      }),
    );
  });
});

describe("--start-at", () => {
  const now = Date.parse("2026-11-25T18:00:00Z");

  it("takes an ISO 8601 instant up to 24 h ahead", () => {
    expect(parseStartAt("2026-11-25T18:00:30Z", now, { allowPast: false })).toBe(now + 30_000);
    expect(parseStartAt("2026-11-25T19:00:00+01:00", now, { allowPast: false })).toBe(now);
    expect(parseStartAt(new Date(now + MAX_START_AHEAD_MS).toISOString(), now, { allowPast: false })).toBe(now + MAX_START_AHEAD_MS);
  });

  it("rejects what is not an instant, more than 24 h ahead, or (for run) past", () => {
    for (const text of ["garbage", "March 7", "1700000000", ""]) {
      expect(() => parseStartAt(text, now, { allowPast: false }), text).toThrow(StartAtError);
    }
    expect(() => parseStartAt("2026-11-26T18:00:01Z", now, { allowPast: false })).toThrow(/ahead/);
    expect(() => parseStartAt("2026-11-25T17:59:18Z", now, { allowPast: false })).toThrow(
      /^--start-at 2026-11-25T17:59:18Z is 42 s in the past; give a later time$/,
    );
    expect(parseStartAt("2026-11-25T17:59:18Z", now, { allowPast: true }), "kmssim host may join a running fleet").toBe(now - 42_000);
  });
});
