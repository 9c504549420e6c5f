// Realtime DNS publishing end to end (issue 5; README "DNS publishing"), with the embedded
// DNS server and no BIND: the built binary in realtime mode at timeScale 86400 (a
// simulated day per wall second). Hosts publish themselves with signed RFC 2136 updates at
// time 0 and every publishInterval into each of their publishDomains; a decommissioned
// host's record is scavenged after scavengeAfter; a bad key file is bad input (exit 2); a
// dns.server that does not answer fails the run (exit 3).
//
// Event times come from a compressed clock: a re-publish lands a few wall milliseconds
// (minutes of simulated time) after its due time, so counts allow ±1 and times a margin.

import { writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Result, ScenarioRun } from "./helpers.js";
import { expectResultContract, host, kmssim, tempDirs, writeScenario, yaml } from "./helpers.js";
import { D, H, expectNoStack, runRealtime } from "./realtime-helpers.js";

const tmp = tempDirs();
const WORKERS = ["--workers", "1"];

type DnsEvent = Result["events"][number] & { action: string; domain?: string; eventId?: number; reason?: string };

const dnsEvents = (result: Result, action: string, target?: string, domain?: string): DnsEvent[] =>
  (result.events as DnsEvent[]).filter(
    (e) => e.kind === "dns" && e.action === action && (target === undefined || e.target === target) && (domain === undefined || e.domain === domain),
  );

/** One run shared by several tests of a describe block (they run in order). */
function once(start: () => Promise<ScenarioRun>): () => Promise<ScenarioRun> {
  let run: Promise<ScenarioRun> | undefined;
  return () => (run ??= start());
}

/** A loopback port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- a. publish at 0 and every publishInterval, per domain ------------------------------

const PUBLISH_DAYS = 4;

/**
 * kms-both publishes into corp.example and branch.example, kms-corp into corp.example only,
 * kms-branch into branch.example only. Every client lives in branch.example.
 */
const publishing = yaml(
  "name: rt-publish-domains",
  "seed: 501",
  "mode: realtime",
  `duration: ${PUBLISH_DAYS}d`,
  "timeScale: 86400",
  "sampleInterval: 12h",
  "dns:",
  "  domain: corp.example",
  "  publishInterval: 1d",
  "hosts:",
  "  - { name: kms-both, weight: 100, renewalInterval: 12h, publishDomains: [corp.example, branch.example] }",
  "  - { name: kms-corp, weight: 100, renewalInterval: 12h, publishDomains: [corp.example] }",
  "  - { name: kms-branch, weight: 100, renewalInterval: 12h, publishDomains: [branch.example] }",
  "clients:",
  "  - { name: branch, count: 300, os: win7, product: windows-client, domain: branch.example, bootSpread: 1d }",
);

const PUBLISHES: Record<string, string[]> = {
  "kms-both": ["corp.example", "branch.example"],
  "kms-corp": ["corp.example"],
  "kms-branch": ["branch.example"],
};

