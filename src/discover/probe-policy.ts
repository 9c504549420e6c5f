// Which address each SRV target is probed at, and whether it may be probed at all.
// `kmssim discover` connects only to loopback addresses and to addresses the user named
// with --address: a record pointing elsewhere is listed, never touched. Pure.

import { isLoopbackV4 } from "../core/loopback.js";
export interface DiscoveredRecord {
  /** Lower case, no trailing dot. */
  target: string;
  port: number;
  priority: number;
  weight: number;
}

export type AddressSource = "dns" | "flag";

export type ProbePlan =
  | { key: string; target: string; port: number; address: string; source: AddressSource; probe: true }
  | { key: string; target: string; port: number; address: string | null; source: AddressSource | null; probe: false; reason: "no-address" | "not-allowed" };

/** `kms1.corp.example:1688`: one endpoint, however many records name it. */
export function endpointKey(target: string, port: number): string {
  return `${target}:${port}`;
}

/** 127.0.0.0/8, the only range probed without the user's word. */
/**
 * One plan per distinct endpoint, in the order records first name it. An address given
 * with --address wins over the one DNS returned (and may be probed); a DNS address is
 * probed only on loopback.
 */
export function planProbes(
  records: readonly DiscoveredRecord[],
  dnsAddresses: ReadonlyMap<string, string>,
  userAddresses: ReadonlyMap<string, string>,
): ProbePlan[] {
  const plans: ProbePlan[] = [];
  const seen = new Set<string>();
  for (const { target, port } of records) {
    const key = endpointKey(target, port);
    if (seen.has(key)) continue;
    seen.add(key);
    const given = userAddresses.get(target);
    const fromDns = dnsAddresses.get(target);
    if (given !== undefined) plans.push({ key, target, port, address: given, source: "flag", probe: true });
    else if (fromDns === undefined) plans.push({ key, target, port, address: null, source: null, probe: false, reason: "no-address" });
    else if (isLoopbackV4(fromDns)) plans.push({ key, target, port, address: fromDns, source: "dns", probe: true });
    else plans.push({ key, target, port, address: fromDns, source: "dns", probe: false, reason: "not-allowed" });
  }
  return plans;
}
