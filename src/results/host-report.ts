// What `kmssim host --out` writes when it stops: the hosts' own counts, for a fleet run
// whose hosts lived in that process (`run --external-hosts`). `kmssim merge --hosts`
// puts them into the merged result, where the fleet could only see its side. Each host's
// fields are the result's host fields of the same names (result-schema.ts).

import { z } from "zod";
import { hostResultSchema } from "./result-schema.js";

export const HOST_REPORT_SCHEMA = "kmssim/hosts@1";

/** One host as it counted itself, over the life of the `kmssim host` process. */
export const hostSelfCountSchema = hostResultSchema.pick({
  name: true,
  requests: true,
  activations: true,
  renewals: true,
  unanswered: true,
  lost: true,
  late: true,
  dlv: true,
  products: true,
  count: true,
  lowCount: true,
  state: true,
  utilization: true,
  peakQueued: true,
});

export const hostReportSchema = z.object({
  schema: z.literal(HOST_REPORT_SCHEMA),
  scenario: z.string(),
  seed: z.number(),
  startAt: z.string().nullable().describe("The shared simulated time 0 (--start-at), or null"),
  simulatedSeconds: z.number().describe("Simulated seconds since time 0 when the hosts stopped"),
  hosts: z.array(hostSelfCountSchema),
});

export type HostSelfCount = z.output<typeof hostSelfCountSchema>;
export type HostReport = z.output<typeof hostReportSchema>;
