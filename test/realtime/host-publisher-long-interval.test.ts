// Regression: b822b3b made scenario events and samples wait in steps past Node's timer limit
// (2^31 − 1 ms, 24.8 days), but the host publisher still armed one setTimeout for its next
// re-registration. With publishInterval 30d at time scale 1 (`kmssim host` without
// --start-at, or a long run) Node cut that to 1 ms: the publisher woke, found nothing due
// and re-armed, a 1 kHz loop printing a TimeoutOverflowWarning each time, until stopped.
import { afterEach, describe, expect, it } from "vitest";
import { HostPublisher } from "../../src/realtime/host/host-publisher.js";
import { scenarioFrom } from "../sim/helpers.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";

const overflowWarnings: Error[] = [];
const onWarning = (w: Error): void => {
  if (w.name === "TimeoutOverflowWarning") overflowWarnings.push(w);
};

afterEach(() => {
  process.off("warning", onWarning);
});

describe("host publisher: a publish interval longer than Node's timers", () => {
  it("waits for it without re-arming in a loop", async () => {
    const scenario = scenarioFrom(`
name: review-late-publisher-long-interval
seed: 3
mode: realtime
duration: 90d
timeScale: 1
dns: { domain: corp.example, publish: auto, publishInterval: 30d, server: "127.0.0.1:53" }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
`);
    process.on("warning", onWarning);
    let sends = 0;
    const clock = new CompressedClock(CompressedClock.wallNowMs(), 1);
    const publisher = new HostPublisher({
      scenario,
      hosts: [{ host: 0, name: "kms1", address: "127.0.0.1", port: 40_000, priority: 0, weight: 100 }],
      send: async () => {
        sends++;
        return { rcodeName: "NOERROR", tsigErrorName: "NOERROR" };
      },
      simNowMs: () => clock.simNowMs(),
      at: (t, fn) => clock.at(t, fn),
      untilMs: Infinity,
      scavengeByDelete: false,
    });
    await publisher.publishAll(0);
    publisher.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await publisher.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sends).toBe(1);
    expect(overflowWarnings).toEqual([]);
  });
});
