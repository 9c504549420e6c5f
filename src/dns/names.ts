// Domain names as the zone and the resolver compare them: lower case, no trailing dot
// (DNS names are case-insensitive, RFC 4343). "" is the root.

import { SRV_SERVICE_PREFIX } from "../scenario/defaults.js";

/** `_vlmcs._tcp.`: the owner-name prefix of KMS SRV records. */
export const SRV_PREFIX = SRV_SERVICE_PREFIX;

const MAX_NAME_BYTES = 253;
const MAX_LABEL_BYTES = 63;

/** Lower case, one trailing dot removed: `Corp.Example.` → `corp.example`. */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/**
 * The normalised name, or a RangeError naming what is wrong: empty labels, a label over
 * 63 bytes or a name over 253 bytes could not be written on the wire.
 */
export function checkedName(name: string, what: string): string {
  const n = normaliseName(name);
  if (n.length === 0) throw new RangeError(`${what}: the root name is not allowed here`);
  const fault = nameFault(name);
  if (fault !== null) throw new RangeError(`${what} "${name}" ${fault}`);
  return n;
}

/** What keeps a name off the wire, in words without the name ("has an empty label"), or null. */
export function nameFault(name: string): string | null {
  const n = normaliseName(name);
  if (n.length === 0) return "is the root name, not allowed here";
  if (Buffer.byteLength(n) > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`;
  for (const label of n.split(".")) {
    if (label.length === 0) return "has an empty label";
    if (Buffer.byteLength(label) > MAX_LABEL_BYTES) return `has a label longer than ${MAX_LABEL_BYTES} bytes`;
  }
  return null;
}

/** The `<domain>` of `_vlmcs._tcp.<domain>`; a bare domain is returned as it is (normalised). */
export function srvDomainOf(ownerOrDomain: string): string {
  const n = normaliseName(ownerOrDomain);
  return n.startsWith(SRV_PREFIX) ? n.slice(SRV_PREFIX.length) : n;
}

/** `corp.example` → `_vlmcs._tcp.corp.example`. */
export function srvOwnerOf(domain: string): string {
  return SRV_PREFIX + srvDomainOf(domain);
}

/** True when normalised `name` is `apex` or below it. */
export function isAtOrBelow(name: string, apex: string): boolean {
  return apex === "" || name === apex || name.endsWith(`.${apex}`);
}
