// Error codes kmssim reports, with what each means and what an administrator does about
// it (`kmssim explain CODE`). The numbers are the documented Windows activation HRESULTs,
// so a code from a simulation reads the same as one from a real client's event log.

export interface ErrorCodeInfo {
  code: number;
  /** "0xC004F038": upper-case hex, 8 digits after 0x. */
  hex: string;
  /** The Windows symbolic name, e.g. SL_E_VL_NOT_ENOUGH_COUNT. */
  name: string;
  meaning: string;
  remedy: string;
  /** false: a code administrators meet on real machines that the model never produces (explained only). */
  simulated: boolean;
}

export const Code = {
  CountInsufficient: 0xc004f038,
  NotEnabled: 0xc004f039,
  HostNotActivated: 0xc004f041,
  ProductNotServed: 0xc004f042,
  ClockSkew: 0xc004f06c,
  NoHostReachable: 0xc004f074,
  DnsNameDoesNotExist: 0x8007232b,
  RpcServerUnavailable: 0x800706ba,
  DnsNoRecords: 0x8007251d,
  DnsServerSilent: 0x800705b4,
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];

/** 0 = success in every answer. */
export const SUCCESS = 0;

const DISCOVER = "`kmssim discover --domain <domain>`";

function info(code: number, name: string, meaning: string, remedy: string, simulated = true): ErrorCodeInfo {
  return Object.freeze({ code, hex: formatCode(code), name, meaning, remedy, simulated });
}

