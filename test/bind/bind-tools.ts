// BIND's own clients as test tools: nsupdate (RFC 2136 updates, TSIG-signed with -y) and
// dig, run against any server on 127.0.0.1 (named or kmssim's embedded server). Every run
// has a bounded time: nsupdate's own timeouts plus a kill after PROCESS_TIMEOUT_MS.

import { execFile } from "node:child_process";
import { bindToolPath, type NamedKey } from "./named-harness.js";

const PROCESS_TIMEOUT_MS = 20_000;

export interface ToolRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface NsupdateResult extends ToolRun {
  /** "NOERROR" when nsupdate reports no failure, else the rcode in "update failed: RCODE(...)"; null when it says neither. */
  rcodeName: string | null;
  /** The TSIG error in "update failed: NOTAUTH(BADSIG)", or null. */
  tsigErrorName: string | null;
}

export interface Server {
  host: string;
  port: number;
}

function run(file: string, args: readonly string[], input: string): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: PROCESS_TIMEOUT_MS, killSignal: "SIGKILL", encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ exitCode: code, stdout, stderr: stderr + (error !== null && code === null ? `\n[${error.message}]` : "") });
    });
    // A tool that quits before reading all its input (a refused update) closes the pipe:
    // its exit status and output tell what happened, the EPIPE adds nothing.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
}

function tool(name: "nsupdate" | "dig"): string {
  const found = bindToolPath(name);
  if (found === null) throw new Error(`${name} is not installed (bind9-dnsutils)`);
  return found;
}

/** What nsupdate's output says about the server's answer. */
export function parseNsupdateOutcome(run: ToolRun): { rcodeName: string | null; tsigErrorName: string | null } {
  const failed = /update failed: ([A-Z]+)(?:\(([A-Z]+)\))?/.exec(run.stdout + run.stderr);
  if (failed !== null) return { rcodeName: failed[1], tsigErrorName: failed[2] ?? null };
  if (run.exitCode === 0) return { rcodeName: "NOERROR", tsigErrorName: null };
  return { rcodeName: null, tsigErrorName: null };
}

/**
 * Sends one update for `zone` with nsupdate: `commands` are nsupdate lines such as
 * "update add _vlmcs._tcp.bind.test. 300 SRV 0 10 1688 kms1.bind.test.". Signed with
 * `-y hmac-sha256:NAME:SECRET` when a key is given, unsigned otherwise.
 */
export async function nsupdate(server: Server, zone: string, commands: readonly string[], key?: NamedKey): Promise<NsupdateResult> {
  // -t: whole-update timeout, -u: UDP retry interval, -r: UDP retries (seconds / count).
  const args = ["-t", "4", "-u", "2", "-r", "1"];
  if (key !== undefined) args.push("-y", `hmac-sha256:${key.name}:${key.secret}`);
  const script = [`server ${server.host} ${server.port}`, `zone ${zone}`, ...commands, "send", ""].join("\n");
  const result = await run(tool("nsupdate"), args, script);
  return { ...result, ...parseNsupdateOutcome(result) };
}

/** `dig +short` lines for one question (empty when there is no answer). */
export async function digShort(server: Server, type: string, name: string): Promise<string[]> {
  const result = await run(tool("dig"), [`@${server.host}`, "-p", String(server.port), "+short", "+norecurse", "+time=2", "+tries=2", type, name], "");
  if (result.exitCode !== 0) throw new Error(`dig ${type} ${name} failed (exit ${result.exitCode}): ${result.stdout}${result.stderr}`);
  return result.stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** The rcode dig reports for one question, from its "status: X" header line. */
export async function digStatus(server: Server, type: string, name: string): Promise<string> {
  const result = await run(tool("dig"), [`@${server.host}`, "-p", String(server.port), "+norecurse", "+time=2", "+tries=2", type, name], "");
  const status = /status: ([A-Z]+)/.exec(result.stdout);
  if (status === null) throw new Error(`dig ${type} ${name}: no status line (exit ${result.exitCode}): ${result.stdout}${result.stderr}`);
  return status[1];
}
