// A real BIND 9 `named` for tests (issue 5): one child process per startNamed(), bound to a
// free high port on 127.0.0.1 only, with its config, zone files, journal, pid and session
// key in a fresh temp folder. The config keeps it off the network: no recursion, no DNSSEC
// validation (which would query the public root servers at start-up), no NOTIFY, no rndc
// control channel. Every instance is stopped and its folder removed on stop(), in afterAll
// (describeWithNamed) and, as a last resort, when the test process exits.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import dgram from "node:dgram";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import dnsPacket from "dns-packet";
import { afterAll, beforeAll } from "vitest";
import { tcpExchange } from "../../src/dns/tcp-exchange.js";
import { describeNeeding } from "../helpers/describe-needing.js";

export interface NamedZone {
  /** e.g. "bind.test" (no trailing dot needed). */
  origin: string;
  /** Extra zone-file lines, relative to the origin ($ORIGIN is set). */
  records?: string[];
}

export interface NamedKey {
  /** e.g. "kmssim-test." */
  name: string;
  /** base64 */
  secret: string;
}

export interface RunningNamed {
  host: "127.0.0.1";
  port: number;
  dir: string;
  key: NamedKey;
  /** Kills named (SIGTERM, then SIGKILL) and removes its folder; safe to call again. */
  stop(): Promise<void>;
  /** What named wrote to stderr/stdout so far (its `-g` log), the last MAX_LOG_CHARS of it. */
  log(): string;
}

export interface StartNamedOptions {
  zones: NamedZone[];
  /** Default: a fresh random hmac-sha256 key named "kmssim-test.". */
  key?: NamedKey;
  /** How the key may update each zone; only "zonesub" (anything in the zone) today. */
  updatePolicy?: "zonesub";
}

export type BindTool = "named" | "named-checkconf" | "nsupdate" | "dig" | "tsig-keygen";

const HOST = "127.0.0.1";
const DEFAULT_KEY_NAME = "kmssim-test.";
const BIND_TOOLS: readonly BindTool[] = ["named", "named-checkconf", "nsupdate", "dig"];
// Debian puts named in /usr/sbin, which is not on every user's PATH.
const EXTRA_BIN_DIRS = ["/usr/sbin", "/usr/local/sbin", "/sbin"];
// Below Linux's ephemeral range (32768-60999), so outgoing connections do not take it meanwhile.
const PORT_RANGE = { min: 20_000, max: 32_000 };
const PORT_ATTEMPTS = 6;
const READY_TRIES = 100;
const READY_QUERY_TIMEOUT_MS = 500;
const READY_PAUSE_MS = 50;
const TERM_WAIT_MS = 5_000;
const KILL_WAIT_MS = 3_000;
const CHECKCONF_TIMEOUT_MS = 20_000;
const MAX_LOG_CHARS = 200_000;
// What named 9.18 logs when the port is taken (it then exits, or in other versions keeps running deaf).
const PORT_TAKEN = /address in use|creating IPv4 interface .* failed|unable to listen on any configured interfaces/i;

/** Absolute path of a BIND tool, or null when it is not installed. */
export function bindToolPath(tool: BindTool): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== ""), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function requiredTool(tool: BindTool): string {
  const found = bindToolPath(tool);
  if (found === null) throw new Error(`${tool} is not installed (Debian packages bind9, bind9-utils, bind9-dnsutils)`);
  return found;
}

