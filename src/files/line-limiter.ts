// At most `maxLinesPerWindow` log lines per window (1 s by default); the rest are counted
// and reported as one summary line when the window is over, so a flood of updates cannot
// flood the log. Pure: the clock is handed in.

export interface LineLimiterOptions {
  maxLinesPerWindow: number;
  windowMs?: number;
  nowMs: () => number;
  /** The line that stands for `count` suppressed ones (with its own newline if wanted). */
  summary: (count: number) => string;
}

export class LineLimiter {
  private readonly windowMs: number;
  private windowStartMs = -Infinity;
  private inWindow = 0;
  private suppressed = 0;

  constructor(private readonly options: LineLimiterOptions) {
    this.windowMs = options.windowMs ?? 1000;
  }

  /** What to write for this line now: the line (after any summary due), or nothing. */
  offer(line: string): string[] {
    const out = this.flush();
    const now = this.options.nowMs();
    if (now - this.windowStartMs >= this.windowMs) {
      this.windowStartMs = now;
      this.inWindow = 0;
    }
    if (this.inWindow < this.options.maxLinesPerWindow) {
      this.inWindow++;
      out.push(line);
    } else {
      this.suppressed++;
    }
    return out;
  }

  /** The summary of suppressed lines once their window is over (or now, with `force`). */
  flush(force = false): string[] {
    if (this.suppressed === 0) return [];
    if (!force && this.options.nowMs() - this.windowStartMs < this.windowMs) return [];
    const line = this.options.summary(this.suppressed);
    this.suppressed = 0;
    return [line];
  }
}
