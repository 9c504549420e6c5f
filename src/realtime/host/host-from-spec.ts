// A scenario host (HostSpec) as a real TCP listener: the same host logic settings the
// virtual engine's SimHost reads, plus where to listen and the realtime driver's clocks.
// The port is the spec's (its SRV port, default 1688) unless the runtime names one
// (0 = ephemeral, for hosts sharing one address).

import { KmsHostLogic } from "../../core/host/host-logic.js";
import type { HostSpec } from "../../scenario/model.js";
import { KmsHostServer, type KmsHostServerOptions } from "./host-server.js";

export type HostRuntimeOptions = Omit<KmsHostServerOptions, "logic" | "concurrency" | "serviceTimeMs" | "hostIndex" | "name">;

export function hostServerFromSpec(spec: HostSpec, hostIndex: number, runtime: HostRuntimeOptions): KmsHostServer {
  const logic = new KmsHostLogic({
    products: spec.products,
    activated: spec.activated,
    kmsEnabled: spec.kmsEnabled,
    activationIntervalMs: spec.activationIntervalMs,
    renewalIntervalMs: spec.renewalIntervalMs,
  });
  return new KmsHostServer({
    ...runtime,
    port: runtime.port ?? spec.port,
    hostIndex,
    name: spec.name,
    logic,
    concurrency: spec.concurrency,
    serviceTimeMs: spec.serviceTimeMs,
  });
}
