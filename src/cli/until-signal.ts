// Long-running commands (`kmssim dns`, `kmssim host`) stop cleanly on the first SIGINT
// or SIGTERM: listen before binding, so a stop during start-up still ends cleanly.

import { takeSignals } from "./signal-desk.js";

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    // Held until the process ends: a second signal while closing reminds, a third quits.
    takeSignals({ stop: () => resolve(), reminder: "still stopping; press Ctrl-C again to quit at once", lost: "at once" });
  });
}
