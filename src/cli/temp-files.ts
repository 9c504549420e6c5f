// Temp files an atomic write has created and not yet renamed: removed if the process exits
// in between (a third Ctrl-C quits at once), so no private copy of a result is left behind.

import { unlinkSync } from "node:fs";

const inFlight = new Set<string>();
let hooked = false;

/** `path` was just created exclusively by this process; it goes if the process exits before {@link settleTemp}. */
export function trackTemp(path: string): void {
  if (!hooked) {
    hooked = true;
    // 'exit' runs on process.exit() too, synchronously: only sync work here.
    process.on("exit", removeTempsNow);
  }
  inFlight.add(path);
}

/** `path` was renamed into place or removed: no longer ours to clean up. */
export function settleTemp(path: string): void {
  inFlight.delete(path);
}

function removeTempsNow(): void {
  for (const path of inFlight) {
    try {
      unlinkSync(path);
    } catch {
      // Gone already (renamed a moment before): nothing to clean.
    }
  }
  inFlight.clear();
}
