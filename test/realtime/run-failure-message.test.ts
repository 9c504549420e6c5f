// How a failed realtime run is worded: a port in use while connecting is this machine
// running out of ports (advice on the source range, nothing kept), but a port in use when
// a host listens again after recover is another process's doing (the measurements are kept).
import { describe, expect, it } from "vitest";
import { realtimeFailure } from "../../src/cli/run-realtime.js";
import { KmssimError } from "../../src/core/kmssim-error.js";
import { RunFailedError } from "../../src/realtime/realtime-engine.js";

const asKmssimError = (err: unknown): KmssimError => {
  expect(err).toBeInstanceOf(KmssimError);
  return err as KmssimError;
};

describe("realtimeFailure", () => {
  it("a host's re-listen that meets EADDRINUSE is a failed event, reported with what was measured", () => {
    const err = asKmssimError(
      realtimeFailure(
        new RunFailedError("a scenario event could not be carried out: listen EADDRINUSE: address already in use 127.0.0.1:40001", "event"),
        100,
        null,
        null,
      ),
    );
    expect(err.code).toBe("KMSSIM_RUN_FAILED");
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain("Another process took the host's port while it was down");
    expect(err.message).not.toContain("source range");
  });

  it("a worker meeting EADDRINUSE is this machine out of ports", () => {
    const err = asKmssimError(realtimeFailure(new RunFailedError("a fleet worker failed: connect EADDRINUSE 127.0.0.5"), 100, null, null));
    expect(err.code).toBe("KMSSIM_PORTS");
    expect(err.message).toContain("ran out of local addresses or ports");
  });

  it("any other failed event is a failed run with its reason", () => {
    const err = asKmssimError(realtimeFailure(new RunFailedError("a scenario event could not be carried out: boom", "event"), 100, null, null));
    expect(err.code).toBe("KMSSIM_RUN_FAILED");
    expect(err.message).toBe("the run failed: a scenario event could not be carried out: boom");
  });
});