export const ERROR_CODES: readonly ErrorCodeInfo[] = Object.freeze([
  info(
    Code.CountInsufficient,
    "SL_E_VL_NOT_ENOUGH_COUNT",
    "The KMS host answered, but its count of distinct client machines for this product is below " +
      "the activation threshold (25 for Windows clients, 5 for Windows Server and Office 2010). " +
      "A host activates only after enough different machines have asked within the last 30 days. " +
      "Every request that reaches the count check adds the requesting machine, including failed ones, " +
      "and each product and each host keeps its own count.",
    "Nothing is broken: clients retry every activation interval (120 minutes unless the host sets " +
      "another) and succeed once the count reaches the threshold. Add more clients or wait for them " +
      "to boot. Look at the host's count per product in the result (`hosts[].count`, `hosts[].lowCount`). " +
      "Several hosts split the count between them, so a small fleet spread over many hosts can keep " +
      "every host below the threshold; use fewer hosts or priorities that send clients to one host first.",
  ),
  info(
    Code.NotEnabled,
    "SL_E_VL_BINDING_SERVICE_NOT_ENABLED",
    "The machine the client reached is not acting as a KMS host: KMS is not enabled on it " + "(in a scenario: the host has `kmsEnabled: false`).",
    "Enable KMS on that machine, or delete its SRV record so clients stop finding it. If the record " +
      `points at the wrong machine, correct the record's target. Check the published records with ${DISCOVER}.`,
  ),
  info(
    Code.HostNotActivated,
    "SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED",
    "The KMS host is itself not activated, so it refuses to activate clients " + "(in a scenario: the host has `activated: false`).",
    "Activate the KMS host's own license (its KMS host key) first. Clients then succeed at their next " + "retry, within one activation interval.",
  ),
  info(
    Code.ProductNotServed,
    "SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH",
    "The KMS host that answered cannot be used for this product: its host key does not cover the " +
      "product the client asks for (in a scenario: the product is not in the host's `products`). " +
      "The machine is not added to the host's count.",
    "Install a host key that covers this product (add it to the host's `products`), or send these " +
      "clients to a host that serves it (`kmsHost:` on the client group, like `slmgr /skms`). When hosts " +
      "with different coverage share one SRV name, clients that find the wrong host fail; give them " +
      "separate domains or pin the clients.",
  ),
  info(
    Code.ClockSkew,
    "SL_E_VL_INVALID_TIMESTAMP",
    "The KMS host rejected the request because the client's clock differs from the host's by more " +
      "than 4 hours. The machine is not added to the host's count.",
    "Fix time synchronisation so that clients and hosts follow the same time source (domain time " +
      "hierarchy or NTP), and check the time zone settings. In a scenario, check the client group's " +
      "`clockSkew`.",
  ),
  info(
    Code.NoHostReachable,
    "SL_E_VL_BINDING_SERVICE_UNAVAILABLE",
    "No KMS host could be contacted: DNS gave the client no usable host, or every host it tried (or " +
      "the one it is pinned to) did not answer. In kmssim this is the client's final result for an " +
      "activation or renewal attempt; each failed host contact inside it is reported as 0x800706BA, " +
      "and DNS failures as 0x8007232B or 0x8007251D.",
    "Check that the _vlmcs._tcp SRV records exist in the client's domain and name running hosts " +
      `(${DISCOVER}); that the hosts are running and listening on TCP port 1688 (or the port in the ` +
      "record); that no firewall blocks that port between clients and hosts; and that the client's " +
      "domain is one the hosts publish to. A client pinned with `kmsHost:` does not use DNS: check " +
      "that name and port.",
  ),
  info(
    Code.DnsNameDoesNotExist,
    "DNS_ERROR_RCODE_NAME_ERROR",
    "DNS name does not exist: the query for the SRV record _vlmcs._tcp.<domain> (or for the host " + "name a record points at) was answered with NXDOMAIN.",
    "Make sure a KMS host publishes its record into this domain (auto-publish, or `publish: manual` " +
      "with the records added by hand) and that the client's domain matches one of the host's " +
      "`publishDomains`. With a non-Microsoft DNS server, check that it supports SRV records and " +
      "dynamic update and that the host is allowed to update (kmssim: TSIG key). Audit with " +
      `${DISCOVER}. As a workaround, pin clients to a host with \`kmsHost:\`.`,
  ),
  info(
    Code.DnsServerSilent,
    "ERROR_TIMEOUT",
    "The DNS server did not answer: the query for _vlmcs._tcp.<domain> got no reply within the DNS " +
      "timeout (two attempts). The server is down, unreachable or overloaded; the records themselves " +
      "may be fine.",
    "Check the DNS server the clients use, not the records: is it running and reachable from the " +
      "clients (port 53, UDP and TCP), and does it keep up with the load? In kmssim a `dns: down` event " +
      "causes this. Clients that cache their KMS host (the default) keep renewing with it while DNS " +
      "is away; pinning clients with `kmsHost:` avoids DNS altogether.",
  ),
  info(
    Code.RpcServerUnavailable,
    "RPC_S_SERVER_UNAVAILABLE",
    "The RPC server is unavailable: the client could not talk to the KMS host it chose. In kmssim " +
      "every transport failure of one contact (connection refused because the host is down, or no " +
      "answer within the RPC timeout because it hangs or is overloaded) is reported as 0x800706BA; " +
      "the client then removes that host from its list and tries another.",
    "Check that the host is running and listening on the port in its SRV record (default 1688), that " +
      "firewalls allow inbound TCP on that port, and that the record's target resolves to the right " +
      "address. Timeouts under load mean the host is too slow for the fleet: look at its queue " +
      "(`concurrency`, `serviceTime`) or add hosts. Records of a decommissioned host cause this until " +
      "they are deleted or scavenged.",
  ),
  info(
    Code.DnsNoRecords,
    "DNS_INFO_NO_RECORDS",
    "DNS answered for the name but returned no records of the type asked for: there is no SRV " +
      "record at _vlmcs._tcp.<domain>, for example because every record was deleted or scavenged.",
    "Publish the host's SRV record again (auto-publish, or add it by hand with `publish: manual`), " +
      `check the publish results the hosts report, and audit with ${DISCOVER}.`,
  ),
  // Codes administrators meet around KMS that kmssim does not model: explained, never produced.
  info(
    0xc004c008,
    "SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED",
    "The activation server determined that the product key could not be used: the KMS host key has " +
      "exceeded its activation limit. A KMS host key activates up to 6 different computers, 10 times " +
      "each; the usual cause is a KMS host key typed into ordinary client machines.",
    "Install the KMS host key only on the KMS hosts; clients keep their KMS client setup key (GVLK) and " +
      "activate against a host. If more host activations are really needed (hosts rebuilt), ask the " +
      "Microsoft activation center to raise the limit.",
    false,
  ),
  info(
    0xc004c003,
    "SL_E_CHPA_PRODUCT_KEY_BLOCKED",
    "The activation server determined that the product key is blocked: the key (often a KMS host key " +
      "or MAK) has been invalidated and cannot activate anything.",
    "Get a new key for the product from the Volume Licensing Service Center and install it with " + "`slmgr /ipk`, then activate the KMS host again.",
    false,
  ),
  info(
    0xc004f050,
    "SL_E_INVALID_PRODUCT_KEY",
    "The Software Licensing Service reported that the product key is invalid: mistyped, for another " +
      "edition or product, or a KMS host key that does not fit this version of Windows.",
    "Check the key and that it matches the edition installed. On a KMS host, install a host key of " +
      "the key group that covers the clients' products (in kmssim: the host's `products`, its licence pack).",
    false,
  ),
  info(
    0xc004f069,
    "SL_E_MISMATCHED_PRODUCT_SKU",
    "The Software Licensing Service reported that the computer could not be activated: the product " +
      "SKU is not found, typically a key installed for an edition other than the one running.",
    "Install the key for the edition the machine runs (for KMS clients, that edition's setup key), or " +
      "check `slmgr /dlv` for the Activation ID the machine actually has.",
    false,
  ),
  info(
    0x8007007b,
    "ERROR_INVALID_NAME",
    "The file name, directory name or volume label syntax is incorrect: on a KMS client this usually " +
      "means it found no KMS host in DNS (no _vlmcs._tcp record) or has a MAK or retail key where a KMS " +
      "client key belongs.",
    `Make sure a KMS host publishes its SRV record in the client's domain (${DISCOVER}), or point the ` +
      "client at a host with `slmgr /skms host:port` (kmssim: `kmsHost:`). If the machine should use a " +
      "MAK, activate it online instead.",
    false,
  ),
  info(
    0x80070005,
    "E_ACCESSDENIED",
    "Access denied: the command that changes or reads licensing state (slmgr) ran without the rights it needs.",
    "Run the command from an elevated prompt (Run as administrator), or as an account allowed to " + "manage licensing on the target machine.",
    false,
  ),
]);

