// The loopback rule covers every address kmssim sends to (issue 12): a scenario's
// dns.server is checked like a DNS answer's address before any packet leaves. 0.0.0.0
// ("any address"; Linux delivers it to this machine) is never a destination, even with
// --allow-address; an address outside loopback needs --allow-address. A flag the user
// typed (kmssim host --dns, discover --server) is their word, except "any address".
//
// A UDP socket and a TCP listener on 127.0.0.1:PORT count what reaches the port: traffic
// to 0.0.0.0:PORT would arrive there. Non-loopback addresses are only ever refused here.

import dgram from "node:dgram";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kmssim, tempDirs, writeScenario, yaml } from "./helpers.js";
import { expectNoStack } from "./realtime-helpers.js";

const tmp = tempDirs();
let port = 0;
let packets = 0;
let udp: dgram.Socket;
let tcp: net.Server;

beforeAll(async () => {
  udp = dgram.createSocket("udp4");
  udp.on("message", () => packets++);
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  port = udp.address().port;
  tcp = net.createServer((socket) => {
    packets++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(port, "127.0.0.1", resolve));
});

afterAll(async () => {
  udp.close();
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
});

const scenarioWith = (server: string): string =>
  writeScenario(
    tmp.make(),
    "rule.yaml",
    yaml(
      "name: rule",
      "seed: 1",
      "mode: realtime",
      "duration: 1d",
      `dns: { server: "${server}", domain: corp.example, tsig: { name: kmssim-key, secret: "${Buffer.alloc(32, 7).toString("base64")}" } }`,
      "hosts:",
      "  - { name: kms1 }",
      "clients:",
      "  - { name: fleet, count: 10, bootSpread: 1h }",
    ),
  );

describe("dns.server under the loopback rule", () => {
  it("dns.server 0.0.0.0:PORT: exit 2 naming dns.server, the address and --allow-address, and not one packet sent", async () => {
    const run = await kmssim(["run", scenarioWith(`0.0.0.0:${port}`), "--quiet"]);
    expect(run.code, run.stderr).toBe(2);
    expectNoStack(run.stderr);
    expect(run.stderr).toMatch(/dns\.server: 0\.0\.0\.0 means "any address".*--allow-address/);
    expect(packets, "nothing reached the port").toBe(0);
  }, 60_000);

  it("--allow-address 0.0.0.0 does not make it one: the flag is refused; 0.0.0.0/0 still leaves dns.server 0.0.0.0 refused", async () => {
    const scenario = scenarioWith(`0.0.0.0:${port}`);
    const single = await kmssim(["run", scenario, "--quiet", "--allow-address", "0.0.0.0"]);
    expect(single.code, single.stderr).toBe(2);
    expect(single.stderr).toMatch(/--allow-address: 0\.0\.0\.0 means "any address"/);
    const everything = await kmssim(["run", scenario, "--quiet", "--allow-address", "0.0.0.0/0"]);
    expect(everything.code, everything.stderr).toBe(2);
    expect(everything.stderr).toMatch(/dns\.server: 0\.0\.0\.0 means "any address"/);
    expectNoStack(single.stderr + everything.stderr);
    expect(packets, "nothing reached the port").toBe(0);
  }, 60_000);

  // 192.0.2.53 is TEST-NET-1 (unroutable): only ever refused here, as external-hosts.test.ts does.
  it("a non-loopback dns.server needs --allow-address: exit 2 naming it, before set-up", async () => {
    const run = await kmssim(["run", scenarioWith("192.0.2.53:53"), "--quiet"]);
    expect(run.code, run.stderr).toBe(2);
    expectNoStack(run.stderr);
    expect(run.stderr).toMatch(/dns\.server: 192\.0\.2\.53 is not a loopback address; .*--allow-address 192\.0\.2\.53/);
  }, 60_000);

  it("kmssim host: the scenario's dns.server follows the rule; a --dns of 0.0.0.0 is refused too", async () => {
    const fromFile = await kmssim(["host", scenarioWith(`0.0.0.0:${port}`), "--port-base", "0"]);
    expect(fromFile.code, fromFile.stderr).toBe(2);
    expect(fromFile.stderr).toMatch(/dns\.server: 0\.0\.0\.0 means "any address".*--dns/);
    const anyAddress = await kmssim(["host", scenarioWith("embedded"), "--port-base", "0", "--dns", `0.0.0.0:${port}`]);
    expect(anyAddress.code, anyAddress.stderr).toBe(2);
    expect(anyAddress.stderr).toMatch(/--dns: 0\.0\.0\.0 means "any address"/);
    expectNoStack(fromFile.stderr + anyAddress.stderr);
    expect(packets, "nothing reached the port").toBe(0);
  }, 60_000);

  it("kmssim discover --server 0.0.0.0:PORT is refused (exit 2), nothing sent", async () => {
    const run = await kmssim(["discover", "--domain", "corp.example", "--server", `0.0.0.0:${port}`]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--server: 0\.0\.0\.0 means "any address"/);
    expect(packets, "nothing reached the port").toBe(0);
  }, 60_000);
});
