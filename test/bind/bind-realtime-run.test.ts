// Realtime runs publishing to a real BIND 9 named (issue 5; README "DNS publishing"): the
// built binary with `dns.server: 127.0.0.1:<named port>` and the harness' TSIG key. Hosts
// register their SRV and A records in BIND with signed RFC 2136 updates, clients discover
// them through BIND, kmssim deletes a decommissioned host's stale record itself (BIND does
// not scavenge), and `kmssim discover` reads what is left. Each describe block has a named
// of its own, so records one run leaves behind never meet another's.
//
// Records stay in BIND after kmssim exits (as a real host's would), so they are read with
// dig after the run instead of racing the run. Without BIND the blocks are skipped, or fail
// under CI=true (named-harness.ts).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { DiscoverReport } from "../../src/discover/audit.js";
import { dnsChildren } from "../e2e/dns-child.js";
import { expectExitMatchesVerdict, expectResultContract, host, kmssim, tempDirs, yaml, type Result, type ScenarioRun } from "../e2e/helpers.js";
import { D, DNS_NAME_DOES_NOT_EXIST, H, activationShares, expectNoStack, runRealtime } from "../e2e/realtime-helpers.js";
import { digShort } from "./bind-tools.js";
import { describeWithNamed, randomKey, type NamedKey, type RunningNamed } from "./named-harness.js";

const ZONE = "corp.example";
const OWNER = `_vlmcs._tcp.${ZONE}`;
const WORKERS = ["--workers", "1"];

const tmp = tempDirs();
const dnsChild = dnsChildren();

type DnsEvent = Result["events"][number] & { action: string; domain?: string; eventId?: number; reason?: string };

const dnsEvents = (result: Result, action: string, target?: string): DnsEvent[] =>
  (result.events as DnsEvent[]).filter((e) => e.kind === "dns" && e.action === action && (target === undefined || e.target === target));