describe("realtime publishing with the embedded server: schedule and domains", () => {
  const run = once(() => runRealtime(tmp.make(), "rt-publish-domains", publishing, WORKERS));

  it("every host publishes at t=0 into each of its publishDomains, and nowhere else", async () => {
    const { result, code, stderr } = await run();
    expect(code, stderr).toBe(0);
    expectResultContract(result);
    expect(dnsEvents(result, "publish-failed"), "the embedded server accepts the run's own key").toEqual([]);
    for (const [name, domains] of Object.entries(PUBLISHES)) {
      const atZero = dnsEvents(result, "published", name).filter((e) => e.t === 0);
      expect(atZero.map((e) => e.domain).sort(), `${name}'s publishes at t=0`).toEqual([...domains].sort());
      for (const e of atZero) expect(e.eventId, "published is event 12294").toBe(12294);
      const elsewhere = dnsEvents(result, "published", name).filter((e) => !domains.includes(e.domain ?? ""));
      expect(elsewhere, `${name} publishes only into its publishDomains`).toEqual([]);
    }
  });

  it("each host re-publishes every publishInterval (1d): ≈ duration / interval events per host and domain, spaced ≈ 1d", async () => {
    const { result } = await run();
    for (const [name, domains] of Object.entries(PUBLISHES)) {
      for (const domain of domains) {
        const times = dnsEvents(result, "published", name, domain)
          .map((e) => e.t)
          .sort((a, b) => a - b);
        expect(Math.abs(times.length - PUBLISH_DAYS), `${name} in ${domain}: publish times ${JSON.stringify(times)}`).toBeLessThanOrEqual(1);
        for (let k = 1; k < times.length; k++) {
          const gap = times[k] - times[k - 1];
          // Never early; late by at most a few wall milliseconds' worth of simulated time.
          expect(gap, `${name} in ${domain}: gap ${k} of ${JSON.stringify(times)}`).toBeGreaterThanOrEqual(D - 1);
          expect(gap, `${name} in ${domain}: gap ${k} of ${JSON.stringify(times)}`).toBeLessThan(D + 3 * H);
        }
      }
    }
  });

  it("clients of branch.example find only the hosts that publish there", async () => {
    const { result } = await run();
    expect(result.clients.activated).toBe(300);
    expect(host(result, "kms-corp").requests, "kms-corp is not in branch.example").toBe(0);
    expect(host(result, "kms-corp").refused).toBe(0);
    expect(host(result, "kms-corp").expectedShare).toBe(0);
    expect(host(result, "kms-both").requests).toBeGreaterThan(0);
    expect(host(result, "kms-branch").requests).toBeGreaterThan(0);
    expect(host(result, "kms-both").expectedShare).toBeCloseTo(0.5, 6);
    expect(host(result, "kms-branch").expectedShare).toBeCloseTo(0.5, 6);
  });
});

// ---- b. decommission + scavenging -------------------------------------------------------

/**
 * kms-dead is decommissioned at 1d12h (last refresh at ~1d); a second wave of clients
 * boots from 3d12h on, after its record is scavenged (~3d) when scavengeAfter is 2d.
 */
function decommission(scavengeAfter: string): string {
  return yaml(
    `name: rt-scavenge-${scavengeAfter}`,
    "seed: 502",
    "mode: realtime",
    "duration: 6d",
    "timeScale: 86400",
    "sampleInterval: 12h",
    "dns:",
    "  domain: corp.example",
    "  ttl: 1h",
    "  publishInterval: 1d",
    `  scavengeAfter: ${scavengeAfter}`,
    "hosts:",
    "  - { name: kms-live, weight: 100, renewalInterval: 12h }",
    "  - { name: kms-dead, weight: 100, renewalInterval: 12h }",
    "clients:",
    "  - { name: early, count: 200, os: win7, product: windows-client, bootSpread: 12h }",
    "  - { name: late, count: 200, os: win7, product: windows-client, startAt: 3d12h, bootSpread: 1d }",
    "events:",
    "  - { at: 1d12h, host: kms-dead, action: decommission }",
  );
}

