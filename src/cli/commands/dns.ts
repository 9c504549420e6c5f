// `kmssim dns`: the embedded DNS server on its own, for runs spread over several
// machines. Serves the zones built from zone files and flags over UDP and TCP on one
// port until SIGINT or SIGTERM, then closes its sockets and exits 0. With --key-file,
// hosts may publish their records by TSIG-signed dynamic update (one log line each, at most
// UPDATE_LINES_PER_SECOND a second, then one line saying how many were left out);
// without it every update is refused. --scavenge-after drops published records that
// were not refreshed for that long; records from files and flags are never scavenged.

import { LineLimiter } from "../../files/line-limiter.js";
import { readFailureReason } from "../../files/read-failure.js";
import { READ_LIMITS, readUserFile } from "../../files/read-user-file.js";
import { formatDuration } from "../../scenario/duration.js";
import { durationFlag, nameFlag } from "../flag-values.js";
import { EmbeddedDnsServer } from "../../dns/dns-server.js";
import { parseHostPort, parseNameAddress, parseSrvFlag, type HostPort } from "../../dns/record-flags.js";
import { readTsigKeyFile } from "../../dns/run-key.js";
import { tsigErrorName, type TsigKey } from "../../dns/tsig.js";
import type { UpdateLogEntry } from "../../dns/update-handler.js";
import { rcodeName } from "../../dns/wire.js";
import { DnsZone } from "../../dns/zone.js";
import { parseZoneFile, ZoneFileError } from "../../dns/zone-file.js";
import { untilSignal } from "../until-signal.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { defineCommand } from "../command-module.js";

export interface DnsCommandOptions {
  listen?: string;
  zoneFile?: readonly string[];
  domain?: readonly string[];
  srv?: readonly string[];
  a?: readonly string[];
  ttl?: string;
  keyFile?: readonly string[];
  scavengeAfter?: string;
}

export interface DnsCommandIo {
  out: NodeJS.WritableStream;
  /** Resolves when the server should stop. Default: the first SIGINT or SIGTERM. */
  stopped?: Promise<void>;
}

export const DEFAULT_DNS_LISTEN = "127.0.0.1:5353";
const MAX_TTL_SECONDS = 0x7fff_ffff;
/** Scavenging runs every tenth of the age limit, within these bounds. */
const SCAVENGE_EVERY_MIN_MS = 100;
const SCAVENGE_EVERY_MAX_MS = 3_600_000;
/** A few hosts refreshing write a handful a second; a flood of updates must not flood the log. */
const UPDATE_LINES_PER_SECOND = 20;

export const dnsCli = defineCommand({
  command: "dns",
  describe: "Run the embedded DNS server on its own (UDP+TCP) for multi-machine runs, until Ctrl-C",
  builder: (y) =>
    y
      .option("listen", { type: "string", default: DEFAULT_DNS_LISTEN, describe: "IPv4 address:port to serve on (port 0 picks a free one)" })
      .option("zone-file", { type: "string", array: true, describe: "RFC 1035 zone file ($ORIGIN, $TTL, SOA, NS, SRV, A); repeatable" })
      .option("domain", { type: "string", array: true, describe: "Serve this domain (also the origin of zone files when given once); repeatable" })
      .option("srv", { type: "string", array: true, describe: "SRV record target:port:priority:weight@domain; repeatable" })
      .option("a", { type: "string", array: true, describe: "Address record name=ipv4; repeatable" })
      .option("ttl", { type: "string", default: "1h", describe: "TTL of --srv/--a records and of zone-file records without one" })
      .option("key-file", {
        type: "string",
        array: true,
        describe: "TSIG key file (tsig-keygen -a hmac-sha256 NAME. output): accept dynamic updates signed with it; repeatable",
      })
      .option("scavenge-after", { type: "string", describe: "Remove published records not refreshed for this long, e.g. 7d (files and flags are kept)" })
      .example("$0 dns --listen 0.0.0.0:5353 --zone-file corp.zone --domain corp.example", "Serve a zone file to other machines")
      .example("$0 dns --srv kms1.corp.example:1688:0:100@corp.example --a kms1.corp.example=127.0.0.1", "Records from flags only")
      .example("$0 dns --zone-file corp.zone --domain corp.example --key-file kmssim.key --scavenge-after 7d", "Let hosts publish themselves")
      .epilogue(
        "Prints `kmssim dns: listening on HOST:PORT (udp+tcp) zones: A,B` once ready, then one line per dynamic update. " +
          "Without --key-file every dynamic update is refused; with it, unsigned updates are refused. " +
          "Exit 0 after SIGINT/SIGTERM, 2 bad flags, zone or key file, 3 port in use.",
      ),
  run: (args) =>
    dnsCommand({
      listen: args.listen,
      zoneFile: args["zone-file"],
      domain: args.domain,
      srv: args.srv,
      a: args.a,
      ttl: args.ttl,
      keyFile: args["key-file"],
      scavengeAfter: args["scavenge-after"],
    }),
});

