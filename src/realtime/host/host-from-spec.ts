// A scenario host (HostSpec) as a real TCP listener: the same host logic settings the
// virtual engine's SimHost reads, plus where to listen and the realtime driver's clocks.
// The port is the spec's (its SRV port, default 1688) unless the runtime names one
// (0 = ephemeral, for hosts sharing one address).

import { hostLogicFromSpec } from "../../fleet-plan/host-logic-from-spec.js";
import type { ProductRules } from "../../core/product.js";
import type { HostSpec } from "../../scenario/model.js";
import { idleTimeoutForRpcTimeout } from "./connection-limits.js";
import { KmsHostServer, type KmsHostServerOptions } from "./host-server.js";

export type HostRuntimeOptions = Omit<KmsHostServerOptions, "logic" | "concurrency" | "serviceTimeMs" | "hostIndex" | "name"> & {
  /**
   * Simulated time a request may spend in transit. Under a compressed clock a few wall
   * milliseconds on the wire are minutes of simulated time, which the host must not
   * mistake for clock skew. Default 0.
   */
  transitAllowanceMs?: number;
  /** The clients' RPC timeout (wall ms): a connection is not idle before they would give up. */
  rpcTimeoutMs?: number;
  /** The scenario's products (Scenario.products). Default: the built-in three. */
  catalog?: readonly ProductRules[];
};

export function hostServerFromSpec(spec: HostSpec, hostIndex: number, runtime: HostRuntimeOptions): KmsHostServer {
  const { transitAllowanceMs = 0, rpcTimeoutMs, catalog, ...serverRuntime } = runtime;
  const logic = hostLogicFromSpec(spec, transitAllowanceMs, catalog);
  return new KmsHostServer({
    ...serverRuntime,
    port: serverRuntime.port ?? spec.port,
    hostIndex,
    name: spec.name,
    logic,
    concurrency: spec.concurrency,
    serviceTimeMs: spec.serviceTimeMs,
    limits: {
      ...(rpcTimeoutMs === undefined ? {} : { idleTimeoutMs: idleTimeoutForRpcTimeout(rpcTimeoutMs) }),
      ...serverRuntime.limits,
    },
  });
}
