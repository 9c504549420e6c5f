// `kmssim import <export…> [--out scenario.yaml] [--trace trace.csv]`: a scenario and a
// client trace from what KMS hosts logged (event 12290, "Key Management Service" log), as
// administrators export it with Get-WinEvent | Export-Csv or wevtutil qe /f:xml.

import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { formatBytes, formatCount, formatPercent } from "../../format/format-number.js";
import { READ_LIMITS, readUserFile } from "../../files/read-user-file.js";
import { readFailureReason } from "../../files/read-failure.js";
import { formatDurationShort } from "../../format/format-duration.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { fleetFromLog, type ImportedFleet } from "../../replay/fleet-from-log.js";
import { realityCheck, type CheckRow, type RealityCheck } from "../../replay/reality-check.js";
import { readResultFile } from "../../results/result-file.js";
import { fitTable } from "../../format/fit-width.js";
import { kmsLogOf, readExport, type KmsLog } from "../../replay/kms-log.js";
import { ImportError, MAX_IMPORT_EVENTS, type RawEvent } from "../../replay/raw-event.js";
import { auditClients, type SrvPromise } from "../../replay/client-audit.js";
import { promiseOfDiscoverReport, promiseOfScenario } from "../../replay/srv-promise.js";
import { renderAuditJson, renderAuditText } from "../../replay/render-audit.js";
import { loadScenarioOrThrow } from "../load-or-exit.js";
import { STDOUT_NAME } from "../output-target.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { defineCommand } from "../command-module.js";

export interface ImportOptions {
  exports: string[];
  out: string;
  trace?: string;
  speedup: number;
  name?: string;
  seed: number;
  /** A result of running the imported scenario: compare it with the log instead of writing files. */
  check?: string;
  /** Audit the hosts clients used (12288) against the SRV records instead of writing files. */
  audit?: boolean;
  /** The records promised: a scenario or a `kmssim discover --json` report. */
  srv?: string;
  json?: boolean;
}

const HOW_TO_EXPORT_CLIENTS = [
  "For --audit, export clients' events 12288 (request sent, with server:port) and 12289 from their Application log:",
  "  Get-WinEvent -ComputerName pc1 -FilterHashtable @{LogName='Application'; Id=12288,12289} |",
  "    Select-Object Id, @{n='TimeCreated';e={$_.TimeCreated.ToString('o')}}, MachineName, Message | Export-Csv clients.csv -Append",
  '  or: wevtutil qe Application /q:"*[System[(EventID=12288 or EventID=12289)]]" /f:xml /r:pc1 > pc1.xml',
].join("\n");

const HOW_TO_EXPORT = [
  "Export on each KMS host (PowerShell), either as CSV:",
  "  Get-WinEvent -LogName 'Key Management Service' |",
  "    Select-Object Id, @{n='TimeCreated';e={$_.TimeCreated.ToString('o')}}, MachineName, Message |",
  "    Export-Csv kms1.csv -NoTypeInformation",
  "or as XML:",
  '  wevtutil qe "Key Management Service" /f:xml > kms1.xml',
  "A plain `Get-WinEvent … | Export-Csv` works too (its Message column holds the Info string).",
  "Event 12290 gives, in order: HRESULT, N-policy, client FQDN, client machine id, client time, VM flag,",
  "licence state, minutes to expiry, Activation ID. Several hosts' exports at once give each host's share.",
  "Machines licensed (state 1) at their first request start licensed in the scenario (clients[].startLicensed), and each host",
  "starts with the count their earlier renewals gave it.",
].join("\n");

export const importCli = defineCommand({
  command: "import <exports..>",
  missingPositional: "an event-log export is required, e.g. `kmssim import kms1.csv --out fleet.yaml` (see kmssim import --help)",
  describe: "Write a scenario and a client trace from KMS hosts' own event logs (event 12290), to replay a real fleet",
  builder: (y) =>
    y
      .positional("exports", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "CSV or XML exports of the 'Key Management Service' log, one per host",
      })
      .option("out", { type: "string", default: STDOUT_NAME, describe: "Write the scenario here (atomically); - for stdout" })
      .option("trace", {
        type: "string",
        describe: "Write the client trace here, in the scenario's folder (default: next to --out, <name>.trace.csv; required with --out -)",
      })
      .option("speedup", { type: "number", default: 1, describe: "Replay the log this many times faster (traceSpeedup in the scenario)" })
      .option("name", { type: "string", describe: "Scenario name (default: the --out file's name, else 'imported')" })
      .option("seed", { type: "number", default: 1, describe: "The scenario's seed" })
      .option("check", {
        type: "string",
        describe:
          "A result of running the imported scenario (run --out): compare it with the log — each host's share, requests per hour, error codes — and write nothing",
      })
      .option("audit", {
        type: "boolean",
        default: false,
        describe:
          "Read clients' events 12288 (the server:port each request went to): each host's share of the requests against what the SRV records promise — and write nothing",
      })
      .option("srv", {
        type: "string",
        describe: "With --audit: the SRV records promised, from a scenario (.yaml) or a `kmssim discover --json` report (.json)",
      })
      .option("json", { type: "boolean", default: false, describe: "With --audit: print the audit as JSON" })
      .example("$0 import kms1.csv kms2.xml --out fleet.yaml", "Scenario fleet.yaml and trace fleet.trace.csv from two hosts' logs")
      .example("$0 run fleet.yaml", "Replay the fleet against the scenario's hosts")
      .example("$0 import kms1.csv --out monday.yaml --speedup 10", "Last Monday at 10× speed")
      .example("$0 import kms1.csv kms2.xml --check result.json", "Where a run of the imported scenario and the logs disagree")
      .example("$0 import clients.csv --audit --srv fleet.yaml", "Which hosts clients really used, against the scenario's SRV records")
      .example("$0 discover --domain corp.example --json > srv.json && $0 import clients.csv --audit --srv srv.json", "...against the records DNS gives now")
      .epilogue(
        `${HOW_TO_EXPORT}\n\n${HOW_TO_EXPORT_CLIENTS}\n\nExit 0 written (with --check: run and log agree; with --audit: every host's share as promised), ` +
          "1 with --check or --audit: they disagree somewhere, 2 a file kmssim cannot read (it says the line and why) or a bad flag.",
      ),
  run: (args) =>
    importCommand({
      exports: args.exports,
      out: args.out,
      trace: args.trace,
      speedup: args.speedup,
      name: args.name,
      seed: args.seed,
      check: args.check,
      audit: args.audit,
      srv: args.srv,
      json: args.json,
    }),
});

