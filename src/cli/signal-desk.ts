// The one place that hears SIGINT and SIGTERM, from the program's first lines
// (bin/kmssim.js installs it before loading the CLI). A command that can stop cleanly
// takes the signals (`takeSignals`): the first asks it to stop and keep what it measured;
// a second within QUIT_AFTER_MS only reminds that it is still saving; a third, or one
// QUIT_AFTER_MS after the first, quits at once without it. With no command holding them
// (still loading, or a short command), a signal ends the program at once: 130, a message.

/** A second signal this long after the first quits without waiting. */
export const QUIT_AFTER_MS = 5000;
/** README: 130 for an interrupted program, Ctrl-C or SIGTERM alike. */
export const INTERRUPTED_EXIT = 130;

export type SignalStep = "stop" | "remind" | "quit";

/** What the `count`-th signal (1-based) does, `sinceFirstMs` after the first one. */
export function signalStep(count: number, sinceFirstMs: number): SignalStep {
  if (count <= 1) return "stop";
  if (count >= 3 || sinceFirstMs >= QUIT_AFTER_MS) return "quit";
  return "remind";
}

export interface SignalTaker {
  /** Called once, on the first signal: stop and keep what was measured. */
  stop(signal: NodeJS.Signals): void;
  /** Printed on a second signal within QUIT_AFTER_MS ("still writing the partial result; press Ctrl-C again to quit without it"). */
  reminder: string;
  /** Printed when a later signal quits without it ("without the partial result"). */
  lost: string;
}

interface Desk {
  takers: SignalTaker[];
  /** Some command held the signals before (it has finished: nothing is left to keep). */
  taken: boolean;
  count: number;
  firstAtMs: number;
}

let desk: Desk | null = null;

/** Listens for SIGINT and SIGTERM for the rest of the process (idempotent). */
export function installSignalDesk(): void {
  if (desk !== null) return;
  const state: Desk = { takers: [], taken: false, count: 0, firstAtMs: 0 };
  desk = state;
  const hear = (signal: NodeJS.Signals): void => {
    const nowMs = Date.now();
    state.count++;
    if (state.count === 1) state.firstAtMs = nowMs;
    const taker = state.takers.at(-1);
    if (taker === undefined) {
      process.stderr.write(`kmssim: ${signal}: stopped${state.taken ? "" : " before anything was measured"}\n`);
      process.exit(INTERRUPTED_EXIT);
    }
    const step = signalStep(state.count, nowMs - state.firstAtMs);
    if (step === "stop") taker.stop(signal);
    else if (step === "remind") process.stderr.write(`kmssim: ${taker.reminder}\n`);
    else {
      process.stderr.write(`kmssim: ${signal} again: quitting ${taker.lost}\n`);
      process.exit(INTERRUPTED_EXIT);
    }
  };
  process.on("SIGINT", hear);
  process.on("SIGTERM", hear);
}

/**
 * The caller takes the signals until the returned release is called. A signal heard
 * before (while nobody held them) already ended the program; one heard by an earlier
 * taker that is still counting carries on (a second signal stays a second signal).
 */
export function takeSignals(taker: SignalTaker): () => void {
  installSignalDesk();
  const state = desk!;
  state.takers.push(taker);
  state.taken = true;
  return () => {
    const at = state.takers.lastIndexOf(taker);
    if (at >= 0) state.takers.splice(at, 1);
  };
}
