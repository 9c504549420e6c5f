// Dispatch on the client's selection profile (design.md, "Host selection").

import type { Profile } from "../vocabulary.js";
import type { Rng } from "../rng.js";
import type { SrvCandidate } from "./srv-candidate.js";
import { selectVista } from "./vista.js";
import { selectWin7 } from "./win7.js";

/** Same as the scenario's client `os`. */
export type SelectionProfile = Profile;

/**
 * The endpoint a client of `profile` tries next, or -1 when none is left. Draw count
 * as the profile's function documents (one draw when there is a real choice).
 */
export function selectHost(profile: SelectionProfile, candidates: readonly SrvCandidate[], removedMask: number, rng: Rng): number {
  return profile === "win7" ? selectWin7(candidates, removedMask, rng) : selectVista(candidates, removedMask, rng);
}