export async function importCommand(options: ImportOptions): Promise<number> {
  if (!(options.speedup >= 1e-3 && options.speedup <= 1e6)) throw new KmssimError("--speedup is a number from 0.001 to 1000000", "KMSSIM_USAGE");
  if (!Number.isSafeInteger(options.seed)) throw new KmssimError("--seed is a whole number", "KMSSIM_USAGE");
  const { tracePath, traceRef } = options.check === undefined && options.audit !== true ? tracePlace(options) : { tracePath: "", traceRef: "trace.csv" };
  if (options.audit !== true && (options.srv !== undefined || options.json === true)) throw new KmssimError("--srv and --json go with --audit", "KMSSIM_USAGE");
  // One export at a time, each allowed what the ones before left of the event cap: one file's
  // text in memory at once, and the events of all of them bounded.
  const events: RawEvent[][] = [];
  let eventsLeft = MAX_IMPORT_EVENTS;
  for (const file of options.exports) {
    const read = await readOneExport(file, eventsLeft);
    events.push(read);
    eventsLeft -= read.length;
  }
  const log = refusingBadExports(() => kmsLogOf(events));
  if (options.audit === true) return auditCommand(log, options);
  if (log.requests.length === 0) {
    throw new KmssimError(
      `no event 12290 (a request the KMS host processed) in ${options.exports.length === 1 ? "the export" : "the exports"}: ` +
        `${formatCount(log.skipped + log.sent.length + log.answers.length)} other events. Export the KMS host's 'Key Management Service' log (kmssim import --help)`,
      "KMSSIM_BAD_EXPORT",
    );
  }
  const name = options.name ?? (options.out === STDOUT_NAME ? "imported" : basename(options.out, extname(options.out)));
  const fleet = fleetFromLog(log, { name, traceRef, speedup: options.speedup, seed: options.seed });
  if (options.check !== undefined) {
    const check = realityCheck(log, fleet, await readResultFile(options.check), options.speedup);
    process.stdout.write(checkReport(check, options.check));
    return check.disagreements === 0 ? EXIT.pass : EXIT.thresholdFailed;
  }
  await writeFileAtomic(tracePath, fleet.traceCsv);
  await writeFileAtomic(options.out, fleet.scenarioYaml);
  process.stderr.write(importSummary(log, fleet, options, tracePath));
  return EXIT.pass;
}

async function readOneExport(file: string, maxEvents: number): Promise<RawEvent[]> {
  let text: string;
  try {
    text = await readUserFile(file, READ_LIMITS.eventLog);
  } catch (err) {
    throw new KmssimError(`cannot read '${file}': ${readFailureReason(err)}`, "KMSSIM_BAD_EXPORT");
  }
  return refusingBadExports(() => readExport(text, file, maxEvents));
}

/** An export kmssim cannot read is the user's to fix: exit 2 with the file, the line and why. */
function refusingBadExports<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ImportError) throw new KmssimError(`cannot import ${err.message}`, "KMSSIM_BAD_EXPORT");
    throw err;
  }
}

/** Where the trace goes and how the scenario names it: in the scenario's folder, which the loader insists on. */
function tracePlace(options: ImportOptions): { tracePath: string; traceRef: string } {
  if (options.out === STDOUT_NAME) {
    if (options.trace === undefined) throw new KmssimError("with --out - (the scenario on stdout), name the trace file with --trace", "KMSSIM_USAGE");
    return { tracePath: options.trace, traceRef: options.trace.split(sep).join("/") };
  }
  const folder = dirname(resolve(options.out));
  const tracePath = options.trace ?? join(dirname(options.out), `${basename(options.out, extname(options.out))}.trace.csv`);
  const traceRef = relative(folder, resolve(tracePath));
  if (traceRef === "" || traceRef.split(sep).includes("..")) {
    throw new KmssimError(`--trace must be in the scenario's folder (${folder}) or below it: a scenario reads its trace only from there`, "KMSSIM_USAGE");
  }
  return { tracePath, traceRef: traceRef.split(sep).join("/") };
}

