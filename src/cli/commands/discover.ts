// `kmssim discover --domain D`: read `_vlmcs._tcp.<D>` the way a client does, show the
// share each profile gives each host, probe the hosts it may, and flag problems.
// Exit 0: none found; 1: a problem found (DNS silent included); 2: bad flags.

import { durationFlag, nameFlag } from "../flag-values.js";
import { discover } from "../../discover/run-discover.js";
import { renderReportJson, renderReportText } from "../../discover/render.js";
import { parseHostPort, parseNameAddress } from "../../dns/record-flags.js";
import { isUnspecified } from "../../realtime/fleet/address-guard.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { defineCommand } from "../command-module.js";
import { firstNameserver } from "../../dns/resolv-conf.js";
import { isLoopbackV4 } from "../../core/loopback.js";
import { READ_LIMITS, readUserFile } from "../../files/read-user-file.js";

export interface DiscoverCommandOptions {
  domain: string;
  server?: string;
  address?: readonly string[];
  timeout?: string;
  json?: boolean;
}

export const DEFAULT_DISCOVER_SERVER = "127.0.0.1:53";
const RESOLV_CONF = "/etc/resolv.conf";
const MAX_TIMEOUT_MS = 60_000;

export const discoverCli = defineCommand({
  command: "discover",
  describe: "Audit the KMS SRV records of a domain as clients read them: shares per profile, reachability, problems",
  builder: (y) =>
    y
      .option("domain", { type: "string", demandOption: true, describe: "Domain whose _vlmcs._tcp SRV records to read" })
      .option("server", {
        type: "string",
        describe: "DNS server to ask, IPv4:port (default: the system resolver of /etc/resolv.conf when it is on loopback, else 127.0.0.1:53)",
      })
      .option("address", {
        type: "string",
        array: true,
        describe: "name=ipv4: probe this target at this address (only loopback addresses are probed without it); repeatable",
      })
      .option("timeout", { type: "string", default: "2s", describe: "Wait per DNS attempt (2 attempts) and per TCP connect" })
      .option("json", { type: "boolean", default: false, describe: "Print a machine-readable report" })
      .example("$0 discover --domain corp.example --server 127.0.0.1:5353", "Audit the records kmssim dns serves")
      .example("$0 discover --domain corp.example --server 10.0.0.2 --address kms1.corp.example=10.0.0.5 --json", "Ask a real DNS server; probe kms1")
      .epilogue(
        "Problem codes: NO_RECORDS, DNS_TIMEOUT, DNS_ERROR, NO_ADDRESS, UNREACHABLE, ALL_WEIGHTS_ZERO, SINGLE_HOST, TOO_MANY_RECORDS. Exit 0 no problem, 1 a problem found, 2 bad flags.",
      ),
  run: (args) => discoverCommand({ domain: args.domain, server: args.server, address: args.address, timeout: args.timeout, json: args.json }),
});

/**
 * The server to ask when --server is not given: the system resolver when it is on loopback.
 * One elsewhere is not asked unless the user names it: kmssim's traffic stays on loopback.
 */
async function systemServer(): Promise<string> {
  const text = await readUserFile(RESOLV_CONF, READ_LIMITS.tsigKey).catch(() => null);
  const nameserver = text === null ? null : firstNameserver(text);
  if (nameserver === null) return DEFAULT_DISCOVER_SERVER;
  if (!isLoopbackV4(nameserver)) {
    throw new KmssimError(
      `the system resolver is ${nameserver} (${RESOLV_CONF}), outside loopback; kmssim asks a server there only when you name it: --server ${nameserver}`,
    );
  }
  process.stderr.write(`kmssim: asking the system resolver ${nameserver} (${RESOLV_CONF})\n`);
  return nameserver;
}

export async function discoverCommand(options: DiscoverCommandOptions): Promise<number> {
  // `_vlmcs._tcp.corp.example` is taken for the domain it names.
  const domain = nameFlag("--domain", options.domain.replace(/^_vlmcs\._tcp\./i, ""));
  const userAddresses = new Map<string, string>();
  for (const text of options.address ?? []) {
    const parsed = parseNameAddress(text);
    if (!parsed.ok) throw new KmssimError(`--address: ${parsed.message}`);
    userAddresses.set(parsed.value.name, parsed.value.address);
  }
  const timeoutMs = flagTimeout(options.timeout ?? "2s");
  // Flags first, then the system's resolver: a typo is reported as such wherever this runs.
  const server = parseHostPort(options.server ?? (await systemServer()), 53, 1);
  if (!server.ok) throw new KmssimError(`--server: ${server.message}`);
  // The server the user typed is their word (an audit of their real DNS); "any address" is no server.
  if (isUnspecified(server.value.host)) {
    throw new KmssimError(
      `--server: ${server.value.host} means "any address", not a server to ask; give the DNS server's own address (127.0.0.1 for this machine)`,
    );
  }

  const report = await discover({ domain, server: server.value, userAddresses, timeoutMs });
  process.stdout.write(options.json === true ? renderReportJson(report) : renderReportText(report));
  if (report.ok) return EXIT.pass;
  const n = report.problems.length;
  process.stderr.write(`kmssim discover: ${n} problem${n === 1 ? "" : "s"} found (${[...new Set(report.problems.map((p) => p.code))].join(", ")})\n`);
  return EXIT.thresholdFailed;
}

function flagTimeout(text: string): number {
  const ms = durationFlag("--timeout", text);
  if (ms < 1 || ms > MAX_TIMEOUT_MS) throw new KmssimError(`--timeout must be from 1ms to 60s, got ${text}`);
  return Math.round(ms);
}
