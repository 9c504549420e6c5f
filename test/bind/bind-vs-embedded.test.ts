// THE CROSS-CHECK (issue 5): the same RFC 2136 updates, sent to a real BIND 9 named and to
// kmssim's embedded DNS server (same zone origin, same TSIG key), must get the same rcode
// and TSIG error, and leave the same records behind. Each case runs twice: with BIND's own
// nsupdate as the client (our server speaks the standard) and with kmssim's sendDnsUpdate
// (our client works with BIND). Records are read back with dig and with kmssim's SrvResolver.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { isDnsError } from "../../src/dns/dns-error.js";
import { SrvResolver } from "../../src/dns/resolver.js";
import type { TsigKey } from "../../src/dns/tsig.js";
import { publishChanges, sendDnsUpdate, unpublishChanges } from "../../src/dns/update-client.js";
import type { UpdateChange } from "../../src/dns/update-message.js";
import { DnsZone } from "../../src/dns/zone.js";
import { digShort, nsupdate, type Server } from "./bind-tools.js";
import { describeNeedingBind, randomKey, startNamed, type NamedKey, type RunningNamed } from "./named-harness.js";

const ZONE = "cross.test";
const NOT_SERVED = "elsewhere.test";
const OWNER = `_vlmcs._tcp.${ZONE}`;
const KEY = randomKey("kmssim-test.");
const WRONG_SECRET = randomKey().secret;
const UPDATE_TIMEOUT_MS = 5_000;

/** How a case signs its update. */
type Signing = "valid" | "none" | "wrong-secret" | "unknown-key" | "clock-an-hour-behind";

function namedKeyFor(signing: Signing): NamedKey | null {
  switch (signing) {
    case "valid":
    case "clock-an-hour-behind":
      return KEY;
    case "none":
      return null;
    case "wrong-secret":
      return { name: KEY.name, secret: WRONG_SECRET };
    case "unknown-key":
      return { name: "no-such-key.", secret: KEY.secret };
  }
}

function tsigKeyOf(key: NamedKey): TsigKey {
  return { name: key.name, algorithm: "hmac-sha256", secret: Buffer.from(key.secret, "base64") };
}

/** What a server answered, as both clients can tell it. */
interface Answer {
  rcodeName: string | null;
  /** "NOERROR" when the reply carries no TSIG error. */
  tsigErrorName: string;
  /** kmssim's client only: the reply's TSIG verified with our key. */
  verified?: boolean;
}

interface UpdateClient {
  label: string;
  /** nsupdate cannot sign with a clock of our choosing. */
  canFakeClock: boolean;
  send(server: Server, zone: string, changes: readonly UpdateChange[], signing: Signing): Promise<Answer>;
}

const fqdn = (name: string): string => (name.endsWith(".") ? name : `${name}.`);

/** One UpdateChange as an nsupdate command line. */
function nsupdateLine(change: UpdateChange): string {
  const rdata = (rr: Extract<UpdateChange, { rr: unknown }>["rr"]): string =>
    rr.type === "SRV" ? `SRV ${rr.priority} ${rr.weight} ${rr.port} ${fqdn(rr.target)}` : `A ${rr.address}`;
  switch (change.op) {
    case "add":
      return `update add ${fqdn(change.rr.name)} ${change.ttlSeconds} ${rdata(change.rr)}`;
    case "delete":
      return `update delete ${fqdn(change.rr.name)} ${rdata(change.rr)}`;
    case "deleteRRset":
      return `update delete ${fqdn(change.name)} ${change.type}`;
    case "deleteName":
      return `update delete ${fqdn(change.name)}`;
  }
}

const CLIENTS: readonly UpdateClient[] = [
  {
    label: "nsupdate (BIND's client)",
    canFakeClock: false,
    async send(server, zone, changes, signing) {
      const result = await nsupdate(server, zone, changes.map(nsupdateLine), namedKeyFor(signing) ?? undefined);
      if (result.rcodeName === null) throw new Error(`nsupdate said nothing about the outcome:\n${result.stdout}${result.stderr}`);
      return { rcodeName: result.rcodeName, tsigErrorName: result.tsigErrorName ?? "NOERROR" };
    },
  },
  {
    label: "sendDnsUpdate (kmssim's client)",
    canFakeClock: true,
    async send(server, zone, changes, signing) {
      const key = namedKeyFor(signing);
      const outcome = await sendDnsUpdate(server, zone, changes, {
        key: key === null ? null : tsigKeyOf(key),
        timeoutMs: UPDATE_TIMEOUT_MS,
        ...(signing === "clock-an-hour-behind" ? { wallNowSec: () => Date.now() / 1000 - 3600 } : {}),
      });
      return { rcodeName: outcome.rcodeName, tsigErrorName: outcome.tsigErrorName, verified: outcome.verified };
    },
  },
];

