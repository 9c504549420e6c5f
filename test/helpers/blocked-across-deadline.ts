// For tests of deadlines on a busy machine: an exchange starts, and the main thread's event
// loop is blocked in the check phase (as by a long I/O callback) from `blockFromMs` to
// `blockUntilMs` after the start, across the exchange's deadline, while a peer in another
// thread answers. An attempt counts only when the peer's answer went out during the block
// and the block outlasted the deadline; a busy machine may spoil one attempt, not eight.

export interface BlockedAcrossDeadline {
  deadlineMs: number;
  blockFromMs: number;
  blockUntilMs: number;
  /** The peer writes into [0] when its answer went out (performance.timeOrigin + performance.now()). */
  answerSentAt: Float64Array;
}

const ATTEMPTS = 8;

export const absoluteNow = (): number => performance.timeOrigin + performance.now();

/** The outcome of the first attempt whose answer went out while the loop was blocked past the deadline. */
export async function outcomeBlockedAcrossDeadline(plan: BlockedAcrossDeadline, exchange: (attempt: number) => Promise<string>): Promise<string> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    plan.answerSentAt[0] = 0;
    const startedAt = absoluteNow();
    const outcome = exchange(attempt);
    let blockedFrom = 0;
    let blockedUntil = 0;
    // The next loop turn runs its expired timers before it polls the sockets.
    const block = (): void => {
      blockedFrom = absoluteNow();
      while (absoluteNow() < startedAt + plan.blockUntilMs);
      blockedUntil = absoluteNow();
    };
    setTimeout(() => setImmediate(block), plan.blockFromMs);
    const result = await outcome;
    const sentAt = plan.answerSentAt[0];
    if (sentAt > blockedFrom && sentAt < blockedUntil && blockedUntil >= startedAt + plan.deadlineMs) return result;
  }
  throw new Error(`in ${ATTEMPTS} attempts the peer never answered while this thread was blocked past the deadline`);
}
