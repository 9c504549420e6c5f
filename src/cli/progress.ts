// Progress on long runs: a redrawn bar on a TTY, otherwise nothing (CI logs stay clean).

export interface ProgressSink {
  update(fraction: number, detail: string): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream, label: string): ProgressSink {
  if (!stream.isTTY) return { update() {}, done() {} };
  let lastDrawMs = 0;
  return {
    update(fraction, detail) {
      const now = Date.now();
      if (now - lastDrawMs < 100) return;
      lastDrawMs = now;
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      stream.write(`\r${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${detail}\x1b[K`);
    },
    done() {
      stream.write("\r\x1b[K");
    },
  };
}