export async function dnsCommand(options: DnsCommandOptions, io: DnsCommandIo = { out: process.stdout }): Promise<number> {
  const listen = parseHostPort(options.listen ?? DEFAULT_DNS_LISTEN, 53, 0);
  if (!listen.ok) throw new KmssimError(`--listen: ${listen.message}`);
  const zone = await buildZone(options);
  const keys = readKeys(options.keyFile ?? []);
  const scavengeAfterMs = options.scavengeAfter === undefined ? null : flagScavengeAfter(options.scavengeAfter);
  if (zone.origins().length === 0) {
    throw new KmssimError("nothing to serve: give --zone-file, --domain or --srv (e.g. `kmssim dns --domain corp.example`)");
  }

  // Listen for signals before binding: a stop during start-up still ends cleanly.
  const stopped = io.stopped ?? untilSignal();
  const updateLog = new LineLimiter({
    maxLinesPerWindow: UPDATE_LINES_PER_SECOND,
    nowMs: () => Date.now(),
    summary: (count) => `kmssim dns: ${count} more update line(s) left out (at most ${UPDATE_LINES_PER_SECOND} a second)\n`,
  });
  const write = (lines: string[]): void => {
    for (const line of lines) io.out.write(line);
  };
  // keys: [] rather than none: updates are then answered REFUSED (as BIND does without a grant), not NOTIMP.
  const server = new EmbeddedDnsServer({
    zone,
    host: listen.value.host,
    port: listen.value.port,
    keys,
    onUpdate: (entry) => write(updateLog.offer(updateLine(entry))),
  });
  let port: number;
  try {
    ({ port } = await server.start());
  } catch (error) {
    throw bindError(error, listen.value);
  }
  const srvCount = zone.listSrv().length;
  const aCount = zone.listA().length;
  const updates =
    keys.length === 0
      ? "dynamic updates refused (no --key-file)"
      : `dynamic updates accepted when signed with key ${keys.map((k) => k.name).join(", ")}; unsigned updates refused`;
  const scavenging = scavengeAfterMs === null ? "" : `; published records scavenged after ${formatDuration(scavengeAfterMs)} without refresh`;
  io.out.write(
    `kmssim dns: listening on ${listen.value.host}:${port} (udp+tcp) zones: ${zone.origins().join(",")}\n` +
      `kmssim dns: ${srvCount} SRV record(s), ${aCount} A record(s); ${updates}${scavenging}; stop with Ctrl-C\n`,
  );
  const scavenger = scavengeAfterMs === null ? null : startScavenger(zone, scavengeAfterMs, io.out);
  // The count of left-out lines is written when their second is over, even if no update follows.
  const logFlusher = setInterval(() => write(updateLog.flush()), 1000);
  await stopped;
  if (scavenger !== null) clearInterval(scavenger);
  clearInterval(logFlusher);
  await server.stop();
  write(updateLog.flush(true));
  io.out.write("kmssim dns: stopped\n");
  return EXIT.pass;
}

