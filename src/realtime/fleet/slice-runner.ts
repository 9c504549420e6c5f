// Builds and runs one fleet slice (a FleetDriver with its real resolver and RPC client);
// used by a worker thread, or in the main thread when --workers 0.

import { deriveSeed, Mulberry32 } from "../../core/rng.js";
import { planFleet } from "../../fleet-plan/fleet-plan.js";
import { sendRequest } from "../client/rpc-call.js";
import { CompressedClock } from "../compressed-clock.js";
import { SrvResolver } from "../../dns/resolver.js";
import { BURST_RECEIVE_BUFFER_BYTES } from "../../dns/udp-receive-buffer.js";
import { FleetDriver } from "./fleet-driver.js";
import type { SliceSetup } from "./slice-wire.js";

/** Stream id of a slice's resolver (message ids): clear of client and group streams. */
const RESOLVER_STREAM_BASE = 0x7800_0000;

export function createSlice(setup: SliceSetup): { driver: FleetDriver; close: () => Promise<void> } {
  const plan = planFleet(setup.scenario, setup.clients);
  const clock = CompressedClock.attach(setup.clockBuffer);
  const idRng = new Mulberry32(deriveSeed(setup.scenario.seed, RESOLVER_STREAM_BASE + setup.first));
  const resolver = new SrvResolver({
    server: setup.dnsServer,
    dnsTimeoutMs: setup.scenario.network.dnsTimeoutMs,
    // One try, like the virtual model: a timeout is a failed discovery.
    retries: 0,
    // Each client caches its own answer in the core, as in virtual mode; a cache or a question
    // shared by the slice would hide a DNS outage or a changed record from clients whose own
    // answer expired, and count cache hits as queries.
    shareAnswers: false,
    // Every client's answer comes over the wire: a burst must not overflow the socket.
    receiveBufferBytes: BURST_RECEIVE_BUFFER_BYTES,
    rng: () => idRng.next(),
  });
  const driver = new FleetDriver({
    plan,
    first: setup.first,
    count: setup.count,
    stride: setup.stride,
    allowAddress: setup.allowAddress,
    clock,
    dns: resolver,
    rpc: { call: sendRequest },
    endpoints: setup.endpoints,
    cmidPrefix: setup.cmidPrefix,
  });
  return { driver, close: () => resolver.close() };
}
