// `kmssim discover` without the command line: ask the DNS server for the domain's KMS SRV
// records as a client does (SrvResolver), probe the endpoints the policy allows, audit.

import { isDnsError } from "../dns/dns-error.js";
import type { HostPort } from "../dns/record-flags.js";
import { SrvResolver } from "../dns/resolver.js";
import { auditDiscovery, type DiscoverReport, type LookupOutcome, type ProbeResult } from "./audit.js";
import { boundedAll, probeTcp } from "./probe.js";
import { planProbes } from "./probe-policy.js";

export interface DiscoverOptions {
  domain: string;
  server: HostPort;
  /** --address: target name → IPv4 the user allows probing at. */
  userAddresses: ReadonlyMap<string, string>;
  /** Wait per DNS attempt and per TCP connect. */
  timeoutMs: number;
  /** Further DNS attempts after a timeout. Default 1. */
  dnsRetries?: number;
}

const PROBES_AT_ONCE = 16;

export async function discover(options: DiscoverOptions): Promise<DiscoverReport> {
  const server = `${options.server.host}:${options.server.port}`;
  const lookup = await lookupSrv(options);
  const probes = new Map<string, ProbeResult>();
  if (lookup.status === "ok") {
    const toProbe = planProbes(lookup.records, lookup.addresses, options.userAddresses).filter((p) => p.probe);
    const results = await boundedAll(toProbe, PROBES_AT_ONCE, (p) => probeTcp(p.address!, p.port, { timeoutMs: options.timeoutMs }));
    toProbe.forEach((p, i) => probes.set(p.key, results[i]));
  }
  return auditDiscovery({ domain: options.domain, server, lookup, userAddresses: options.userAddresses, probes });
}

async function lookupSrv(options: DiscoverOptions): Promise<LookupOutcome> {
  const resolver = new SrvResolver({ server: options.server, dnsTimeoutMs: options.timeoutMs, retries: options.dnsRetries ?? 1 });
  try {
    const answer = await resolver.resolveSrv(options.domain);
    return { status: "ok", records: answer.records, addresses: answer.addresses };
  } catch (error) {
    if (isDnsError(error, "NXDOMAIN")) return { status: "nxdomain" };
    if (isDnsError(error, "TIMEOUT")) return { status: "timeout", message: error.message.replace(/^TIMEOUT: /, "") };
    if (isDnsError(error) && error.code !== "CLOSED") return { status: "error", rcode: error.code, message: error.message };
    throw error;
  } finally {
    await resolver.close();
  }
}
