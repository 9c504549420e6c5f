// `run` in realtime mode: real DNS, real host listeners and worker threads on loopback.

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { KeyFileError } from "../realtime/dns/tsig-key-file.js";
import { RunFailedError, runRealtime } from "../realtime/realtime-engine.js";
import type { Scenario } from "../scenario/model.js";
import type { ProgressSink } from "./progress.js";
import type { DriverOutcome } from "./run-virtual.js";
import { EXIT, UserError } from "./user-error.js";

export async function runRealtimeMode(
  scenario: Scenario,
  options: { clients?: number; workers?: number },
  progress: ProgressSink,
  shouldStop: () => boolean,
): Promise<DriverOutcome> {
  const workers = options.workers ?? Math.max(1, Math.min(availableParallelism(), 8));
  warnAboutFileLimit(options.clients ?? scenario.clients.reduce((a, g) => a + g.count, 0));
  try {
    const outcome = await runRealtime(scenario, {
      clients: options.clients,
      workers,
      shouldStop,
      onProgress: (fraction, detail) => progress.update(fraction, detail),
      onWarning: (message) => progress.note(message),
    });
    return { totals: outcome, wallSeconds: outcome.wallSeconds, illegalInputs: outcome.illegalInputs };
  } catch (err) {
    if (err instanceof KeyFileError) throw new UserError(`dns.keyFile: ${err.message}`, err.code, EXIT.badInput);
    if (err instanceof RunFailedError) throw new UserError(`the run failed: ${err.message}`, "KMSSIM_RUN_FAILED", EXIT.runFailed);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EMFILE" || code === "ENFILE") {
      throw new UserError(
        "too many open sockets for this process's file-descriptor limit; raise it (ulimit -n 65536) or run fewer clients",
        "KMSSIM_FD_LIMIT",
        EXIT.runFailed,
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "EADDRINUSE") {
      throw new UserError(`out of local addresses or ports (${code}); run fewer concurrent clients`, "KMSSIM_PORTS", EXIT.runFailed);
    }
    throw err;
  }
}

/**
 * Every request in flight holds two descriptors in this process (the client's socket and
 * the host's). Say so up front, in plain words, when the soft limit could run out.
 */
function warnAboutFileLimit(clients: number): void {
  const probe = spawnSync("/bin/sh", ["-c", "ulimit -n"], { encoding: "utf8" });
  const limit = Number.parseInt(probe.stdout ?? "", 10);
  if (!Number.isFinite(limit)) return;
  const worstCase = 2 * clients + 256;
  if (limit < worstCase) {
    process.stderr.write(
      `kmssim: note: this process may open up to ${worstCase} files (2 per request in flight, ${clients} clients) ` +
        `but its limit is ${limit}; if the run fails with EMFILE, raise it first: ulimit -n ${Math.max(65536, worstCase)}\n`,
    );
  }
}