/** Whether named and the client tools the tests use are installed here. */
export function namedAvailability(): { ok: true } | { ok: false; reason: string } {
  const missing = BIND_TOOLS.filter((tool) => bindToolPath(tool) === null);
  if (missing.length > 0) {
    return { ok: false, reason: `BIND 9 tools not installed: ${missing.join(", ")} (apt-get install bind9 bind9-utils bind9-dnsutils)` };
  }
  const version = spawnSync(requiredTool("named"), ["-v"], { encoding: "utf8", timeout: 10_000 });
  if (version.status !== 0) {
    return { ok: false, reason: `named -v failed: ${(version.stderr || version.error?.message || "").trim() || `exit ${version.status}`}` };
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------------------
// Process-exit safety net: whatever is still running when the test process exits.

const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;

function killAllNow(): void {
  for (const entry of live) {
    if (!exited(entry.child)) entry.child.kill("SIGKILL");
    rmSync(entry.dir, { recursive: true, force: true });
  }
  live.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", killAllNow);
  // vitest ends its fork workers with SIGTERM, where 'exit' does not fire: clean up, then
  // let the signal do what it would have done.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAllNow();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// ---------------------------------------------------------------------------------------
// Config and zone files.

const fqdn = (name: string): string => (name.endsWith(".") ? name : `${name}.`);
const bare = (name: string): string => name.replace(/\.$/, "").toLowerCase();

function zoneFileName(origin: string): string {
  return `db.${bare(origin)}`;
}

/** $TTL, SOA, NS, and an A record for the NS name, then the caller's lines. */
export function zoneFileText(zone: NamedZone): string {
  const origin = fqdn(bare(zone.origin));
  return [
    `$ORIGIN ${origin}`,
    "$TTL 300",
    `@ IN SOA ns1.${origin} hostmaster.${origin} ( 1 3600 600 86400 300 )`,
    `@ IN NS ns1.${origin}`,
    `ns1 IN A ${HOST}`,
    ...(zone.records ?? []),
    "",
  ].join("\n");
}

function quoted(value: string): string {
  if (/["\\\n]/.test(value)) throw new RangeError(`cannot quote ${JSON.stringify(value)} in named.conf`);
  return `"${value}"`;
}

export function namedConfText(dir: string, port: number, key: NamedKey, zones: readonly NamedZone[]): string {
  const at = (file: string): string => quoted(path.join(dir, file));
  const keyName = fqdn(key.name);
  const lines = [
    "options {",
    `  directory ${quoted(dir)};`,
    `  pid-file ${at("named.pid")};`,
    `  lock-file ${at("named.lock")};`,
    `  session-keyfile ${at("session.key")};`,
    `  managed-keys-directory ${quoted(dir)};`,
    `  listen-on port ${port} { ${HOST}; };`,
    "  listen-on-v6 { none; };",
    "  recursion no;",
    // Without this named asks the public root servers for trust anchors at start-up.
    "  dnssec-validation no;",
    "  notify no;",
    "  allow-transfer { none; };",
    "};",
    // No rndc channel (it would listen on 127.0.0.1:953).
    "controls { };",
    `key ${quoted(keyName)} { algorithm hmac-sha256; secret ${quoted(key.secret)}; };`,
  ];
  for (const zone of zones) {
    lines.push(
      `zone ${quoted(bare(zone.origin))} {`,
      "  type primary;",
      `  file ${at(zoneFileName(zone.origin))};`,
      `  update-policy { grant ${keyName} zonesub ANY; };`,
      "};",
    );
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------
// Ports, readiness, stopping.

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: HOST, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port in PORT_RANGE free for both UDP and TCP on 127.0.0.1 right now. */
export async function findFreePort(tries = 50): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const port = randomInt(PORT_RANGE.min, PORT_RANGE.max);
    if ((await udpFree(port)) && (await tcpFree(port))) return port;
  }
  throw new Error(`no port free for both UDP and TCP on ${HOST} after ${tries} tries`);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the child has exited, false when waitMs passes first. */
function waitForExit(child: ChildProcess, waitMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, waitMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once("exit", onExit);
  });
}

async function killChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill("SIGTERM");
  if (await waitForExit(child, TERM_WAIT_MS)) return;
  child.kill("SIGKILL");
  if (!(await waitForExit(child, KILL_WAIT_MS))) throw new Error(`named (pid ${child.pid}) did not exit after SIGKILL`);
}

/** One SOA question over TCP; true when the server answers it authoritatively with NOERROR. */
export async function soaAnswered(port: number, origin: string, timeoutMs = READY_QUERY_TIMEOUT_MS): Promise<boolean> {
  const query = dnsPacket.encode({ type: "query", id: randomInt(0, 0x10000), questions: [{ name: bare(origin), type: "SOA", class: "IN" }] });
  try {
    const reply = dnsPacket.decode(await tcpExchange(HOST, port, query, timeoutMs, new AbortController().signal));
    return ((reply.flags ?? 0) & 0xf) === 0 && (reply.answers ?? []).some((a) => a.type === "SOA");
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------

export function randomKey(name = DEFAULT_KEY_NAME): NamedKey {
  return { name, secret: randomBytes(32).toString("base64") };
}

/** Starts a named serving `zones` (each updatable with `key`), ready to answer when it resolves. */
export async function startNamed(opts: StartNamedOptions): Promise<RunningNamed> {
  if (opts.zones.length === 0) throw new RangeError("startNamed needs at least one zone");
  const named = requiredTool("named");
  const checkconf = requiredTool("named-checkconf");
  const key = opts.key ?? randomKey();
  installExitHook();

  const failures: string[] = [];
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await findFreePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), "kmssim-named-"));
    try {
      for (const zone of opts.zones) writeFileSync(path.join(dir, zoneFileName(zone.origin)), zoneFileText(zone));
      const conf = path.join(dir, "named.conf");
      writeFileSync(conf, namedConfText(dir, port, key, opts.zones));
      const check = spawnSync(checkconf, ["-z", conf], { encoding: "utf8", timeout: CHECKCONF_TIMEOUT_MS });
      if (check.status !== 0) {
        throw new Error(`named-checkconf -z rejected the config:\n${check.stdout}${check.stderr}${check.error?.message ?? ""}`);
      }
      const started = await spawnAndWait(named, conf, dir, port, key, opts.zones[0].origin);
      if (started.ok) return started.running;
      failures.push(`port ${port}: ${started.reason}`);
      rmSync(dir, { recursive: true, force: true });
      if (!started.retry) break;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  throw new Error(`named did not start:\n${failures.join("\n")}`);
}

let setprivFound: string | null | undefined;

/** util-linux's setpriv (it execs named in place, so the pid stays named's), or null. */
function setprivPath(): string | null {
  if (setprivFound === undefined) {
    setprivFound = null;
    for (const candidate of ["/usr/bin/setpriv", "/bin/setpriv"]) {
      const probe = spawnSync(candidate, ["--pdeathsig", "KILL", "true"], { timeout: 5_000 });
      if (probe.status === 0) {
        setprivFound = candidate;
        break;
      }
    }
  }
  return setprivFound;
}

type SpawnResult = { ok: true; running: RunningNamed } | { ok: false; retry: boolean; reason: string };

async function spawnAndWait(named: string, conf: string, dir: string, port: number, key: NamedKey, origin: string): Promise<SpawnResult> {
  // -g: foreground, log to stderr; no -u (stays the user we are, who owns the folder); one worker thread.
  const args = ["-g", "-4", "-n", "1", "-c", conf];
  // setpriv --pdeathsig: named dies with the test process even when that is SIGKILLed.
  const setpriv = setprivPath();
  const child =
    setpriv === null
      ? spawn(named, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(setpriv, ["--pdeathsig", "KILL", named, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const entry = { child, dir };
  live.add(entry);
  let logText = "";
  const append = (chunk: Buffer): void => {
    logText += chunk.toString("utf8");
    if (logText.length > MAX_LOG_CHARS) logText = logText.slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let spawnError: Error | null = null;
  child.once("error", (error) => {
    spawnError = error;
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await killChild(child);
      } finally {
        live.delete(entry);
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  const running: RunningNamed = { host: HOST, port, dir, key, stop, log: () => logText };

  for (let attempt = 0; attempt < READY_TRIES; attempt++) {
    if (spawnError !== null || exited(child) || PORT_TAKEN.test(logText)) break;
    if (await soaAnswered(port, origin)) return { ok: true, running };
    await pause(READY_PAUSE_MS);
  }
  // Not ready: stop it here, keep the folder until the caller removes it (stop() removes it too).
  await killChild(child).catch(() => undefined);
  live.delete(entry);
  const portTaken = PORT_TAKEN.test(logText);
  const why =
    spawnError !== null
      ? `could not run named: ${(spawnError as Error).message}`
      : portTaken
        ? "the port was taken"
        : `no SOA answer for ${origin} after ${READY_TRIES} tries`;
  return { ok: false, retry: portTaken, reason: `${why}\n--- named log ---\n${logText.slice(-4000)}` };
}

// ---------------------------------------------------------------------------------------

/**
 * A describe block that needs BIND 9 installed. Without it the tests are skipped with a
 * printed reason, except under CI, where one failing test says why instead.
 */
export function describeNeedingBind(title: string, fn: () => void): void {
  const availability = namedAvailability();
  describeNeeding({ tag: "bind", name: "BIND 9", purpose: "to test against", missing: availability.ok ? null : availability.reason }, title, fn);
}

/**
 * A describe block with a named running for its tests (started in beforeAll, stopped in
 * afterAll), skipped or failed as describeNeedingBind says when BIND is not installed.
 */
export function describeWithNamed(
  title: string,
  fn: (ctx: { get named(): RunningNamed }) => void,
  options: StartNamedOptions = { zones: [{ origin: "bind.test" }] },
): void {
  describeNeedingBind(title, () => {
    let running: RunningNamed | null = null;
    beforeAll(async () => {
      running = await startNamed(options);
    });
    afterAll(async () => {
      await running?.stop();
    });
    fn({
      get named(): RunningNamed {
        if (running === null) throw new Error("named is not running (beforeAll failed or has not run)");
        return running;
      },
    });
  });
}
