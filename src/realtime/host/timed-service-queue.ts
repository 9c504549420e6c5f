// A host's `concurrency` servers in real time: at most that many jobs in service, the
// rest waiting first come first served, each taking an exponential service time around
// the mean. At most `concurrency` timers are pending, whatever the backlog.
//
// Timers fire late, never early, so a job taken from the queue starts when its server
// was due to free up (its planned end), not when the timer got round to it: the same
// recursion as the core's MultiServerQueue, so a busy host keeps its modelled capacity
// instead of losing a little to every late timer.

export interface TimedServiceQueueOptions<J> {
  concurrency: number;
  /** Mean service time, real ms; 0 = answered at once. */
  serviceTimeMs: number;
  /** Uniform in [0, 1). */
  rng: () => number;
  /** Real clock in ms (performance.now in production, a fake one in tests). */
  wallNowMs: () => number;
  /** Called once per job when its service ends (possibly inside `submit`). */
  onDone: (job: J) => void;
}

/**
 * Timers have whole-millisecond resolution: a job due in less than this is done at once
 * (early by under 1 ms) rather than by a timer (late by up to 1 ms, again for every job
 * behind it).
 */
const TIMER_RESOLUTION_MS = 1;

interface Running<J> {
  job: J;
  startMs: number;
  endMs: number;
  timer: ReturnType<typeof setTimeout>;
}

export class TimedServiceQueue<J> {
  readonly concurrency: number;
  private meanMs = 0;

  private readonly rng: () => number;
  private readonly wallNowMs: () => number;
  private readonly onDone: (job: J) => void;
  private readonly running = new Set<Running<J>>();
  // Waiting jobs and their arrival times; entries before `head` are taken.
  private waitingJobs: J[] = [];
  private waitingSinceMs: number[] = [];
  private head = 0;
  /** Server time of the jobs finished or dropped so far (wall ms). */
  private servedMs = 0;
  /** The most jobs waiting at once. */
  peakWaiting = 0;

  constructor(options: TimedServiceQueueOptions<J>) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`TimedServiceQueue: concurrency must be an integer >= 1, got ${options.concurrency}`);
    }
    this.concurrency = options.concurrency;
    this.serviceTimeMs = options.serviceTimeMs;
    this.rng = options.rng;
    this.wallNowMs = options.wallNowMs;
    this.onDone = options.onDone;
  }

  /** Mean service time of jobs that start from now on. */
  get serviceTimeMs(): number {
    return this.meanMs;
  }

  set serviceTimeMs(ms: number) {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`TimedServiceQueue: serviceTimeMs must be finite and >= 0, got ${ms}`);
    this.meanMs = ms;
  }

  get inService(): number {
    return this.running.size;
  }

  get waiting(): number {
    return this.waitingJobs.length - this.head;
  }

  submit(job: J): void {
    const now = this.wallNowMs();
    // A server is free and nobody waits: serve. (Inside onDone a server is free while
    // others still wait; they go first.)
    if (this.running.size < this.concurrency && this.head === this.waitingJobs.length) {
      this.serve(job, now, now);
      return;
    }
    this.waitingJobs.push(job);
    this.waitingSinceMs.push(now);
    this.peakWaiting = Math.max(this.peakWaiting, this.waiting);
  }

  /** Server time spent so far (wall ms): finished jobs, dropped ones until dropped, and those in service. */
  busyMs(): number {
    const now = this.wallNowMs();
    let busy = this.servedMs;
    for (const r of this.running) busy += Math.max(0, Math.min(now, r.endMs) - r.startMs);
    return busy;
  }

  /** Drops every job in service and waiting (their answers never come); returns them, oldest first. */
  clear(): J[] {
    const dropped: J[] = [];
    const now = this.wallNowMs();
    for (const r of this.running) {
      clearTimeout(r.timer);
      this.servedMs += Math.max(0, Math.min(now, r.endMs) - r.startMs);
      dropped.push(r.job);
    }
    this.running.clear();
    for (let i = this.head; i < this.waitingJobs.length; i++) dropped.push(this.waitingJobs[i]);
    this.waitingJobs = [];
    this.waitingSinceMs = [];
    this.head = 0;
    return dropped;
  }

  /**
   * Starts `job` on a free server at `startMs` (planned). Returns null if it is in service
   * (a timer is pending), else the planned end of a job done at once: zero service time,
   * due within the timer resolution, or already over by the plan because the server was
   * due to free up long ago.
   */
  private serve(job: J, startMs: number, nowMs: number): number | null {
    const endMs = this.meanMs === 0 ? startMs : startMs - this.meanMs * Math.log(1 - this.rng());
    if (!(endMs - nowMs >= TIMER_RESOLUTION_MS)) {
      this.servedMs += endMs - startMs;
      this.onDone(job);
      return endMs;
    }
    const r: Running<J> = { job, startMs, endMs, timer: undefined as unknown as ReturnType<typeof setTimeout> };
    r.timer = setTimeout(() => this.finish(r), endMs - nowMs);
    this.running.add(r);
    return null;
  }

  private finish(r: Running<J>): void {
    // clear() may have dropped it after the timer was queued to run.
    if (!this.running.delete(r)) return;
    this.servedMs += r.endMs - r.startMs;
    this.onDone(r.job);
    this.startWaiting(r.endMs);
  }

  /** A server is free since `freeSinceMs` (planned): hands it the waiting jobs in order. */
  private startWaiting(freeSinceMs: number): void {
    let freeAtMs = freeSinceMs;
    while (this.running.size < this.concurrency && this.head < this.waitingJobs.length) {
      const job = this.waitingJobs[this.head];
      const startMs = Math.max(this.waitingSinceMs[this.head], freeAtMs);
      this.head++;
      this.compact();
      const doneAtMs = this.serve(job, startMs, this.wallNowMs());
      if (doneAtMs === null) break;
      // Done at once: the same server is free again, by the plan, when that job ended.
      freeAtMs = doneAtMs;
    }
  }

  private compact(): void {
    if (this.head === this.waitingJobs.length) {
      this.waitingJobs.length = 0;
      this.waitingSinceMs.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waitingJobs.length) {
      this.waitingJobs = this.waitingJobs.slice(this.head);
      this.waitingSinceMs = this.waitingSinceMs.slice(this.head);
      this.head = 0;
    }
  }
}
