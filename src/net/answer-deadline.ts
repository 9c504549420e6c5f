// A deadline for an answer over the network that judges only what is late.
//
// A late event loop runs its expired timers before it reads the sockets that became
// readable meanwhile: an answer that reached this machine in time would lose to its own
// deadline because this process was busy, and a busy machine would show a healthy host or
// DNS server as silent. So the deadline's callback runs in the check phase after the timer
// fires, once the poll phase has read what is already here. clearTimeout cancels it until
// then; after that the callback still runs, so it must do nothing when the answer came first.

/** setTimeout for an answer's deadline (see above); the arguments are passed on, so a hot path needs no closure. */
export function setAnswerDeadline<A extends unknown[]>(onExpired: (...args: A) => void, ms: number, ...args: A): NodeJS.Timeout {
  return setTimeout(expireAfterIo, ms, onExpired, args);
}

function expireAfterIo<A extends unknown[]>(onExpired: (...args: A) => void, args: A): void {
  setImmediate(onExpired, ...args);
}
