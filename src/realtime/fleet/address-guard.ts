// The loopback rule of realtime mode: clients connect only to 127.0.0.0/8, and to
// addresses the user named with --allow-address (machines that run `kmssim host`).
// A DNS answer can name any address; one outside the rule is never connected to, and the
// run fails with what to do, rather than send load to a machine nobody chose. Pure.

import { isLoopbackV4 } from "../../discover/probe-policy.js";

export { isLoopbackV4 };

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

export function notLoopbackMessage(domain: string, target: string, address: string): string {
  return (
    `the SRV records of ${domain} point ${target.replace(/\.$/, "")} at ${address}, which is not a loopback address; ` +
    `kmssim sends traffic only to loopback unless you name the address with --allow-address ${address} (only for machines that run kmssim host)`
  );
}

/** Whether clients may connect to `address`: loopback, or named with --allow-address. */
export function mayConnect(address: string, allowed: readonly string[]): boolean {
  return isLoopbackV4(address) || allowed.includes(address);
}
