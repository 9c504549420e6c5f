// Command-line spellings of DNS things: `host:port` addresses of a DNS server,
// `name=ipv4` address records and `target:port:priority:weight@domain` SRV records.
// Each parser returns the value or a message saying what is wrong (the CLI turns it
// into exit code 2).

import { isIPv4 } from "node:net";
import { checkedName } from "./names.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface HostPort {
  host: string;
  port: number;
}

/** `127.0.0.1:5353`, or `127.0.0.1` with `defaultPort`. The host must be an IPv4 address. */
export function parseHostPort(text: string, defaultPort: number, minPort: number): Parsed<HostPort> {
  const match = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (match === null) return { ok: false, message: `'${text}' is not host:port (e.g. 127.0.0.1:5353)` };
  const [, host, portText] = match;
  if (!isIPv4(host)) return { ok: false, message: `'${host}' is not an IPv4 address (names are not looked up here): use e.g. 127.0.0.1` };
  const port = portText === undefined ? defaultPort : Number(portText);
  if (port < minPort || port > 0xffff) return { ok: false, message: `port ${portText} in '${text}' must be from ${minPort} to 65535` };
  return { ok: true, value: { host, port } };
}

export interface NameAddress {
  name: string;
  address: string;
}

/** `kms1.corp.example=10.0.0.5`. */
export function parseNameAddress(text: string): Parsed<NameAddress> {
  const at = text.indexOf("=");
  if (at < 0) return { ok: false, message: `'${text}' is not name=ipv4 (e.g. kms1.corp.example=127.0.0.1)` };
  const address = text.slice(at + 1).trim();
  if (!isIPv4(address)) return { ok: false, message: `'${address}' in '${text}' is not an IPv4 address` };
  const name = nameOrMessage(text.slice(0, at).trim(), text);
  return typeof name === "string" ? { ok: true, value: { name, address } } : name;
}

export interface SrvFlag {
  domain: string;
  target: string;
  port: number;
  priority: number;
  weight: number;
}

/** `kms1.corp.example:1688:0:100@corp.example` (target:port:priority:weight@domain). */
export function parseSrvFlag(text: string): Parsed<SrvFlag> {
  const usage = `'${text}' is not target:port:priority:weight@domain (e.g. kms1.corp.example:1688:0:100@corp.example)`;
  const at = text.lastIndexOf("@");
  if (at < 0) return { ok: false, message: usage };
  const parts = text.slice(0, at).split(":");
  if (parts.length !== 4) return { ok: false, message: usage };
  const [targetText, ...numbers] = parts;
  const [port, priority, weight] = numbers.map((n) => (/^\d{1,5}$/.test(n.trim()) ? Number(n) : NaN));
  for (const [i, value] of [port, priority, weight].entries()) {
    if (!(value <= 0xffff))
      return { ok: false, message: `${["port", "priority", "weight"][i]} '${numbers[i]}' in '${text}' must be a whole number from 0 to 65535` };
  }
  const target = nameOrMessage(targetText.trim(), text);
  if (typeof target !== "string") return target;
  const domain = nameOrMessage(text.slice(at + 1).trim(), text);
  if (typeof domain !== "string") return domain;
  return { ok: true, value: { domain, target, port, priority, weight } };
}

function nameOrMessage(name: string, text: string): string | { ok: false; message: string } {
  try {
    return checkedName(name, "name");
  } catch (error) {
    return { ok: false, message: `in '${text}': ${(error as Error).message}` };
  }
}
