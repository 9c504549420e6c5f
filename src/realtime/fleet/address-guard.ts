// The loopback rule of realtime mode: kmssim sends only to 127.0.0.0/8 (and ::1), and to
// addresses the user named with --allow-address (machines that run `kmssim host`). It
// covers what DNS answers name and what a scenario file names (dns.server): a file may
// come from someone else, so it is not consent; a flag the user typed is. 0.0.0.0/8 and
// :: mean "any address" / "this host": a bind address, never a destination, even when
// allowed. Anything outside the rule is never sent to: the run fails first with what to do. Pure.

import { KmssimError, type KmssimErrorCode } from "../../core/kmssim-error.js";
import { isLoopbackV4 } from "../../core/loopback.js";

export class NotLoopbackError extends KmssimError {
  constructor(
    readonly domain: string,
    readonly target: string,
    readonly address: string,
  ) {
    super(notLoopbackMessage(domain, target, address), NOT_LOOPBACK);
    this.name = "NotLoopbackError";
  }
}

export const NOT_LOOPBACK = "KMSSIM_NOT_LOOPBACK" satisfies KmssimErrorCode;

function notLoopbackMessage(domain: string, target: string, address: string): string {
  const where = `the SRV records of ${domain} point ${target.replace(/\.$/, "")} at ${address}`;
  if (isUnspecified(address)) return `${where}, which means "any address", not a machine; kmssim never connects there, even with --allow-address`;
  return (
    `${where}, which is not a loopback address; ` +
    `kmssim sends traffic only to loopback unless you name the address with --allow-address ${address} (only for machines that run kmssim host)`
  );
}

/** 0.0.0.0/8 ("this network", "any address") and ::, with or without brackets. */
export function isUnspecified(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  if (bare.includes(":")) return /^[0:]+$/.test(bare);
  const value = ipv4Value(bare);
  return value !== null && value >>> 24 === 0;
}

/** ::1 in its spellings (0:0:0:0:0:0:0:1, ::0001). */
function isLoopbackV6(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  return bare.includes(":") && /^[0:]+1$/.test(bare);
}

/**
 * Why kmssim may not send to `host`, which the scenario names at `keyPath` (dns.server),
 * or null when it may: loopback, or an IPv4 address or range named with --allow-address.
 * The message names the key path, the address and the flag.
 */
export function scenarioDestinationProblem(keyPath: string, host: string, allowed: readonly string[]): string | null {
  if (isUnspecified(host)) {
    return `${keyPath}: ${host} means "any address", not a machine to send to; kmssim never sends there, even with --allow-address. Use 127.0.0.1 for this machine, or the server's own address`;
  }
  if (isLoopbackV6(host) || connectRule(allowed)(host)) return null;
  if (host.includes(":")) {
    return `${keyPath}: ${host} is not a loopback address, and --allow-address takes IPv4 only: give the server's IPv4 address and name it with --allow-address`;
  }
  if (ipv4Value(host) === null) {
    return `${keyPath}: '${host}' is a name; kmssim checks every address before it sends there, so give the server's IPv4 address (127.0.0.1, or one you name with --allow-address)`;
  }
  return (
    `${keyPath}: ${host} is not a loopback address; kmssim sends there only when you name it with --allow-address ${host} ` +
    "(a scenario file alone is not consent: it may come from someone else)"
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
    if (isUnspecified(address)) return false;
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
