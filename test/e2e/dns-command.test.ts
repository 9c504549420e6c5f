// `kmssim dns` through the built binary: serves a zone file over UDP and TCP, stops on
// SIGTERM/SIGINT with exit 0, rejects bad zone files (exit 2, file:line) and a port in use (exit 3).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { SrvResolver } from "../../src/realtime/dns/resolver.js";
import { tcpExchange } from "../../src/realtime/dns/tcp-exchange.js";
import { dnsChildren } from "./dns-child.js";
import { kmssim, tempDirs } from "./helpers.js";

const tmp = tempDirs();
const dns = dnsChildren();

const ZONE = [
  "$ORIGIN corp.example.",
  "$TTL 300",
  "@ IN SOA ns1 hostmaster ( 1 1h 15m 7d 5m )",
  "  IN NS ns1",
  "ns1 A 127.0.0.1",
  "_vlmcs._tcp SRV 0 300 1688 kms1",
  "_vlmcs._tcp SRV 0 100 1689 kms2",
  "kms1 A 127.0.0.1",
  "kms2 A 127.0.0.2",
  "",
].join("\n");

function writeZone(text: string): string {
  const path = join(tmp.make(), "corp.zone");
  writeFileSync(path, text);
  return path;
}

describe("kmssim dns", () => {
  it("serves a zone file over UDP and TCP on one port and stops on SIGTERM with exit 0", async () => {
    const server = await dns.start(["--listen", "127.0.0.1:0", "--zone-file", writeZone(ZONE)]);
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.zones).toEqual(["corp.example"]);

    const resolver = new SrvResolver({ server: { host: "127.0.0.1", port: server.port }, dnsTimeoutMs: 2000 });
    try {
      const answer = await resolver.resolveSrv("corp.example");
      expect(answer.records).toEqual([
        { target: "kms1.corp.example", port: 1688, priority: 0, weight: 300 },
        { target: "kms2.corp.example", port: 1689, priority: 0, weight: 100 },
      ]);
      expect(Object.fromEntries(answer.addresses)).toEqual({ "kms1.corp.example": "127.0.0.1", "kms2.corp.example": "127.0.0.2" });
      expect(answer.ttlMs).toBe(300_000);
    } finally {
      await resolver.close();
    }

    const query = dnsPacket.encode({ type: "query", id: 7, questions: [{ name: "kms2.corp.example", type: "A", class: "IN" }] });
    const reply = dnsPacket.decode(await tcpExchange("127.0.0.1", server.port, query, 5000, new AbortController().signal));
    expect(reply.answers?.map((a) => a.data)).toEqual(["127.0.0.2"]);

    const ended = await server.stop("SIGTERM");
    expect(ended).toEqual({ code: 0, signal: null, killed: false });
    expect(server.stdout()).toMatch(/dynamic updates refused/);
    expect(server.stdout()).toMatch(/kmssim dns: stopped/);
    expect(server.stderr()).toBe("");
  });

  it("serves records given as flags and stops on SIGINT with exit 0", async () => {
    const server = await dns.start([
      "--listen",
      "127.0.0.1:0",
      "--srv",
      "kms1.branch.example:1688:0:100@branch.example",
      "--a",
      "kms1.branch.example=127.0.0.3",
      "--domain",
      "empty.example",
      "--ttl",
      "2m",
    ]);
    expect(server.zones.sort()).toEqual(["branch.example", "empty.example"]);
    const resolver = new SrvResolver({ server: { host: "127.0.0.1", port: server.port } });
    try {
      const answer = await resolver.resolveSrv("branch.example");
      expect(answer.records).toEqual([{ target: "kms1.branch.example", port: 1688, priority: 0, weight: 100 }]);
      expect(answer.addresses.get("kms1.branch.example")).toBe("127.0.0.3");
      expect(answer.ttlMs).toBe(120_000);
      await expect(resolver.resolveSrv("empty.example")).rejects.toMatchObject({ code: "NXDOMAIN" });
    } finally {
      await resolver.close();
    }
    expect(await server.stop("SIGINT")).toEqual({ code: 0, signal: null, killed: false });
  });

  it("a zone file it cannot read: exit 2 naming file:line and what is wrong, nothing served", async () => {
    const path = writeZone(["$ORIGIN corp.example.", "kms1 A 127.0.0.1", "_vlmcs._tcp SRV 0 100 kms1", "kms2 TXT hello", ""].join("\n"));
    const run = await dns.startExpectingExit(["--listen", "127.0.0.1:0", "--zone-file", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:3: SRV needs 4 fields`);
    expect(run.stderr).toContain(`${path}:4: record type TXT`);
    expect(run.stdout).not.toMatch(/listening/);
  });

  it("a port in use: a plain message and exit 3", async () => {
    const first = await dns.start(["--listen", "127.0.0.1:0", "--domain", "corp.example"]);
    const second = await dns.startExpectingExit(["--listen", `127.0.0.1:${first.port}`, "--domain", "corp.example"]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${first.port} is already in use`));
    expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect((await first.stop()).code).toBe(0);
  });

  it("bad flags and nothing to serve are exit 2", async () => {
    const nothing = await dns.startExpectingExit(["--listen", "127.0.0.1:0"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to serve/);
    const badSrv = await dns.startExpectingExit(["--listen", "127.0.0.1:0", "--srv", "kms1:1688@corp.example"]);
    expect(badSrv.code).toBe(2);
    expect(badSrv.stderr).toMatch(/--srv: .*target:port:priority:weight@domain/);
    const badListen = await dns.startExpectingExit(["--listen", "localhost:53", "--domain", "corp.example"]);
    expect(badListen.code).toBe(2);
    const missing = await dns.startExpectingExit(["--zone-file", join(tmp.make(), "absent.zone")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read zone file .*ENOENT/);
  });

  it("--help says how it listens and that updates are refused", async () => {
    const help = await kmssim(["dns", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--zone-file/);
    expect(help.stdout).toMatch(/updates are\s+refused/i);
  });
});
