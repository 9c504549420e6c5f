// DNS records through the real binary (issue 16), in both drivers: a hand-made record in
// nodns.example pointing at kms2.corp.example (a host that publishes itself in
// corp.example), a host with publishing off (publish: false, slmgr /cdns), and an admin
// deleting that record at 2d. Virtual and realtime must tell the same story; `validate`
// warns about a target no host answers.
//
// Realtime at timeScale 86400 (4 simulated days ≈ 4 wall seconds plus set-up) with one
// worker: the outcomes asserted are counts the clock rate cannot change (who activates at
// all), never latencies; event times allow the compressed clock's lateness.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectResultContract, host, kmssim, runScenario, scenarioPath, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";
import { D, DNS_NAME_DOES_NOT_EXIST, expectNoStack, runRealtime, runVirtual } from "./realtime-helpers.js";

const tmp = tempDirs();

const NODNS = 300;
const LATE = 50;

/** The record at 2d is deleted: late nodns clients (from 2d12h) find no record, the early ones renew on their cached kms2. */
const records = yaml(
  "name: dns-records",
  "seed: 16",
  "duration: 4d",
  "timeScale: 86400",
  "sampleInterval: 12h",
  "dns:",
  "  domain: corp.example",
  "  ttl: 1h",
  "  records:",
  "    - { name: _vlmcs._tcp.nodns.example, target: kms2.corp.example }",
  "hosts:",
  "  - { name: kms1, renewalInterval: 12h }",
  "  - { name: kms2, renewalInterval: 12h }",
  "  - { name: kms-lab, publish: false }",
  "clients:",
  "  - { name: corp, count: 100, domain: corp.example, bootSpread: 12h }",
  `  - { name: nodns, count: ${NODNS}, domain: nodns.example, bootSpread: 1d }`,
  `  - { name: nodns-late, count: ${LATE}, domain: nodns.example, startAt: 2d12h, bootSpread: 12h }`,
  "events:",
  "  - { at: 2d, action: delete-record, record: { name: _vlmcs._tcp.nodns.example, target: kms2.corp.example } }",
  "network: { rpcTimeout: 2s, dnsTimeout: 1s }",
);

function expectTheStory(result: Result, mode: string): void {
  expectResultContract(result);
  // Cross-zone target: every nodns client that booted before the delete activated (on kms2).
  expect(result.clients.activated, mode).toBe(100 + NODNS);
  // After the delete nodns.example has no record: the late group never activates.
  expect(result.clients.notActivated, mode).toBe(LATE);
  expect(result.clients.errors[DNS_NAME_DOES_NOT_EXIST], mode).toBeGreaterThan(0);
  expect(Object.keys(result.clients.errors), `${mode}: no client failed for want of a reachable host`).toEqual([DNS_NAME_DOES_NOT_EXIST]);
  const deleted = result.events.filter((e) => e.action === "delete-record");
  expect(
    deleted.map((e) => [e.target, e.domain]),
    mode,
  ).toEqual([["kms2", "nodns.example"]]);
  expect(deleted[0].t, mode).toBeGreaterThanOrEqual(2 * D);
  // publish: false: kms-lab never publishes, nobody finds it; kms1 and kms2 publish as before.
  const publishers = new Set(result.events.filter((e) => e.action === "published").map((e) => e.target));
  expect(publishers, mode).toEqual(new Set(["kms1", "kms2"]));
  expect(host(result, "kms-lab").requests, mode).toBe(0);
}

describe("a cross-zone hand-made record, publish: false and delete-record", () => {
  it("virtual mode", async () => {
    const { code, stderr, result } = await runVirtual(tmp.make(), "dns-records", records, ["--check"]);
    expect(code, stderr).toBe(0);
    expectTheStory(result, "virtual");
  }, 60_000);

  it("realtime mode tells the same story over real sockets and the embedded DNS server", async () => {
    const { code, stderr, result } = await runRealtime(tmp.make(), "dns-records", records, ["--workers", "1"]);
    expect(code, stderr).toBe(0);
    expectNoStack(stderr);
    expectTheStory(result, "realtime");
  }, 120_000);
});

describe("validate", () => {
  it("warns about a target no host answers, with line:column, and still says ok (exit 0)", async () => {
    const dir = tmp.make();
    const path = writeScenario(
      dir,
      "targets.yaml",
      yaml(
        "dns:",
        "  domain: corp.example",
        "  records:",
        "    - { name: _vlmcs._tcp.nodns.example, target: kms2.corp.example }",
        "    - { name: _vlmcs._tcp.nodns.example, target: kms9.corp.example }",
        "hosts: [{ name: kms1 }, { name: kms2 }]",
        "clients: [{ name: c, count: 10, domain: nodns.example }]",
      ),
    );
    const { code, stdout, stderr } = await kmssim(["validate", path]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(": ok");
    const warnings = stderr.split("\n").filter((line) => line.startsWith("kmssim: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${path}:5:50  dns.records[1].target: no host answers 'kms9.corp.example'`);
  });
});

describe("scenarios/manual-records.yaml", () => {
  it("deleting the retired host's record keeps late clients off it: fewer refusals than without the delete", async () => {
    const shipped = await runScenario(tmp.make(), { path: scenarioPath("manual-records.yaml") });
    expect(shipped.code, shipped.stderr).toBe(0);
    const text = readFileSync(scenarioPath("manual-records.yaml"), "utf8")
      .split("\n")
      .filter((line) => !line.includes("delete-record"))
      .join("\n");
    const kept = await runScenario(tmp.make(), { name: "no-delete", text });
    expect(shipped.result.events.some((e) => e.action === "delete-record")).toBe(true);
    expect(host(shipped.result, "kms1").refused).toBeLessThan(host(kept.result, "kms1").refused);
  }, 60_000);
});
