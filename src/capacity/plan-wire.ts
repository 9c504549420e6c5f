// Messages between `kmssim plan` and its worker threads.

import type { Result } from "../results/result.js";
import type { ReplicationMetrics } from "./replication-metrics.js";
import type { ReplicationTask } from "./replication.js";

export type ToPlanWorker = { type: "run"; task: ReplicationTask };

export type FromPlanWorker = { type: "progress"; run: number; fraction: number } | { type: "done"; run: number; metrics: ReplicationMetrics; result?: Result };
