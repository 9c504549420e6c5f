// `kmssim discover` through the built binary against `kmssim dns` as a child: records,
// shares per profile, TCP probes on loopback only, problem codes and exit codes.

import { writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiscoverReport } from "../../src/discover/audit.js";
import { dnsChildren, type DnsChild } from "./dns-child.js";
import { kmssim, tempDirs } from "./helpers.js";

const tmp = tempDirs();
const dns = dnsChildren();
const listeners: net.Server[] = [];

afterAll(async () => {
  await Promise.all(listeners.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function openPort(): Promise<number> {
  const server = net.createServer((socket) => socket.destroy());
  listeners.push(server);
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A loopback port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let server: DnsChild;
let open1: number;
let open2: number;
let closed: number;

beforeAll(async () => {
  open1 = await openPort();
  open2 = await openPort();
  closed = await closedPort();
  const zone = [
    "$TTL 300",
    "$ORIGIN corp.example.",
    "@ SOA ns1 hostmaster ( 1 1h 15m 7d 5m )",
    `_vlmcs._tcp SRV 0 300 ${open1} kms1`,
    `_vlmcs._tcp SRV 0 100 ${closed} kms2`,
    "kms1 A 127.0.0.1",
    "kms2 A 127.0.0.1",
    "$ORIGIN clean.example.",
    `_vlmcs._tcp SRV 0 100 ${open1} kms1`,
    `_vlmcs._tcp SRV 0 100 ${open2} kms2`,
    "kms1 A 127.0.0.1",
    "kms2 A 127.0.0.1",
    "$ORIGIN far.example.",
    `_vlmcs._tcp SRV 0 100 ${open1} kms1`,
    `_vlmcs._tcp SRV 0 100 1688 remote`,
    "kms1 A 127.0.0.1",
    "remote A 192.0.2.10", // TEST-NET-1: must never be connected to
    "",
  ].join("\n");
  const path = join(tmp.make(), "kms.zone");
  writeFileSync(path, zone);
  server = await dns.start(["--listen", "127.0.0.1:0", "--zone-file", path, "--domain", "empty.example"]);
});

afterAll(async () => {
  if (server !== undefined) await server.stop();
});

async function discoverJson(domain: string, extra: string[] = []): Promise<{ code: number | null; report: DiscoverReport; stderr: string }> {
  const run = await kmssim(["discover", "--domain", domain, "--server", `127.0.0.1:${server.port}`, "--json", ...extra]);
  let report: DiscoverReport;
  try {
    report = JSON.parse(run.stdout) as DiscoverReport;
  } catch {
    return expect.fail(`discover --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, report, stderr: run.stderr };
}

describe("kmssim discover", () => {
  it("lists both records with their shares, probes them, and flags the closed port as UNREACHABLE (exit 1)", async () => {
    const { code, report, stderr } = await discoverJson("corp.example");
    expect(code).toBe(1);
    expect(report.schema).toBe("kmssim/discover@1");
    expect(report.lookup.status).toBe("ok");
    expect(report.records.map((r) => [r.target, r.port, r.priority, r.weight, r.address])).toEqual([
      ["kms1.corp.example", open1, 0, 300, "127.0.0.1"],
      ["kms2.corp.example", closed, 0, 100, "127.0.0.1"],
    ]);
    expect(report.records.map((r) => r.share)).toEqual([
      { win7: 0.75, vista: 0.5 },
      { win7: 0.25, vista: 0.5 },
    ]);
    expect(report.records.map((r) => r.probe.status)).toEqual(["open", "refused"]);
    expect(report.problems.map((p) => [p.code, p.hosts])).toEqual([["UNREACHABLE", [`kms2.corp.example:${closed}`]]]);
    expect(report.ok).toBe(false);
    expect(stderr).toMatch(/1 problem found \(UNREACHABLE\)/);
  });

  it("a clean zone: no problem, exit 0, and a readable table without --json", async () => {
    const { code, report } = await discoverJson("clean.example");
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.records.map((r) => r.probe.status)).toEqual(["open", "open"]);

    const text = await kmssim(["discover", "--domain", "clean.example", "--server", `127.0.0.1:${server.port}`]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/_vlmcs\._tcp\.clean\.example @ 127\.0\.0\.1:\d+: 2 records/);
    expect(text.stdout).toMatch(/kms1\.clean\.example\s+\d+\s+0\s+100\s+127\.0\.0\.1\s+50\.0%\s+50\.0%\s+open/);
    expect(text.stdout).toMatch(/No problems found\./);
  });

  it("a domain without records: NO_RECORDS, exit 1", async () => {
    const { code, report } = await discoverJson("empty.example");
    expect(code).toBe(1);
    expect(report.lookup.status).toBe("nxdomain");
    expect(report.problems.map((p) => p.code)).toEqual(["NO_RECORDS"]);
    expect(report.records).toEqual([]);
  });

  it("a host outside loopback is listed, not probed", async () => {
    const { code, report } = await discoverJson("far.example");
    const remote = report.records.find((r) => r.target === "remote.far.example");
    expect(remote).toMatchObject({ address: "192.0.2.10", probe: { status: "not-probed", reason: "not-allowed" } });
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    const text = await kmssim(["discover", "--domain", "far.example", "--server", `127.0.0.1:${server.port}`]);
    expect(text.stdout).toMatch(/remote\.far\.example.*not probed \(give --address to probe\)/);
  });

  it("--address lets a target be probed at the address given", async () => {
    const { report } = await discoverJson("corp.example", ["--address", "kms2.corp.example=127.0.0.2"]);
    expect(report.records[1]).toMatchObject({ address: "127.0.0.2", addressSource: "flag", dnsAddress: "127.0.0.1", probe: { status: "refused" } });
  });

  it("a DNS server that does not answer: DNS_TIMEOUT, exit 1", async () => {
    const silent = await closedPort(); // UDP on a closed port: no answer, only ICMP the resolver ignores
    const run = await kmssim(["discover", "--domain", "corp.example", "--server", `127.0.0.1:${silent}`, "--timeout", "200ms", "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DiscoverReport;
    expect(report.problems.map((p) => p.code)).toEqual(["DNS_TIMEOUT"]);
    expect(report.problems[0].message).toMatch(/did not answer/);
  });

  it("bad flags are exit 2", async () => {
    for (const args of [
      ["discover"],
      ["discover", "--domain", "corp.example", "--server", "dns.corp.example:53"],
      ["discover", "--domain", "corp.example", "--address", "kms1=nowhere"],
      ["discover", "--domain", "corp.example", "--timeout", "5"],
      ["discover", "--domain", "bad..name"],
    ]) {
      const run = await kmssim(args);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/^kmssim: /);
    }
  });
});