interface SrvLine {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** `dig +short SRV` lines ("0 300 41234 kms1.corp.example.") parsed, sorted by target. */
async function srvRecords(named: RunningNamed): Promise<SrvLine[]> {
  const lines = await digShort(named, "SRV", OWNER);
  return lines
    .map((line) => {
      const m = /^(\d+) (\d+) (\d+) (\S+)$/.exec(line);
      if (m === null) return expect.fail(`not an SRV line from dig: ${JSON.stringify(line)}`);
      return { priority: Number(m[1]), weight: Number(m[2]), port: Number(m[3]), target: m[4].toLowerCase() };
    })
    .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/** The scenario's `dns:` block for named: its address and an inline key. */
function dnsBlock(named: RunningNamed, key: NamedKey, extra: string[] = []): string[] {
  return [
    "dns:",
    `  server: "127.0.0.1:${named.port}"`,
    `  domain: ${ZONE}`,
    `  tsig: { name: "${key.name}", secret: "${key.secret}" }`,
    ...extra.map((line) => `  ${line}`),
  ];
}

/** One run shared by the tests of a describe block (they run in order). */
function once(start: () => Promise<ScenarioRun>): () => Promise<ScenarioRun> {
  let run: Promise<ScenarioRun> | undefined;
  return () => (run ??= start());
}

const zones = { zones: [{ origin: ZONE }] };

// ---- a. hosts publish to BIND, clients activate through it ------------------------------

describeWithNamed(
  "realtime run publishing to BIND: records, activation and shares",
  (ctx) => {
    const scenario = (): string =>
      yaml(
        "name: bind-publish",
        "seed: 611",
        "mode: realtime",
        "duration: 3d",
        "timeScale: 86400",
        "sampleInterval: 12h",
        // One publish at t=0: nothing changes the records during the run.
        ...dnsBlock(ctx.named, ctx.named.key, ["publishInterval: 30d", "ttl: 1h"]),
        "hosts:",
        "  - { name: kms-heavy, priority: 0, weight: 300, renewalInterval: 12h }",
        "  - { name: kms-light, priority: 0, weight: 100, renewalInterval: 12h }",
        "  - { name: kms-backup, priority: 10, weight: 100, renewalInterval: 12h }",
        "clients:",
        "  - { name: fleet, count: 400, os: win7, product: windows-client, bootSpread: 1d }",
      );
    const run = once(() => runRealtime(tmp.make(), "bind-publish", scenario(), WORKERS));

    it("every host publishes to BIND at t=0 (event 12294), none fails", async () => {
      const { result, code, stderr } = await run();
      expect(code, stderr).toBe(0);
      expectResultContract(result);
      expect(dnsEvents(result, "publish-failed"), stderr).toEqual([]);
      const published = dnsEvents(result, "published");
      expect(published.map((e) => e.target).sort()).toEqual(["kms-backup", "kms-heavy", "kms-light"]);
      for (const e of published) {
        expect(e.t).toBe(0);
        expect(e.domain).toBe(ZONE);
        expect(e.eventId).toBe(12294);
      }
    });

    it("after the run BIND still serves each host's SRV record (its priority, weight and port) and A record", async () => {
      await run();
      const srv = await srvRecords(ctx.named);
      expect(srv.map(({ priority, weight, target }) => ({ priority, weight, target }))).toEqual([
        { priority: 10, weight: 100, target: `kms-backup.${ZONE}.` },
        { priority: 0, weight: 300, target: `kms-heavy.${ZONE}.` },
        { priority: 0, weight: 100, target: `kms-light.${ZONE}.` },
      ]);
      // Realtime hosts listen on ephemeral ports: three distinct, none the default 1688.
      expect(new Set(srv.map((r) => r.port)).size).toBe(3);
      for (const r of srv) expect(r.port).not.toBe(1688);
      for (const name of ["kms-heavy", "kms-light", "kms-backup"]) {
        expect(await digShort(ctx.named, "A", `${name}.${ZONE}`), `A record of ${name}`).toEqual(["127.0.0.1"]);
      }
    });

    it("every client activates through BIND; win7 activations follow the weights (expected 0.75 / 0.25 / 0)", async () => {
      const { result } = await run();
      expect(result.dns.queries, "the clients asked BIND").toBeGreaterThan(0);
      expect(result.clients.activated).toBe(400);
      expect(result.clients.notActivated).toBe(0);
      expect(host(result, "kms-heavy").expectedShare).toBeCloseTo(0.75, 6);
      expect(host(result, "kms-light").expectedShare).toBeCloseTo(0.25, 6);
      expect(host(result, "kms-backup").expectedShare).toBe(0);
      expect(host(result, "kms-backup").requests, "priority 10 is a backup: unused while priority 0 answers").toBe(0);
      // Binomial with n = 400: σ ≈ 0.022; 0.08 is over 3.5 σ.
      const won = activationShares(result);
      expect(Math.abs(won["kms-heavy"] - 0.75), `activation shares ${JSON.stringify(won)}`).toBeLessThanOrEqual(0.08);
      expect(Math.abs(won["kms-light"] - 0.25), `activation shares ${JSON.stringify(won)}`).toBeLessThanOrEqual(0.08);
      expect(Math.abs(host(result, "kms-heavy").share - 0.75), "all traffic, renewals included").toBeLessThanOrEqual(0.08);
    });
  },
  zones,
);

// ---- b. a wrong secret: BADSIG, like the embedded server -------------------------------

describeWithNamed(
  "realtime run with a wrong TSIG secret for BIND",
  (ctx) => {
    const wrongKey = (): NamedKey => ({ name: ctx.named.key.name, secret: randomKey().secret });
    const scenario = (server: string, key: NamedKey, name: string): string =>
      yaml(
        `name: ${name}`,
        "seed: 612",
        "mode: realtime",
        "duration: 2d",
        "timeScale: 86400",
        "dns:",
        `  server: "${server}"`,
        `  domain: ${ZONE}`,
        `  tsig: { name: "${key.name}", secret: "${key.secret}" }`,
        "  publishRetry: 12h",
        "hosts:",
        "  - { name: kms1, weight: 100 }",
        "  - { name: kms2, weight: 100 }",
        "clients:",
        "  - { name: fleet, count: 50, os: win7, product: windows-client, bootSpread: 12h }",
      );
    const run = once(() => runRealtime(tmp.make(), "bind-wrong-secret", scenario(`127.0.0.1:${ctx.named.port}`, wrongKey(), "bind-wrong-secret"), WORKERS));

    it("BIND answers NOTAUTH/BADSIG: publish-failed events (12293) with the reason, a warning on stderr, hosts keep serving", async () => {
      const { result, code, stderr } = await run();
      // BIND answers (it refuses), so this is not "the server does not answer" (exit 3).
      expect(code, stderr).not.toBe(3);
      // No thresholds in the scenario: the verdict is pass, exit 0.
      expectExitMatchesVerdict(await run());
      expect(dnsEvents(result, "published"), "nothing is published with a wrong secret").toEqual([]);
      const failed = dnsEvents(result, "publish-failed");
      expect(
        failed
          .filter((e) => e.t === 0)
          .map((e) => e.target)
          .sort(),
      ).toEqual(["kms1", "kms2"]);
      for (const e of failed) {
        expect(e.eventId).toBe(12293);
        expect(e.domain).toBe(ZONE);
        expect(e.reason).toMatch(/NOTAUTH/);
        expect(e.reason).toMatch(/BADSIG/);
        expect(e.reason).toMatch(/secret/);
      }
      // publishRetry 12h over 2d: retried, not given up.
      expect(failed.length).toBeGreaterThan(2);
      expect(stderr).toMatch(/could not publish/);
      expect(stderr).toMatch(/BADSIG/);
      expectNoStack(stderr);
      expect(host(result, "kms1").state).toBe("up");
    });

    it("with no records in BIND, clients find no host (notActivated > 0, nothing served)", async () => {
      const { result } = await run();
      expect(await digShort(ctx.named, "SRV", OWNER)).toEqual([]);
      expect(result.clients.notActivated).toBe(result.clients.total);
      expect(result.clients.activated).toBe(0);
      expect(result.hosts.reduce((a, h) => a + h.requests, 0)).toBe(0);
      // BIND serves the zone but not _vlmcs._tcp in it: NXDOMAIN, DNS_NAME_DOES_NOT_EXIST.
      expect(Object.keys(result.clients.errors)).toEqual([DNS_NAME_DOES_NOT_EXIST]);
    });

    it("`kmssim dns --key-file` (the embedded server) refuses the same wrong-secret run with the same reason", async () => {
      const dir = tmp.make();
      const keyFile = join(dir, "right.key");
      const right = ctx.named.key;
      writeFileSync(keyFile, `key "${right.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${right.secret}";\n};\n`);
      const embedded = await dnsChild.start(["--listen", "127.0.0.1:0", "--domain", ZONE, "--key-file", keyFile]);
      try {
        const viaEmbedded = await runRealtime(
          dir,
          "embedded-wrong-secret",
          scenario(`127.0.0.1:${embedded.port}`, wrongKey(), "embedded-wrong-secret"),
          WORKERS,
        );
        const viaBind = (await run()).result;
        const reasons = (r: Result): string[] => [...new Set(dnsEvents(r, "publish-failed").map((e) => e.reason ?? ""))];
        expect(reasons(viaEmbedded.result)).toEqual(reasons(viaBind));
        expect(reasons(viaBind)).toHaveLength(1);
      } finally {
        await embedded.stop();
      }
    });
  },
  zones,
);

// ---- c. decommission + scavenging by delete, then discover ------------------------------

describeWithNamed(
  "realtime run against BIND: a decommissioned host's record is deleted after scavengeAfter",
  (ctx) => {
    const scenario = (): string =>
      yaml(
        "name: bind-scavenge",
        "seed: 613",
        "mode: realtime",
        "duration: 6d",
        "timeScale: 86400",
        "sampleInterval: 12h",
        ...dnsBlock(ctx.named, ctx.named.key, ["publishInterval: 1d", "scavengeAfter: 2d", "ttl: 1h"]),
        "hosts:",
        "  - { name: kms-live, weight: 100, renewalInterval: 12h }",
        "  - { name: kms-dead, weight: 100, renewalInterval: 12h }",
        "clients:",
        "  - { name: fleet, count: 200, os: win7, product: windows-client, bootSpread: 12h }",
        "events:",
        "  - { at: 1d12h, host: kms-dead, action: decommission }",
      );
    const run = once(() => runRealtime(tmp.make(), "bind-scavenge", scenario(), WORKERS));

    it("the result has one scavenged event for kms-dead, ~2d after its last refresh (~3d), none for kms-live", async () => {
      const { result, code, stderr } = await run();
      expect(code, stderr).toBe(0);
      expectResultContract(result);
      expect(dnsEvents(result, "publish-failed"), stderr).toEqual([]);
      const lastRefresh = Math.max(...dnsEvents(result, "published", "kms-dead").map((e) => e.t));
      expect(lastRefresh, "kms-dead refreshed at ~1d, then was decommissioned").toBeLessThan(1.5 * D);
      const scavenged = dnsEvents(result, "scavenged", "kms-dead");
      expect(scavenged, JSON.stringify(result.events)).toHaveLength(1);
      expect(scavenged[0].domain).toBe(ZONE);
      expect(scavenged[0].t).toBeGreaterThanOrEqual(lastRefresh + 2 * D - 1);
      expect(scavenged[0].t).toBeLessThan(lastRefresh + 2 * D + 12 * H);
      expect(dnsEvents(result, "scavenged", "kms-live")).toEqual([]);
      expect(dnsEvents(result, "published", "kms-live").length, "kms-live refreshes daily").toBeGreaterThanOrEqual(5);
      expect(result.clients.activated).toBe(200);
    });

    it("after the run BIND serves kms-live's SRV and A records and none of kms-dead's", async () => {
      await run();
      const srv = await srvRecords(ctx.named);
      expect(srv.map((r) => r.target)).toEqual([`kms-live.${ZONE}.`]);
      expect(await digShort(ctx.named, "A", `kms-live.${ZONE}`)).toEqual(["127.0.0.1"]);
      expect(await digShort(ctx.named, "A", `kms-dead.${ZONE}`), "its A record went with it").toEqual([]);
    });

    it("`kmssim discover` against BIND lists only kms-live and reports SINGLE_HOST", async () => {
      await run();
      const discover = await kmssim(["discover", "--domain", ZONE, "--server", `127.0.0.1:${ctx.named.port}`, "--json"]);
      expectNoStack(discover.stderr);
      let report: DiscoverReport;
      try {
        report = JSON.parse(discover.stdout) as DiscoverReport;
      } catch {
        return expect.fail(`discover --json printed no JSON (exit ${discover.code}):\n${discover.stdout}\n${discover.stderr}`);
      }
      expect(report.lookup.status).toBe("ok");
      expect(report.records.map((r) => r.target)).toEqual([`kms-live.${ZONE}`]);
      expect(report.records[0].dnsAddress).toBe("127.0.0.1");
      expect(report.records[0].share?.win7).toBe(1);
      expect(report.problems.map((p) => p.code)).toContain("SINGLE_HOST");
      // The run has ended: kms-live's listener is closed, so its probe is refused too.
      expect(discover.code).toBe(report.ok ? 0 : 1);
      expect(report.ok).toBe(false);
    });
  },
  zones,
);