/** The zone the flags and files describe; every problem of a zone file at once (exit 2). */
export async function buildZone(options: DnsCommandOptions): Promise<DnsZone> {
  const ttlSeconds = flagTtl(options.ttl ?? "1h");
  const domains = (options.domain ?? []).map((d) => nameFlag("--domain", d));
  const zone = new DnsZone(domains);
  // Like a BIND zone statement: with one --domain, a zone file's relative names hang off it.
  const origin = domains.length === 1 ? domains[0] : undefined;
  for (const path of options.zoneFile ?? []) {
    let text: string;
    try {
      text = await readUserFile(path, READ_LIMITS.zone);
    } catch (error) {
      throw new KmssimError(`cannot read zone file '${path}': ${readFailureReason(error)}`, "KMSSIM_BAD_ZONE_FILE");
    }
    let content;
    try {
      content = parseZoneFile(text, path, { origin, defaultTtlSeconds: ttlSeconds });
    } catch (error) {
      if (!(error instanceof ZoneFileError)) throw error;
      const n = error.problems.length;
      throw new KmssimError(
        `zone file '${path}' has ${n} problem${n === 1 ? "" : "s"}:\n${error.message
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n")}`,
        error.code,
      );
    }
    for (const o of content.origins) zone.addOrigin(o);
    for (const r of content.srv) zone.addSrv(r.domain, r, { static: true });
    for (const r of content.a) zone.addA(r.name, r.address, r.ttlSeconds, { static: true });
  }
  for (const text of options.srv ?? []) {
    const parsed = parseSrvFlag(text);
    if (!parsed.ok) throw new KmssimError(`--srv: ${parsed.message}`);
    const { domain, ...record } = parsed.value;
    zone.addSrv(domain, { ...record, ttlSeconds }, { static: true });
  }
  for (const text of options.a ?? []) {
    const parsed = parseNameAddress(text);
    if (!parsed.ok) throw new KmssimError(`--a: ${parsed.message}`);
    zone.addA(parsed.value.name, parsed.value.address, ttlSeconds, { static: true });
  }
  return zone;
}

function readKeys(paths: readonly string[]): TsigKey[] {
  return paths.flatMap((path) => readTsigKeyFile(path));
}

/** One line per update answered: zone, key, rcode (and TSIG error), peer, and why. */
export function updateLine(entry: UpdateLogEntry): string {
  const tsig = entry.tsigError === 0 ? "" : ` tsig=${tsigErrorName(entry.tsigError)}`;
  const peer = entry.peer === undefined ? "" : ` peer=${entry.peer}`;
  return `kmssim dns: update zone=${entry.zone || "."} key=${entry.keyName ?? "(unsigned)"} rcode=${rcodeName(entry.rcode)}${tsig}${peer}: ${entry.reason}\n`;
}

function startScavenger(zone: DnsZone, maxAgeMs: number, out: NodeJS.WritableStream): NodeJS.Timeout {
  const everyMs = Math.min(SCAVENGE_EVERY_MAX_MS, Math.max(SCAVENGE_EVERY_MIN_MS, Math.floor(maxAgeMs / 10)));
  return setInterval(() => {
    const removed = zone.scavenge(maxAgeMs);
    const names = [...removed.srv.map((r) => `SRV ${r.target}:${r.port}@${r.domain}`), ...removed.a.map((r) => `A ${r.name}`)];
    if (names.length > 0) out.write(`kmssim dns: scavenged ${names.length} record(s) not refreshed for ${formatDuration(maxAgeMs)}: ${names.join(", ")}\n`);
  }, everyMs);
}

function flagScavengeAfter(text: string): number {
  const ms = durationFlag("--scavenge-after", text);
  if (ms < 1000) throw new KmssimError(`--scavenge-after must be at least 1s, got ${text}`);
  return ms;
}

function bindError(error: unknown, listen: HostPort): Error {
  const where = `${listen.host}:${listen.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case "EADDRINUSE":
      return new KmssimError(
        `${where} is already in use (UDP or TCP): stop what listens there or pick another --listen port (0 picks a free one)`,
        "KMSSIM_PORT_IN_USE",
      );
    case "EADDRNOTAVAIL":
      return new KmssimError(`--listen: ${listen.host} is not an address of this machine`, "KMSSIM_NOT_AN_ADDRESS");
    case "EACCES":
      return new KmssimError(`no permission to listen on ${where} (ports below 1024 need root): pick a port above 1023`, "KMSSIM_LISTEN_DENIED");
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

function flagTtl(text: string): number {
  const seconds = durationFlag("--ttl", text) / 1000;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL_SECONDS)
    throw new KmssimError(`--ttl must be whole seconds from 0s to ${MAX_TTL_SECONDS}s, got ${text}`);
  return seconds;
}
