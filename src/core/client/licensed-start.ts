// Clients that are already licensed when the run starts (`clients[].startLicensed`, a
// fraction of a group): a fleet replayed from a log has been renewing for months. Which
// clients, and which host renewed each of them last, follow from the client's index in its
// group alone, with no random draw, so every driver, shard and the hosts' side agree, and
// scenarios without the setting consume their random streams exactly as before.

/**
 * Whether the client at `indexInGroup` starts licensed when a `fraction` of the group does.
 * The licensed ones are spread evenly through the group (its clients are in boot order):
 * the first n clients hold licensedAmong(n, fraction) of them, for every n.
 */
export function startsLicensed(indexInGroup: number, fraction: number): boolean {
  return licensedAmong(indexInGroup + 1, fraction) > licensedAmong(indexInGroup, fraction);
}

/**
 * How many of a group's first `n` clients start licensed: n × fraction to the nearest whole
 * (half up), so a fraction written to 6 decimals (0.833333 of 24) still gives the 20 meant.
 */
export function licensedAmong(n: number, fraction: number): number {
  return Math.round(n * fraction);
}

/** 1/φ: the Weyl sequence k/φ mod 1 covers [0, 1) more evenly than any random draw. */
const INVERSE_GOLDEN = 0.6180339887498949;

/**
 * The endpoint that last renewed the client at `indexInGroup`, given the share of first
 * choices each endpoint gets from the group's SRV records (`expectedShares`): a
 * low-discrepancy point through the cumulative shares, so the group's licensed clients
 * were last served in the proportions the records promise. -1 when no endpoint has a share.
 */
export function lastRenewedBy(indexInGroup: number, shares: ArrayLike<number>): number {
  const point = ((indexInGroup + 1) * INVERSE_GOLDEN) % 1;
  let cumulative = 0;
  let last = -1;
  // Stryker disable next-line EqualityOperator: `<=`: shares[length] is undefined, which the `> 0` check below skips (silences `>=` too, which the tests kill)
  for (let host = 0; host < shares.length; host++) {
    if (!(shares[host] > 0)) continue;
    last = host;
    cumulative += shares[host];
    if (point < cumulative) return host;
  }
  // Rounding left the sum a hair under 1: the last endpoint with a share takes the rest.
  return last;
}
