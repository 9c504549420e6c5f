// Regression: a `slow` event without serviceTime slows a host to 10 × its serviceTime. The
// virtual engine takes 10 × the scenario's serviceTime; the realtime hosts (run, and now
// `kmssim host --start-at` through applyHostEvent) took 10 × the current one, so a second
// slow before a recover made the host 100 × slower in realtime and 10 × in virtual.
import { describe, expect, it } from "vitest";
import { hostServerFromSpec } from "../../src/realtime/host/host-from-spec.js";
import { applyHostEvent } from "../../src/realtime/host/host-event.js";
import type { HostEvent } from "../../src/scenario/model.js";
import { scenarioFrom } from "../sim/helpers.js";

describe("applyHostEvent slow without serviceTime", () => {
  it("is 10 × the host's own service time however often it comes", async () => {
    const scenario = scenarioFrom("name: s\nduration: 1d\nhosts: [ { name: kms1, serviceTime: 4ms } ]\nclients: [ { name: c, count: 1 } ]");
    const server = hostServerFromSpec(scenario.hosts[0], 0, { simNow: () => 0, rng: () => 0.5 });
    const slow: HostEvent = { atMs: 0, kind: "host", host: "kms1", action: "slow", serviceTimeMs: null };
    await applyHostEvent(slow, server, 0, null);
    expect(server.serviceTimeMs).toBe(40);
    await applyHostEvent({ ...slow, atMs: 1000 }, server, 0, null);
    expect(server.serviceTimeMs).toBe(40);
  });
});