/** The KMS host a client publishes: each client its own, so their runs cannot mask each other. */
type Host = { target: string; address: string; port: number; priority: number; weight: number; ttlSeconds: number };

function hostFor(clientIndex: number, what: string): Host {
  return { target: `${what}-${clientIndex}.${ZONE}`, address: `127.0.0.${20 + clientIndex}`, port: 1688, priority: 0, weight: 10, ttlSeconds: 60 };
}

interface Case {
  name: string;
  zone: string;
  signing: Signing;
  changes(clientIndex: number): UpdateChange[];
  expected: Answer;
  /** Hosts whose SRV record (with address) must be published afterwards, and targets that must not be. */
  published?(clientIndex: number): Host[];
  absent?(clientIndex: number): string[];
}

const published = (clientIndex: number): string => hostFor(clientIndex, "kms").target;
const publishedHost = (clientIndex: number): Host[] => [hostFor(clientIndex, "kms")];

// In order: the valid add comes first and the delete last, so the cases in between are
// also checked not to touch a record that exists.
const CASES: readonly Case[] = [
  {
    name: "a validly signed add is applied (NOERROR) and readable",
    zone: ZONE,
    signing: "valid",
    changes: (c) => publishChanges(ZONE, hostFor(c, "kms")),
    expected: { rcodeName: "NOERROR", tsigErrorName: "NOERROR", verified: true },
    published: publishedHost,
  },
  {
    name: "an unsigned update is REFUSED",
    zone: ZONE,
    signing: "none",
    changes: (c) => [...publishChanges(ZONE, hostFor(c, "unsigned")), ...unpublishChanges(ZONE, published(c), 1688, { priority: 0, weight: 10 })],
    expected: { rcodeName: "REFUSED", tsigErrorName: "NOERROR", verified: false },
    published: publishedHost,
    absent: (c) => [hostFor(c, "unsigned").target],
  },
  {
    name: "an update signed with the wrong secret gets NOTAUTH + BADSIG",
    zone: ZONE,
    signing: "wrong-secret",
    changes: (c) => [...publishChanges(ZONE, hostFor(c, "badsig")), ...unpublishChanges(ZONE, published(c), 1688, { priority: 0, weight: 10 })],
    expected: { rcodeName: "NOTAUTH", tsigErrorName: "BADSIG", verified: false },
    published: publishedHost,
    absent: (c) => [hostFor(c, "badsig").target],
  },
  {
    name: "an update signed with a key name the server does not know gets NOTAUTH + BADKEY",
    zone: ZONE,
    signing: "unknown-key",
    changes: (c) => publishChanges(ZONE, hostFor(c, "badkey")),
    expected: { rcodeName: "NOTAUTH", tsigErrorName: "BADKEY", verified: false },
    published: publishedHost,
    absent: (c) => [hostFor(c, "badkey").target],
  },
  {
    name: "a signed update of a zone the server does not serve gets NOTAUTH",
    zone: NOT_SERVED,
    signing: "valid",
    changes: (c) => publishChanges(NOT_SERVED, { ...hostFor(c, "kms"), target: `kms-${c}.${NOT_SERVED}` }),
    expected: { rcodeName: "NOTAUTH", tsigErrorName: "NOERROR" },
    published: publishedHost,
  },
  {
    // The zone is looked at before the signature: not REFUSED.
    name: "an unsigned update of a zone the server does not serve gets NOTAUTH too",
    zone: NOT_SERVED,
    signing: "none",
    changes: (c) => publishChanges(NOT_SERVED, { ...hostFor(c, "kms"), target: `kms-${c}.${NOT_SERVED}` }),
    expected: { rcodeName: "NOTAUTH", tsigErrorName: "NOERROR", verified: false },
    published: publishedHost,
  },
  {
    name: "an update signed by a clock an hour behind (fudge 300 s) gets NOTAUTH + BADTIME, signed",
    zone: ZONE,
    signing: "clock-an-hour-behind",
    changes: (c) => [...publishChanges(ZONE, hostFor(c, "badtime")), ...unpublishChanges(ZONE, published(c), 1688, { priority: 0, weight: 10 })],
    expected: { rcodeName: "NOTAUTH", tsigErrorName: "BADTIME", verified: true },
    published: publishedHost,
    absent: (c) => [hostFor(c, "badtime").target],
  },
  {
    name: "a validly signed delete removes the record and its address",
    zone: ZONE,
    signing: "valid",
    changes: (c) => unpublishChanges(ZONE, published(c), 1688, { priority: 0, weight: 10 }),
    expected: { rcodeName: "NOERROR", tsigErrorName: "NOERROR", verified: true },
    absent: (c) => [published(c)],
  },
];

