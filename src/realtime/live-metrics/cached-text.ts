// The exposition text, built at most once per `maxAgeMs` of wall time however many
// scrapers ask: the metrics share the hosts' event loop, so a scrape storm must not turn
// into a build storm. Scrapes arriving while a build runs wait for that build.

export interface CachedTextOptions {
  build: () => Promise<string>;
  /** Wall ms a built text is served before the next scrape builds it again. */
  maxAgeMs: number;
  /** Wall clock in ms (performance.now in production, a fake one in tests). */
  wallNowMs: () => number;
}

export class CachedText {
  private text: Promise<string> | null = null;
  private builtAtMs = 0;

  constructor(private readonly options: CachedTextOptions) {}

  get(): Promise<string> {
    const nowMs = this.options.wallNowMs();
    if (this.text === null || nowMs - this.builtAtMs >= this.options.maxAgeMs) {
      this.builtAtMs = nowMs;
      const building = this.options.build();
      // A failed build is not kept: the next scrape tries again.
      building.catch(() => {
        if (this.text === building) this.text = null;
      });
      this.text = building;
    }
    return this.text;
  }
}
