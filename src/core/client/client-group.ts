import type { Product, Profile } from "../vocabulary.js";

/** What every client of one group shares; the machine looks it up by group index. */
export interface ClientGroupConfig {
  profile: Profile;
  product: Product;
  /** Index of the client's DNS domain in the driver's domain table. */
  domainId: number;
  /** Endpoint the group is pinned to (`kmsHost`, like slmgr /skms), or -1 to discover. */
  pinnedHost: number;
  /** false: discover every time (like slmgr /ckhc). */
  hostCaching: boolean;
  clockSkewMs: number;
  activationIntervalMs: number;
  renewalIntervalMs: number;
}