describe("realtime publishing with the embedded server: decommission and scavenging", () => {
  const scavenging = once(() => runRealtime(tmp.make(), "rt-scavenge-2d", decommission("2d"), WORKERS));
  const keeping = once(() => runRealtime(tmp.make(), "rt-scavenge-0", decommission("0s"), WORKERS));

  it("scavengeAfter 2d: the decommissioned host's record is scavenged ~2d after its last refresh, the live host's never", async () => {
    const { result, code, stderr } = await scavenging();
    expect(code, stderr).toBe(0);
    expectResultContract(result);
    const dead = dnsEvents(result, "published", "kms-dead");
    const lastRefresh = Math.max(...dead.map((e) => e.t));
    expect(lastRefresh, `kms-dead publishes at 0 and ~1d, then no more: ${JSON.stringify(dead)}`).toBeLessThan(1.5 * D);
    const scavenged = dnsEvents(result, "scavenged", "kms-dead");
    expect(scavenged, JSON.stringify(result.events)).toHaveLength(1);
    expect(scavenged[0].domain).toBe("corp.example");
    expect(scavenged[0].t, "not before scavengeAfter has passed since the last refresh").toBeGreaterThanOrEqual(lastRefresh + 2 * D - 1);
    expect(scavenged[0].t).toBeLessThan(lastRefresh + 2 * D + 12 * H);
    expect(dnsEvents(result, "scavenged", "kms-live"), "the live host refreshes daily").toEqual([]);
    expect(host(result, "kms-dead").state).toBe("decommissioned");
  });

  it("scavengeAfter 0: the dead host's record stays (no scavenged event)", async () => {
    const { result, code, stderr } = await keeping();
    expect(code, stderr).toBe(0);
    expect(dnsEvents(result, "scavenged"), JSON.stringify(result.events)).toEqual([]);
    expect(dnsEvents(result, "published", "kms-dead").length).toBeGreaterThanOrEqual(1);
  });

  it("with scavenging the late wave never tries the dead host: far fewer refused requests at kms-dead than without", async () => {
    const withScavenging = (await scavenging()).result;
    const without = (await keeping()).result;
    for (const result of [withScavenging, without]) expect(result.clients.activated, "everyone ends up on kms-live").toBe(400);
    const refusedWith = host(withScavenging, "kms-dead").refused;
    const refusedWithout = host(without, "kms-dead").refused;
    // Without scavenging ~half of the 200 late clients pick the dead host first (equal weights).
    expect(refusedWithout - refusedWith, `refused at kms-dead: ${refusedWith} with scavenging, ${refusedWithout} without`).toBeGreaterThanOrEqual(40);
    // Before the decommission both runs are the same; the dead host served the early wave.
    expect(host(withScavenging, "kms-dead").requests).toBeGreaterThan(0);
  });
});

// ---- c, d. bad key file, server that does not answer ------------------------------------

describe("realtime publishing: bad inputs and an unreachable dns.server", () => {
  it("a key file with algorithm hmac-md5 is bad input: exit 2, file:line named, only hmac-sha256 supported, no stack", async () => {
    const dir = tmp.make();
    const keyPath = join(dir, "md5.key");
    writeFileSync(keyPath, ['key "kmssim-key." {', "\talgorithm hmac-md5;", '\tsecret "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=";', "};", ""].join("\n"));
    const text = yaml(
      "name: rt-md5-key",
      "mode: realtime",
      "duration: 1d",
      "timeScale: 86400",
      "dns: { keyFile: md5.key }",
      "hosts:",
      "  - { name: kms1 }",
      "clients:",
      "  - { name: fleet, count: 10 }",
    );
    const path = writeScenario(dir, "rt-md5-key.yaml", text);
    const run = await kmssim(["run", path, "--quiet", ...WORKERS]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${keyPath}:2:`);
    expect(run.stderr).toMatch(/the algorithm is not supported/);
    expect(run.stderr).toMatch(/hmac-sha256 only/);
    expect(run.stderr, "a secret is never echoed").not.toContain("c2VjcmV0");
    expectNoStack(run.stderr);
  });

  it("dns.server on a closed loopback port: exit 3, the DNS server does not answer, no stack", async () => {
    const dir = tmp.make();
    const port = await closedPort();
    const text = yaml(
      "name: rt-dns-closed",
      "mode: realtime",
      "duration: 1d",
      "timeScale: 86400",
      `dns: { server: "127.0.0.1:${port}" }`,
      "hosts:",
      "  - { name: kms1 }",
      "clients:",
      "  - { name: fleet, count: 10 }",
    );
    const path = writeScenario(dir, "rt-dns-closed.yaml", text);
    const run = await kmssim(["run", path, "--quiet", ...WORKERS]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(run.stderr).toMatch(/does not answer/);
    expectNoStack(run.stderr);
  });
});
