// Progress on long runs: a redrawn bar on a TTY; elsewhere (CI logs) a plain line every
// few seconds, so a long run is visibly alive without flooding the log.

import { visibleWidth } from "../format/format-table.js";
import { terminalColumns } from "../report/text/terminal.js";

/** `text` cut to `columns` terminal columns, with an ellipsis when cut. */
export function truncate(text: string, columns: number): string {
  if (visibleWidth(text) <= columns) return text;
  let out = "";
  for (const ch of text) {
    if (visibleWidth(out + ch) > columns - 1) break;
    out += ch;
  }
  return out + "…";
}

export interface ProgressSink {
  update(fraction: number, detail: string): void;
  /** A message that must not be drawn over (a warning): its own line on stderr. */
  note(message: string): void;
  done(): void;
}

const TTY_REDRAW_MS = 100;
const PLAIN_LINE_EVERY_MS = 5_000;

export function createProgress(stream: NodeJS.WriteStream, label: string): ProgressSink {
  const startedMs = Date.now();
  let lastDrawMs = startedMs;
  if (!stream.isTTY) {
    return {
      update(fraction, detail) {
        const now = Date.now();
        if (now - lastDrawMs < PLAIN_LINE_EVERY_MS) return;
        lastDrawMs = now;
        stream.write(`${label}: ${(fraction * 100).toFixed(0)}% after ${((now - startedMs) / 1000).toFixed(0)}s · ${detail}\n`);
      },
      note(message) {
        process.stderr.write(`${message}\n`);
      },
      done() {},
    };
  }
  return {
    update(fraction, detail) {
      const now = Date.now();
      if (now - lastDrawMs < TTY_REDRAW_MS) return;
      lastDrawMs = now;
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      // One line, redrawn in place: a line longer than the terminal would wrap and scroll.
      stream.write(`\r${truncate(`${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${detail}`, terminalColumns(stream) - 1)}\x1b[K`);
    },
    note(message) {
      stream.write("\r\x1b[K");
      process.stderr.write(`${message}\n`);
    },
    done() {
      stream.write("\r\x1b[K");
    },
  };
}

/** For --quiet: warnings still reach stderr, progress does not. */
export function silentProgress(): ProgressSink {
  return {
    update() {},
    note(message) {
      process.stderr.write(`${message}\n`);
    },
    done() {},
  };
}