/** The server's `_vlmcs._tcp.<ZONE>` SRV records as dig prints them, sorted. */
async function srvByDig(server: Server): Promise<string[]> {
  return (await digShort(server, "SRV", OWNER)).sort();
}

/** The same records through kmssim's resolver, each with the address it found: "prio weight port target address". */
async function srvByResolver(server: Server): Promise<string[]> {
  const resolver = new SrvResolver({ server, dnsTimeoutMs: 1000, retries: 2 });
  try {
    const answer = await resolver.resolveSrv(ZONE);
    return answer.records.map((r) => `${r.priority} ${r.weight} ${r.port} ${r.target} ${answer.addresses.get(r.target) ?? "-"}`).sort();
  } catch (error) {
    if (isDnsError(error, "NXDOMAIN")) return [];
    throw error;
  } finally {
    await resolver.close();
  }
}

describeNeedingBind("BIND 9 and the embedded server answer the same updates alike", () => {
  let bind: RunningNamed | null = null;
  let embedded: EmbeddedDnsServer | null = null;
  const servers = (): { label: string; address: Server }[] => {
    if (bind === null || embedded === null) throw new Error("the servers did not start");
    return [
      { label: "BIND", address: { host: bind.host, port: bind.port } },
      { label: "embedded", address: embedded.address },
    ];
  };

  beforeAll(async () => {
    bind = await startNamed({ zones: [{ origin: ZONE }], key: KEY });
    embedded = new EmbeddedDnsServer({ zone: new DnsZone([ZONE]), keys: [tsigKeyOf(KEY)] });
    await embedded.start();
  });

  afterAll(async () => {
    await Promise.all([bind?.stop(), embedded?.stop()]);
  });

  it("start with the same (empty) KMS SRV records", async () => {
    const [b, e] = servers();
    expect(await srvByDig(b.address)).toEqual([]);
    expect(await srvByDig(e.address)).toEqual([]);
  });

  CLIENTS.forEach((client, clientIndex) => {
    describe(`client: ${client.label}`, () => {
      for (const testCase of CASES.filter((c) => c.signing !== "clock-an-hour-behind" || client.canFakeClock)) {
        it(testCase.name, async () => {
          const answers: Record<string, Answer> = {};
          for (const server of servers()) {
            answers[server.label] = await client.send(server.address, testCase.zone, testCase.changes(clientIndex), testCase.signing);
          }
          const context = `${client.label}: ${JSON.stringify(answers)}${bind === null ? "" : `\n--- named log (tail) ---\n${bind.log().slice(-2000)}`}`;
          // The same answer from both servers, and the one BIND is known to give.
          expect(answers.embedded, context).toEqual(answers.BIND);
          const { verified, ...rest } = testCase.expected;
          expect(answers.BIND.rcodeName, context).toBe(rest.rcodeName);
          expect(answers.BIND.tsigErrorName, context).toBe(rest.tsigErrorName);
          if (verified !== undefined && answers.BIND.verified !== undefined) expect(answers.BIND.verified, context).toBe(verified);

          // The same records afterwards, read by dig and by kmssim's resolver.
          const [b, e] = servers();
          const byDig = { BIND: await srvByDig(b.address), embedded: await srvByDig(e.address) };
          const byResolver = { BIND: await srvByResolver(b.address), embedded: await srvByResolver(e.address) };
          expect(byDig.embedded, context).toEqual(byDig.BIND);
          expect(byResolver.embedded, context).toEqual(byResolver.BIND);
          for (const host of testCase.published?.(clientIndex) ?? []) {
            expect(byDig.BIND).toContain(`${host.priority} ${host.weight} ${host.port} ${fqdn(host.target)}`);
            expect(byResolver.BIND).toContain(`${host.priority} ${host.weight} ${host.port} ${host.target} ${host.address}`);
          }
          for (const target of testCase.absent?.(clientIndex) ?? []) {
            expect(byDig.BIND.join("\n")).not.toContain(target);
            expect(byResolver.BIND.join("\n")).not.toContain(target);
            expect(await digShort(b.address, "A", target)).toEqual([]);
            expect(await digShort(e.address, "A", target)).toEqual([]);
          }
        });
      }
    });
  });

  it("end with the same (empty) KMS SRV records", async () => {
    const [b, e] = servers();
    expect(await srvByDig(b.address)).toEqual([]);
    expect(await srvByDig(e.address)).toEqual([]);
  });
});