const BY_CODE = new Map<number, ErrorCodeInfo>(ERROR_CODES.map((e) => [e.code, e]));

/** "0xC004F038". Accepts unsigned (0..2^32-1) and signed (-2^31..-1) 32-bit integers. */
export function formatCode(code: number): string {
  if (!Number.isInteger(code) || code < -0x8000_0000 || code > 0xffff_ffff) {
    throw new RangeError(`not a 32-bit error code: ${code}`);
  }
  return "0x" + (code >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

/** The signed form Windows tools print in decimal (HRESULT as int32). */
export function signedCode(code: number): number {
  return code | 0;
}

/**
 * Reads a code as users type it; returns it unsigned (0..2^32-1), or null.
 * - "0xC004F038" / "0xc004f038": hex with prefix (1..8 digits);
 * - "C004F038": hex without prefix when it has a letter A–F; exactly 8 digits without
 *   a letter ("80070005") are also read as hex, the way HRESULTs are written;
 * - "-1073418184": signed decimal (HRESULT as int32);
 * - "3221549112": unsigned decimal (any other run of digits).
 */
export function parseCode(text: string): number | null {
  const s = text.trim();
  let m = /^0x([0-9a-f]{1,8})$/i.exec(s);
  if (m) return parseInt(m[1], 16) >>> 0;
  if (/^[0-9]{8}$/.test(s) || (/^[0-9a-f]{1,8}$/i.test(s) && /[a-f]/i.test(s))) return parseInt(s, 16) >>> 0;
  m = /^(-?)([0-9]{1,10})$/.exec(s);
  if (!m) return null;
  const value = Number(m[2]);
  if (m[1] === "-") return value <= 0x8000_0000 ? -value >>> 0 : null;
  return value <= 0xffff_ffff ? value : null;
}

export function explainCode(code: number): ErrorCodeInfo | undefined {
  return BY_CODE.get(code >>> 0);
}

/** Multi-line plain text for `kmssim explain` (no trailing newline). */
export function renderExplanation(info: ErrorCodeInfo): string {
  return [
    `${info.hex}  ${info.name}`,
    `(decimal ${signedCode(info.code)} signed, ${info.code >>> 0} unsigned)`,
    "",
    "What it means:",
    ...wrap(info.meaning, 76).map((line) => "  " + line),
    "",
    "What to do:",
    ...wrap(info.remedy, 76).map((line) => "  " + line),
  ].join("\n");
}

/** Greedy word wrap; a word longer than the width gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  // Stryker disable next-line Regex: `/\s/` splits a run of whitespace into empty words, which the next line skips (silences `/\S+/`, which the tests kill)
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += " " + word;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
