// An SRV target nobody simulates appears mid-run (issue 12): a signed update to the DNS
// server adds `ghost.corp.example`, whose address has nothing listening. Clients must
// treat it as the unreachable endpoint it is (refused, fail over) and the run goes on;
// it used to kill every fleet worker ("candidate names endpoint 1, only 1 exist"), exit 3.
//
// Every child is SIGKILLed in afterAll if still running; every wait is bounded.

import { randomBytes } from "node:crypto";
import net from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sendDnsUpdate, publishChanges } from "../../src/dns/update-client.js";
import { dnsChildren } from "./dns-child.js";
import { runScenario, tempDirs, writeScenario, yaml } from "./helpers.js";
import { expectNoStack, RPC_UNAVAILABLE } from "./realtime-helpers.js";

const tmp = tempDirs();
const dns = dnsChildren();
const WAIT_MS = 20_000;
const CLIENTS = 300;

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(read: () => string, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${WAIT_MS} ms:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a new SRV target appears mid-run", () => {
  it("clients count it as refused and fail over; the run finishes with every client reported", async () => {
    const dir = tmp.make();
    const secret = randomBytes(32);
    const keyFile = join(dir, "kmssim.key");
    writeFileSync(keyFile, `key "kmssim-key." {\n\talgorithm hmac-sha256;\n\tsecret "${secret.toString("base64")}";\n};\n`);
    const server = await dns.start(["--listen", "127.0.0.1:0", "--domain", "corp.example", "--key-file", keyFile]);
    const scenario = writeScenario(
      dir,
      "ghost.yaml",
      yaml(
        "name: ghost-target",
        "seed: 12",
        "mode: realtime",
        "duration: 5d",
        "timeScale: 86400",
        "sampleInterval: 12h",
        `dns: { server: "127.0.0.1:${server.port}", domain: corp.example, keyFile: kmssim.key, ttl: 0s }`,
        "hosts:",
        "  - { name: kms1, weight: 100 }",
        "clients:",
        `  - { name: fleet, count: ${CLIENTS}, os: win7, bootSpread: 4d }`,
        "network: { rpcTimeout: 2s, dnsTimeout: 1s }",
      ),
    );
    const ghostPort = await closedPort();
    const run = runScenario(dir, { path: scenario }, ["--workers", "2"]);
    // The run's host has published: the run is under way; a second later clients are booting.
    await waitFor(server.stdout, /^kmssim dns: update zone=corp\.example key=kmssim-key\. rcode=NOERROR/m);
    await new Promise((r) => setTimeout(r, 1000));
    const ghost = { target: "ghost.corp.example", address: "127.0.0.1", port: ghostPort, priority: 0, weight: 900, ttlSeconds: 0 };
    const outcome = await sendDnsUpdate({ host: "127.0.0.1", port: server.port }, "corp.example", publishChanges("corp.example", ghost), {
      key: { name: "kmssim-key.", algorithm: "hmac-sha256", secret },
      timeoutMs: 2000,
    });
    expect(outcome.rcodeName).toBe("NOERROR");
    const { code, stderr, result } = await run;

    expect([0, 1], `exit ${code}; stderr:\n${stderr}`).toContain(code);
    expectNoStack(stderr);
    expect(result.incomplete, "no worker died").toBeUndefined();
    expect(result.clients.total, "every client reported").toBe(CLIENTS);
    expect(result.rpc.activation.errors[RPC_UNAVAILABLE] ?? 0, "requests to the unknown target were refused").toBeGreaterThan(0);
    expect(result.failovers, "clients failed over from it").toBeGreaterThan(0);
    expect(result.clients.activated, "clients activated on the real host").toBeGreaterThan(0);
    expect(
      result.hosts.map((h) => h.name),
      "hosts[] lists the scenario's hosts only",
    ).toEqual(["kms1"]);
  }, 90_000);
});
