// `kmssim dns` through the built binary: serves a zone file over UDP and TCP, stops on
// SIGTERM/SIGINT with exit 0, rejects bad zone files (exit 2, file:line) and a port in use (exit 3),
// takes TSIG-signed dynamic updates with --key-file (logged one per line) and scavenges them.

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { SrvResolver } from "../../src/dns/resolver.js";
import { tcpExchange } from "../../src/dns/tcp-exchange.js";
import type { TsigKey } from "../../src/dns/tsig.js";
import { publishChanges, sendDnsUpdate } from "../../src/dns/update-client.js";
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
    expect(reply.answers?.map((a) => (a.type === "A" ? a.data : a.type))).toEqual(["127.0.0.2"]);

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
    expect(run.stderr).toContain(`${path}:4: the record type is not served`);
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
    expect(missing.stderr).toMatch(/cannot read zone file .*: no such file/);
  });

  it("--help says how it listens and that updates are refused", async () => {
    const help = await kmssim(["dns", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--zone-file/);
    expect(help.stdout).toMatch(/updates are\s+refused/i);
  });

  describe("dynamic updates", () => {
    const key: TsigKey = { name: "kmssim-key.", algorithm: "hmac-sha256", secret: randomBytes(32) };
    const kms3 = { target: "kms3.corp.example", address: "127.0.0.3", port: 1688, priority: 0, weight: 50, ttlSeconds: 1 };

    function writeKey(k: TsigKey): string {
      const path = join(tmp.make(), "kmssim.key");
      writeFileSync(path, `key "${k.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${k.secret.toString("base64")}";\n};\n`);
      return path;
    }

    async function srvTargets(port: number, domain: string): Promise<string[]> {
      const resolver = new SrvResolver({ server: { host: "127.0.0.1", port } });
      try {
        return (await resolver.resolveSrv(domain)).records.map((r) => r.target).sort();
      } finally {
        await resolver.close();
      }
    }

    /** Waits (bounded) until the server has printed `pattern`. */
    async function waitForOutput(server: { stdout(): string }, pattern: RegExp): Promise<void> {
      for (let i = 0; i < 200 && !pattern.test(server.stdout()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(server.stdout()).toMatch(pattern);
    }

    it("without --key-file every update is refused, and each is logged", async () => {
      const server = await dns.start(["--listen", "127.0.0.1:0", "--zone-file", writeZone(ZONE)]);
      const where = { host: "127.0.0.1", port: server.port };
      const unsigned = await sendDnsUpdate(where, "corp.example", publishChanges("corp.example", kms3), { key: null, timeoutMs: 5000 });
      expect(unsigned.rcodeName).toBe("REFUSED");
      const signed = await sendDnsUpdate(where, "corp.example", publishChanges("corp.example", kms3), { key, timeoutMs: 5000 });
      expect([signed.rcodeName, signed.tsigErrorName]).toEqual(["NOTAUTH", "BADKEY"]);
      expect(await srvTargets(server.port, "corp.example")).toEqual(["kms1.corp.example", "kms2.corp.example"]);
      await waitForOutput(server, /update zone=corp\.example key=kmssim-key\. rcode=NOTAUTH tsig=BADKEY/);
      expect(server.stdout()).toMatch(/update zone=corp\.example key=\(unsigned\) rcode=REFUSED peer=127\.0\.0\.1:\d+: unsigned update refused/);
      expect((await server.stop()).code).toBe(0);
    });

    it("with --key-file a signed update publishes a host, an unsigned one is refused; --scavenge-after removes what is not refreshed", async () => {
      const server = await dns.start(["--listen", "127.0.0.1:0", "--zone-file", writeZone(ZONE), "--key-file", writeKey(key), "--scavenge-after", "2s"]);
      expect(server.stdout()).toMatch(/signed with key kmssim-key\.; unsigned updates refused; published records scavenged after 2s/);
      const where = { host: "127.0.0.1", port: server.port };
      const refused = await sendDnsUpdate(where, "corp.example", publishChanges("corp.example", kms3), { key: null, timeoutMs: 5000 });
      expect(refused.rcodeName).toBe("REFUSED");
      const applied = await sendDnsUpdate(where, "corp.example", publishChanges("corp.example", kms3), { key, timeoutMs: 5000 });
      expect([applied.rcodeName, applied.verified]).toEqual(["NOERROR", true]);
      expect(await srvTargets(server.port, "corp.example")).toEqual(["kms1.corp.example", "kms2.corp.example", "kms3.corp.example"]);
      await waitForOutput(server, /update zone=corp\.example key=kmssim-key\. rcode=NOERROR peer=127\.0\.0\.1:\d+: applied 2 change/);
      // Scavenging runs on its own timer: the published record goes, the zone file's stay.
      await waitForOutput(server, /scavenged 2 record\(s\) not refreshed for 2s: SRV kms3\.corp\.example:1688@corp\.example, A kms3\.corp\.example/);
      expect(await srvTargets(server.port, "corp.example")).toEqual(["kms1.corp.example", "kms2.corp.example"]);
      expect((await server.stop()).code).toBe(0);
    });

    it("a key file it cannot read: exit 2 with file:line", async () => {
      const path = join(tmp.make(), "bad.key");
      writeFileSync(path, 'key "kmssim-key." {\n\talgorithm hmac-md5;\n\tsecret "AAAA";\n};\n');
      const run = await dns.startExpectingExit(["--listen", "127.0.0.1:0", "--domain", "corp.example", "--key-file", path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${path}:2:`);
      expect(run.stderr).not.toContain("AAAA");
    });
  });
});
