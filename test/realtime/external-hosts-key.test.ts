// A fleet with --external-hosts publishes nothing, so the machines it runs on need not
// hold the TSIG secret the hosts publish with: a scenario naming a key file that is not
// there still runs (the hosts' machine has it). Without --external-hosts it is bad input.
import { describe, expect, it } from "vitest";
import { KeyFileError } from "../../src/dns/tsig-key-file.js";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

// dns.server: a loopback port nothing answers on; the clients' lookups time out.
const SCENARIO = `
name: fleet-without-key
seed: 4
mode: realtime
duration: 2h
timeScale: 7200
dns: { server: "127.0.0.1:9", domain: corp.example, keyFile: /nonexistent/kmssim.key }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 5, bootSpread: 10m } ]
network: { dnsTimeout: 200ms, rpcTimeout: 1s }
`;

describe("the TSIG key and --external-hosts", () => {
  it("a fleet with external hosts runs without the key file", async () => {
    const totals = await runRealtime(scenarioFrom(SCENARIO), { workers: 0, externalHosts: true });
    expect(totals.clientsTotal).toBe(5);
    // Nobody answered DNS: every lookup failed, and nothing crashed on the missing key.
    expect(totals.dns.sent).toBeGreaterThan(0);
    expect(totals.dns.failed).toBe(totals.dns.sent - totals.inFlight);
  }, 30_000);

  it("a run that publishes its own hosts still needs it", async () => {
    await expect(runRealtime(scenarioFrom(SCENARIO), { workers: 0 })).rejects.toBeInstanceOf(KeyFileError);
  });
});
