// The one error the resolver throws. `code` is stable for callers to match on: the DNS
// rcode the server answered with, TIMEOUT when no answer came within the retries, or
// CLOSED when the resolver was closed while the lookup ran.

export const DNS_ERROR_CODES = ["NXDOMAIN", "TIMEOUT", "SERVFAIL", "REFUSED", "FORMERR", "CLOSED"] as const;

export type DnsErrorCode = (typeof DNS_ERROR_CODES)[number];

export class DnsError extends Error {
  readonly code: DnsErrorCode;
  /** The name that was looked up. */
  readonly qname: string;

  constructor(code: DnsErrorCode, qname: string, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = "DnsError";
    this.code = code;
    this.qname = qname;
  }
}

export function isDnsError(error: unknown, code?: DnsErrorCode): error is DnsError {
  return error instanceof DnsError && (code === undefined || error.code === code);
}
