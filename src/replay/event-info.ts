// The "Info:" string of the KMS events, field by field, in the order the public Volume
// Activation documentation gives (Volume Activation 2.0 Operations Guide, "KMS Events
// Logged in the Windows Event Log"):
//   12290 (KMS host, request processed): HRESULT, N-policy (minimum count the client needs),
//         client FQDN, client machine id (CMID), client timestamp, VM flag, licence state,
//         time to state expiration (minutes), Activation ID
//   12288 (client, request sent): HRESULT, status flags, server:port, CMID, client timestamp,
//         VM info, licence state, time to expiration (minutes), Activation ID, N-policy
//   12289 (client, response processed): HRESULT, status flags, activated flag, unused,
//         the host's current count, activation interval (minutes), renewal interval
//         (minutes), client timestamp
// Each parser returns the fields or the reason the string is not one.

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Licence states as event 12290 numbers them. */
export const LICENCE_STATES = ["unlicensed", "licensed", "oobGrace", "ootGrace", "nonGenuineGrace", "notification", "extendedGrace"] as const;
export type LicenceState = (typeof LICENCE_STATES)[number];

/** Event 12290: what the KMS host logged for one request it processed. */
export interface HostRequestInfo {
  hresult: number;
  minimumCount: number;
  clientFqdn: string;
  cmid: string;
  vm: boolean;
  licenceState: LicenceState;
  minutesToExpiry: number;
  activationId: string;
}

/** Event 12288: a client sent a request to `server:port`. */
export interface ClientSentInfo {
  hresult: number;
  server: string;
  port: number;
  cmid: string;
  licenceState: LicenceState;
  activationId: string;
  minimumCount: number;
}

/** Event 12289: a client processed a host's answer. */
export interface ClientAnswerInfo {
  hresult: number;
  activated: boolean;
  hostCount: number;
  activationIntervalMin: number;
  renewalIntervalMin: number;
}

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const HRESULT = /^0x[0-9a-f]{1,8}$/i;
const WHOLE = /^\d{1,10}$/;
/** A host name as a client FQDN or an SRV target: labels of letters, digits, '-' and '_'. */
const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;
/** HOST_NAME in words, for messages. */
export const HOST_NAME_FORM = "labels of letters, digits, '-' and '_' joined by dots, at most 253 characters";

function fields(info: string, expected: number, what: string): Parsed<string[]> {
  const parts = info
    .trim()
    .replace(/,$/, "")
    .split(",")
    .map((p) => p.trim());
  if (parts.length !== expected) return { ok: false, reason: `${what} has ${expected} comma-separated fields, this one has ${parts.length}` };
  return { ok: true, value: parts };
}

type Field<T> = (text: string) => T | null;

const hresult: Field<number> = (t) => (HRESULT.test(t) ? Number.parseInt(t, 16) >>> 0 : null);
const whole: Field<number> = (t) => (WHOLE.test(t) ? Number(t) : null);
const guid: Field<string> = (t) => (GUID.test(t) ? t.replace(/[{}]/g, "").toLowerCase() : null);
const hostName: Field<string> = (t) => (t.length <= 253 && HOST_NAME.test(t) ? t.toLowerCase().replace(/\.$/, "") : null);

/** A computer or host name as a host name (lowercase, no final dot), or null when it is none. */
export const parseHostName = (text: string): string | null => hostName(text);
const flag: Field<boolean> = (t) => (t === "0" ? false : t === "1" ? true : null);
const licenceState: Field<LicenceState> = (t) => (WHOLE.test(t) && Number(t) < LICENCE_STATES.length ? LICENCE_STATES[Number(t)] : null);

/** Reads each named field with its reader; the first that fails gives the reason. */
function read<T extends object>(parts: readonly string[], spec: { [K in keyof T]: [index: number, reader: Field<T[K]>, what: string] }): Parsed<T> {
  const out = {} as T;
  for (const key of Object.keys(spec) as (keyof T)[]) {
    const [index, reader, what] = spec[key];
    const value = reader(parts[index]);
    if (value === null) return { ok: false, reason: `field ${index + 1} (${what}) is not ${describe(reader)}` };
    out[key] = value;
  }
  return { ok: true, value: out };
}

function describe(reader: Field<unknown>): string {
  if (reader === hresult) return "an HRESULT like 0x0 or 0xC004F038";
  if (reader === whole) return "a whole number";
  if (reader === guid) return "a GUID";
  if (reader === hostName) return "a host name";
  if (reader === flag) return "0 or 1";
  if (reader === licenceState) return "a licence state 0–6";
  return "valid";
}

export function parseHostRequestInfo(info: string): Parsed<HostRequestInfo> {
  const parts = fields(info, 9, "event 12290's Info");
  if (!parts.ok) return parts;
  return read<HostRequestInfo>(parts.value, {
    hresult: [0, hresult, "HRESULT"],
    minimumCount: [1, whole, "N-policy"],
    clientFqdn: [2, hostName, "client FQDN"],
    cmid: [3, guid, "client machine id"],
    vm: [5, flag, "VM flag"],
    licenceState: [6, licenceState, "licence state"],
    minutesToExpiry: [7, whole, "time to state expiration"],
    activationId: [8, guid, "Activation ID"],
  });
}

export function parseClientSentInfo(info: string): Parsed<ClientSentInfo> {
  const parts = fields(info, 10, "event 12288's Info");
  if (!parts.ok) return parts;
  const serverPort = /^(.+):(\d{1,5})$/.exec(parts.value[2]);
  const server = serverPort === null ? null : hostName(serverPort[1]);
  const port = serverPort === null ? NaN : Number(serverPort[2]);
  if (server === null || !(port >= 1 && port <= 65_535))
    return { ok: false, reason: "field 3 (server:port) is not a host name and port like kms1.corp.example:1688" };
  const rest = read<Omit<ClientSentInfo, "server" | "port">>(parts.value, {
    hresult: [0, hresult, "HRESULT"],
    cmid: [3, guid, "client machine id"],
    licenceState: [6, licenceState, "licence state"],
    activationId: [8, guid, "Activation ID"],
    minimumCount: [9, whole, "N-policy"],
  });
  return rest.ok ? { ok: true, value: { ...rest.value, server, port } } : rest;
}

export function parseClientAnswerInfo(info: string): Parsed<ClientAnswerInfo> {
  const parts = fields(info, 8, "event 12289's Info");
  if (!parts.ok) return parts;
  return read<ClientAnswerInfo>(parts.value, {
    hresult: [0, hresult, "HRESULT"],
    activated: [2, flag, "activated flag"],
    hostCount: [4, whole, "current count"],
    activationIntervalMin: [5, whole, "activation interval"],
    renewalIntervalMin: [6, whole, "renewal interval"],
  });
}

/** 0xC004F038 style, as kmssim prints codes. */
export function hresultHex(code: number): string {
  return (
    "0x" +
    (code >>> 0)
      .toString(16)
      .toUpperCase()
      .padStart(code === 0 ? 1 : 8, "0")
  );
}
