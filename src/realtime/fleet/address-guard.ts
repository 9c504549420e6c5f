// The loopback rule of realtime mode: clients connect only to 127.0.0.0/8, and to
// addresses the user named with --allow-address (machines that run `kmssim host`).
// A DNS answer can name any address; one outside the rule is never connected to, and the
// run fails with what to do, rather than send load to a machine nobody chose. Pure.

import { isLoopbackV4 } from "../../discover/probe-policy.js";

export class NotLoopbackError extends Error {
  readonly code = NOT_LOOPBACK;
  constructor(
    readonly domain: string,
    readonly target: string,
    readonly address: string,
  ) {
    super(notLoopbackMessage(domain, target, address));
    this.name = "NotLoopbackError";
  }
}

export const NOT_LOOPBACK = "KMSSIM_NOT_LOOPBACK";

function notLoopbackMessage(domain: string, target: string, address: string): string {
  return (
    `the SRV records of ${domain} point ${target.replace(/\.$/, "")} at ${address}, which is not a loopback address; ` +
    `kmssim sends traffic only to loopback unless you name the address with --allow-address ${address} (only for machines that run kmssim host)`
  );
}

/**
 * Whether clients may connect to `address`: loopback, or named with --allow-address,
 * alone (10.0.0.5) or in a range (10.244.0.0/16: a cluster's pod network).
 */
export function mayConnect(address: string, allowed: readonly string[]): boolean {
  return connectRule(allowed)(address);
}

/** mayConnect with the --allow-address entries read once (it runs for every record of every DNS answer). */
export function connectRule(allowed: readonly string[]): (address: string) => boolean {
  const ranges = allowed.flatMap((entry) => parseAllowEntry(entry) ?? []);
  return (address) => {
    if (isLoopbackV4(address) || allowed.includes(address)) return true;
    const value = ipv4Value(address);
    return value !== null && ranges.some((range) => (value & range.mask) >>> 0 === range.network);
  };
}

/** An --allow-address entry as network and mask, or null when it is not IPv4[/0-32]. */
export function parseAllowEntry(entry: string): { network: number; mask: number } | null {
  const match = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(entry.trim());
  if (match === null) return null;
  const value = ipv4Value(match[1]);
  const bits = match[2] === undefined ? 32 : Number(match[2]);
  if (value === null || bits > 32) return null;
  const mask = bits === 0 ? 0 : (0xffff_ffff << (32 - bits)) >>> 0;
  return { network: (value & mask) >>> 0, mask };
}

/** A dotted IPv4 address as an unsigned 32-bit number, or null (no leading zeros: "010" is octal to inet_aton). */
function ipv4Value(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((value, p) => value * 256 + Number(p), 0);
}
