// The client lifecycle as one readable table (h11 style): which input is legal in
// which phase, and where it may lead. The machine checks every input against it; an
// input that is not legal moves the client to Error instead of throwing deep inside.

export enum Phase {
  /** Waiting for its next timer: first activation, retry or renewal. */
  Idle = 0,
  /** Asked DNS for `_vlmcs._tcp.<domain>`, waiting for the answer. */
  AwaitingDns = 1,
  /** Sent an activation or renewal request to one host, waiting for its answer. */
  AwaitingRpc = 2,
  /** An illegal input arrived: a driver bug; the client takes no further part. */
  Error = 3,
}

export enum Input {
  Timer = 0,
  DnsAnswer = 1,
  DnsFailure = 2,
  RpcAnswer = 3,
  /** Connection refused, reset or timed out: the host did not respond. */
  RpcUnreachable = 4,
}

export const PHASE_NAMES = ["idle", "awaiting-dns", "awaiting-rpc", "error"] as const;
export const INPUT_NAMES = ["timer", "dns-answer", "dns-failure", "rpc-answer", "rpc-unreachable"] as const;

/**
 * phase → input → phases it may lead to.
 *   Idle        --timer-->            AwaitingRpc (cached or pinned host, or DNS cache hit)
 *                                     AwaitingDns (discovery needed) | Idle (no record: retry later)
 *   AwaitingDns --dns-answer-->       AwaitingRpc (a host chosen) | Idle (empty answer)
 *               --dns-failure-->      Idle (retry after the activation interval)
 *   AwaitingRpc --rpc-answer-->       Idle (success: renew later; host error: retry later)
 *               --rpc-unreachable-->  AwaitingRpc (failover to another host)
 *                                     AwaitingDns (cached host failed: rediscover)
 *                                     Idle (no host left: 0xC004F074)
 */
export const TRANSITIONS: Readonly<Record<Phase, Partial<Record<Input, readonly Phase[]>>>> = {
  [Phase.Idle]: { [Input.Timer]: [Phase.AwaitingRpc, Phase.AwaitingDns, Phase.Idle] },
  [Phase.AwaitingDns]: {
    [Input.DnsAnswer]: [Phase.AwaitingRpc, Phase.Idle],
    [Input.DnsFailure]: [Phase.Idle],
  },
  [Phase.AwaitingRpc]: {
    [Input.RpcAnswer]: [Phase.Idle],
    [Input.RpcUnreachable]: [Phase.AwaitingRpc, Phase.AwaitingDns, Phase.Idle],
  },
  [Phase.Error]: {},
};

/** Legal-input lookup as a bitmask per phase, so the hot path checks with one AND. */
export const LEGAL_INPUTS: readonly number[] = [Phase.Idle, Phase.AwaitingDns, Phase.AwaitingRpc, Phase.Error].map((phase) =>
  Object.keys(TRANSITIONS[phase]).reduce((mask, input) => mask | (1 << Number(input)), 0),
);

export function isLegal(phase: Phase, input: Input): boolean {
  return (LEGAL_INPUTS[phase] & (1 << input)) !== 0;
}
