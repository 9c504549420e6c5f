// The numbers of the KMS host's counting rules (design.md, "Activation and renewal").

import type { Product } from "../vocabulary.js";
import { DAY_MS, MINUTE_MS } from "../license.js";

/** Distinct client machines a host must have seen before it activates a product. */
export const ACTIVATION_THRESHOLD: Readonly<Record<Product, number>> = Object.freeze({
  "windows-client": 25,
  "windows-server": 5,
  "office-2010": 5,
});

/** A host remembers a client machine id for 30 days after it last asked. */
export const CMID_MEMORY_MS = 30 * DAY_MS;

/** A host keeps at most this many × threshold machine ids per product. */
export const CMID_CAPACITY_FACTOR = 2;

/** Clocks of client and host may differ by at most 4 hours (inclusive). */
export const MAX_CLOCK_SKEW_MS = 4 * 60 * MINUTE_MS;
