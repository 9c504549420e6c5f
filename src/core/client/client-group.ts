import type { LicenseRules } from "../license.js";
import type { ProductId } from "../product.js";
import type { Profile } from "../vocabulary.js";

/** What every client of one group shares; the machine looks it up by group index. */
export interface ClientGroupConfig {
  profile: Profile;
  /** The product's id in the scenario's catalog (core/product.ts). */
  product: ProductId;
  /** The product's validity and grace periods. Default: 180 days, 30 days, 30 days. */
  license?: LicenseRules;
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