function importSummary(log: KmsLog, fleet: ImportedFleet, options: ImportOptions, tracePath: string): string {
  const clients = fleet.groups.reduce((a, g) => a + g.clients, 0);
  const hosts = fleet.hosts.map((h) => `${h.name} ${formatCount(h.requests)} (${formatPercent(h.requests / fleet.requests)}, ${formatCount(h.failed)} failed)`);
  const lines = [
    `kmssim: read ${formatCount(fleet.requests)} requests (event 12290) over ${formatDurationShort(fleet.spanMs / 1000)} from ${options.exports.length} ${options.exports.length === 1 ? "export" : "exports"}` +
      (log.skipped > 0 ? `; ${formatCount(log.skipped)} other events skipped` : ""),
    `  hosts: ${hosts.join(", ")}`,
    `  clients: ${formatCount(clients)} machines in ${fleet.groups.length} ${fleet.groups.length === 1 ? "group" : "groups"}: ${fleet.groups.map((g) => `${g.name} ${formatCount(g.clients)}`).join(", ")}`,
    ...fleet.products.map((p) => `  Activation ID ${p.activationId} (N-policy ${p.minimumCount}) → ${p.product}, from ${p.why}`),
    ...(log.sent.length > 0
      ? [
          `  ${formatCount(log.sent.length)} client events 12288 read: kmssim import … --audit --srv ${options.out === STDOUT_NAME ? "<scenario>" : options.out} compares the hosts they used with the SRV records`,
        ]
      : []),
    `  wrote ${options.out === STDOUT_NAME ? "the scenario to stdout" : options.out} and ${tracePath} (${formatBytes(Buffer.byteLength(fleet.traceCsv))}); run it: npx kmssim run ${options.out === STDOUT_NAME ? "<scenario>" : options.out}`,
  ];
  return lines.join("\n") + "\n";
}

function checkReport(check: RealityCheck, resultFile: string): string {
  const width = process.stdout.columns ?? 120;
  const table = (title: string, rows: readonly CheckRow[]): string[] =>
    rows.length === 0
      ? []
      : [
          `  ${title}`,
          ...fitTable([["", "log", "run", ""], ...rows.map((r) => [r.what, String(r.log), String(r.run), r.agrees ? "" : "differs"])], {
            width,
            indent: 4,
            align: ["left", "right", "right", "left"],
          }),
          "",
        ];
  const verdict =
    check.disagreements === 0
      ? "  the run and the log agree (shares within 5 pp, each hour within 25 % or 3 Poisson σ, the same error codes)"
      : `  ${check.disagreements} ${check.disagreements === 1 ? "figure differs" : "figures differ"} between the run and the log ` +
        "(a share by more than 5 pp, an hour by more than 25 % and 3 Poisson σ, or an error code seen on one side only)";
  return [
    `kmssim: ${resultFile} against the log`,
    "",
    ...table("requests per host", check.hosts),
    ...table("requests per hour", check.hours),
    ...table("error codes", check.errors),
    verdict,
    "",
  ].join("\n");
}

async function auditCommand(log: KmsLog, options: ImportOptions): Promise<number> {
  if (log.sent.length === 0) {
    throw new KmssimError(
      `no event 12288 (a request a client sent) in ${options.exports.length === 1 ? "the export" : "the exports"}: ` +
        "--audit reads clients' Application logs (kmssim import --help)",
      "KMSSIM_BAD_EXPORT",
    );
  }
  const audit = auditClients(log.sent, options.srv === undefined ? null : await readPromise(options.srv));
  process.stdout.write(options.json === true ? renderAuditJson(audit) : renderAuditText(audit, options.srv, process.stdout.columns ?? 120));
  return audit.disagreements === 0 ? EXIT.pass : EXIT.thresholdFailed;
}

/** A scenario's records, or a `kmssim discover --json` report's. */
async function readPromise(file: string): Promise<SrvPromise> {
  if (extname(file).toLowerCase() !== ".json") return promiseOfScenario(await loadScenarioOrThrow(file));
  let text: string;
  try {
    text = await readUserFile(file, READ_LIMITS.scenario);
  } catch (err) {
    throw new KmssimError(`cannot read '${file}': ${readFailureReason(err)}`, "KMSSIM_USAGE");
  }
  let value: unknown = null;
  try {
    value = JSON.parse(text);
  } catch {
    // Reported below, with what was expected.
  }
  const promise = promiseOfDiscoverReport(value);
  if (promise === null)
    throw new KmssimError(`--srv ${file}: not a kmssim discover --json report (schema kmssim/discover@1) nor a scenario (.yaml)`, "KMSSIM_USAGE");
  return promise;
}
