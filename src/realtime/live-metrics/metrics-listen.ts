// Where the live metrics listen: --metrics-port P (127.0.0.1:P, the public shorthand) or
// --metrics-listen ADDR:PORT. Listening is not sending: the loopback rule is about where
// kmssim sends load, and a scraper connects to us. Still, an address beyond loopback is
// only ever one the user typed (as `kmssim host --listen`): the default stays 127.0.0.1.

import { isIPv4, isIPv6 } from "node:net";
import { KmssimError } from "../../core/kmssim-error.js";
import { isLoopbackV4 } from "../../core/loopback.js";

export const DEFAULT_METRICS_ADDRESS = "127.0.0.1";

export interface MetricsListen {
  /** An IP literal, IPv6 without brackets. */
  host: string;
  /** 0: a free port. */
  port: number;
  /** The flag as the user gave it, for messages: "--metrics-port 9464". */
  given: string;
}

const EXAMPLES = "e.g. 127.0.0.1:9464, 0.0.0.0:9464 for every IPv4 interface, [::1]:9464";

/** `ADDR:PORT` or `[V6]:PORT` with an IP literal (a name could resolve anywhere); exit 2 otherwise. */
export function parseMetricsListen(text: string, flag = "--metrics-listen"): MetricsListen {
  const bad = (why: string): KmssimError => new KmssimError(`${flag}: '${text}' ${why} (${EXAMPLES})`);
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(text.trim());
  if (match === null) throw bad(text.includes(":") && !text.includes("[") ? "is not ADDR:PORT (write an IPv6 address in brackets)" : "is not ADDR:PORT");
  const host = match[1] ?? match[2];
  const portText = match[3];
  if (match[1] !== undefined ? !isIPv6(host) : !isIPv4(host)) {
    throw bad(host === "" ? "has no address" : `names '${host}', which is not an IP address (give the address to listen on, not a name)`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad("has no port from 0 to 65535 (0 = a free port)");
  return { host, port: Number(portText), given: `${flag} ${text.trim()}` };
}

/**
 * The one listen address from --metrics-port and --metrics-listen, or null without either.
 * Both at once are refused: they would say the same thing twice, maybe differently.
 */
export function metricsListenOf(options: { metricsPort?: number; metricsListen?: string }, fromEnvironment = true): MetricsListen | null {
  const { metricsPort, metricsListen } = options;
  if (metricsPort !== undefined && metricsListen !== undefined) {
    const env = fromEnvironment ? " (either may come from KMSSIM_METRICS_PORT / KMSSIM_METRICS_LISTEN)" : "";
    throw new KmssimError(
      `--metrics-port ${metricsPort} and --metrics-listen ${metricsListen} both say where the metrics listen${env}; ` +
        "give one: --metrics-port P is --metrics-listen 127.0.0.1:P",
    );
  }
  if (metricsListen !== undefined) return parseMetricsListen(metricsListen);
  if (metricsPort === undefined) return null;
  if (!Number.isSafeInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
    throw new KmssimError(`--metrics-port must be a port number from 0 to 65535 (0 = a free port), got ${metricsPort}`);
  }
  return { host: DEFAULT_METRICS_ADDRESS, port: metricsPort, given: `--metrics-port ${metricsPort}` };
}

/** Only this machine can connect: 127.0.0.0/8 or ::1. */
export function isLoopbackListen(host: string): boolean {
  return isLoopbackV4(host) || (isIPv6(host) && /^[0:]+1$/.test(host));
}

/** `http://host:port/metrics`, IPv6 in brackets. */
export function metricsUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
}
