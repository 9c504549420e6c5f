// Regression: with --workers 0 the clients run on the main thread. When that slice fails (this
// machine ran out of descriptors: an RPC fails with a LOCAL errno), the run must end as a
// RunFailedError (exit 3 upstream), without an unhandled promise rejection, which Node
// turns into a crash (exit 1, read as "a threshold failed").
import { afterEach, describe, expect, it, vi } from "vitest";
import { RunFailedError, runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

vi.mock("../../src/realtime/client/rpc-call.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/realtime/client/rpc-call.js")>();
  return {
    ...real,
    sendRequest: (...args: Parameters<typeof real.sendRequest>) =>
      setImmediate(() => args[4](new real.RpcCallError("LOCAL", "connect EMFILE 127.0.0.1:1688 - Local (undefined:undefined)", "EMFILE"), null)),
  };
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

describe("realtime --workers 0: the main-thread slice fails", () => {
  it("is a RunFailedError naming EMFILE, and no promise rejection goes unhandled", async () => {
    process.on("unhandledRejection", onUnhandled);
    const scenario = scenarioFrom(`
name: review-local-errno
seed: 3
mode: realtime
duration: 1d
timeScale: 86400
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 5, bootSpread: 1h } ]
`);
    const error = await runRealtime(scenario, { workers: 0 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).message).toMatch(/EMFILE/);
    // Let any stray rejection surface.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.map(String)).toEqual([]);
  }, 20_000);
});
