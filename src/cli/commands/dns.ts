// `kmssim dns`: the embedded DNS server on its own, for runs spread over several
// machines. Serves the zones built from zone files and flags over UDP and TCP on one
// port until SIGINT or SIGTERM, then closes its sockets and exits 0.

import { readFile } from "node:fs/promises";
import { parseDurationMs } from "../../scenario/duration.js";
import { EmbeddedDnsServer } from "../../realtime/dns/dns-server.js";
import { checkedName } from "../../realtime/dns/names.js";
import { parseHostPort, parseNameAddress, parseSrvFlag, type HostPort } from "../../realtime/dns/record-flags.js";
import { DnsZone } from "../../realtime/dns/zone.js";
import { parseZoneFile, ZoneFileError } from "../../realtime/dns/zone-file.js";
import { EXIT, UserError } from "../user-error.js";

export interface DnsCommandOptions {
  listen?: string;
  zoneFile?: readonly string[];
  domain?: readonly string[];
  srv?: readonly string[];
  a?: readonly string[];
  ttl?: string;
}

export interface DnsCommandIo {
  out: NodeJS.WritableStream;
  /** Resolves when the server should stop. Default: the first SIGINT or SIGTERM. */
  stopped?: Promise<void>;
}

export const DEFAULT_DNS_LISTEN = "127.0.0.1:5353";
const MAX_TTL_SECONDS = 0x7fff_ffff;

export async function dnsCommand(options: DnsCommandOptions, io: DnsCommandIo = { out: process.stdout }): Promise<number> {
  const listen = parseHostPort(options.listen ?? DEFAULT_DNS_LISTEN, 53, 0);
  if (!listen.ok) throw new UserError(`--listen: ${listen.message}`);
  const zone = await buildZone(options);
  if (zone.origins().length === 0) {
    throw new UserError("nothing to serve: give --zone-file, --domain or --srv (e.g. `kmssim dns --domain corp.example`)");
  }

  // Listen for signals before binding: a stop during start-up still ends cleanly.
  const stopped = io.stopped ?? untilSignal();
  const server = new EmbeddedDnsServer({ zone, host: listen.value.host, port: listen.value.port });
  let port: number;
  try {
    ({ port } = await server.start());
  } catch (error) {
    throw bindError(error, listen.value);
  }
  const srvCount = zone.listSrv().length;
  const aCount = zone.listA().length;
  io.out.write(
    `kmssim dns: listening on ${listen.value.host}:${port} (udp+tcp) zones: ${zone.origins().join(",")}\n` +
      `kmssim dns: ${srvCount} SRV record(s), ${aCount} A record(s); dynamic updates refused (no --key-file); stop with Ctrl-C\n`,
  );
  await stopped;
  await server.stop();
  io.out.write("kmssim dns: stopped\n");
  return EXIT.pass;
}

/** The zone the flags and files describe; every problem of a zone file at once (exit 2). */
export async function buildZone(options: DnsCommandOptions): Promise<DnsZone> {
  const ttlSeconds = flagTtl(options.ttl ?? "1h");
  const domains = (options.domain ?? []).map((d) => flagName(d, "--domain"));
  const zone = new DnsZone(domains);
  // Like a BIND zone statement: with one --domain, a zone file's relative names hang off it.
  const origin = domains.length === 1 ? domains[0] : undefined;
  for (const path of options.zoneFile ?? []) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new UserError(`cannot read zone file '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let content;
    try {
      content = parseZoneFile(text, path, { origin, defaultTtlSeconds: ttlSeconds });
    } catch (error) {
      if (!(error instanceof ZoneFileError)) throw error;
      const n = error.problems.length;
      throw new UserError(`zone file '${path}' has ${n} problem${n === 1 ? "" : "s"}:\n${error.message.split("\n").map((l) => `  ${l}`).join("\n")}`, error.code);
    }
    for (const o of content.origins) zone.addOrigin(o);
    for (const r of content.srv) zone.addSrv(r.domain, r);
    for (const r of content.a) zone.addA(r.name, r.address, r.ttlSeconds);
  }
  for (const text of options.srv ?? []) {
    const parsed = parseSrvFlag(text);
    if (!parsed.ok) throw new UserError(`--srv: ${parsed.message}`);
    const { domain, ...record } = parsed.value;
    zone.addSrv(domain, { ...record, ttlSeconds });
  }
  for (const text of options.a ?? []) {
    const parsed = parseNameAddress(text);
    if (!parsed.ok) throw new UserError(`--a: ${parsed.message}`);
    zone.addA(parsed.value.name, parsed.value.address, ttlSeconds);
  }
  return zone;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function bindError(error: unknown, listen: HostPort): Error {
  const where = `${listen.host}:${listen.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case "EADDRINUSE":
      return new UserError(`${where} is already in use (UDP or TCP): stop what listens there or pick another --listen port (0 picks a free one)`, "KMSSIM_PORT_IN_USE", EXIT.runFailed);
    case "EADDRNOTAVAIL":
      return new UserError(`--listen: ${listen.host} is not an address of this machine`, "KMSSIM_BAD_INPUT", EXIT.badInput);
    case "EACCES":
      return new UserError(`no permission to listen on ${where} (ports below 1024 need root): pick a port above 1023`, "KMSSIM_LISTEN_DENIED", EXIT.runFailed);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

function flagName(text: string, flag: string): string {
  try {
    return checkedName(text, flag);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

function flagTtl(text: string): number {
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch (error) {
    throw new UserError(`--ttl: ${(error as Error).message}`);
  }
  const seconds = ms / 1000;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL_SECONDS) throw new UserError(`--ttl must be whole seconds from 0s to ${MAX_TTL_SECONDS}s, got ${text}`);
  return seconds;
}
