// The adaptive clock's rule (ns-3's RealtimeSimulator "BestEffort", with a controller).
// A request that leaves L wall ms late leaves L × scale late in simulated time; that, not
// L itself, is what bends the model (a retry due in 2 h that goes out an hour late). So
// the clock keeps L × scale within a budget of simulated time: when the generator falls
// behind, simulated time slows, outcomes stay those of the scenario and only wall time
// grows; when it keeps up again, the clock speeds back up to the requested rate.

export interface PaceSettings {
  /** The scenario's timeScale: never exceeded. */
  requestedScale: number;
  /** Simulated ms a request may leave late (lag × scale) before the clock slows. */
  lagBudgetSimMs: number;
  /** Strongest slow-down in one step (×). */
  maxSlowFactor: number;
  /** Speed-up per step while the lag is far within budget (below a quarter), and within it (below half). */
  fastSpeedUpFactor: number;
  slowSpeedUpFactor: number;
  /** Never slower than requestedScale × this. */
  minScaleFraction: number;
}

export const DEFAULT_PACE: Omit<PaceSettings, "requestedScale" | "lagBudgetSimMs"> = {
  maxSlowFactor: 0.5,
  fastSpeedUpFactor: 1.5,
  slowSpeedUpFactor: 1.1,
  minScaleFraction: 0.01,
};

/** The budget is this part of the shortest interval the model times (retry, renewal, skew allowance). */
export const LAG_BUDGET_FRACTION = 1 / 4;
/** ...and never below a simulated minute. */
const MIN_LAG_BUDGET_SIM_MS = 60_000;

/** The lag budget for a model whose shortest timed interval is `shortestIntervalMs` (simulated). */
export function lagBudgetSimMs(shortestIntervalMs: number): number {
  return Math.max(MIN_LAG_BUDGET_SIM_MS, shortestIntervalMs * LAG_BUDGET_FRACTION);
}

/**
 * The rate for the next step, given the rate now and the worst lag any thread saw in the
 * last window (wall ms). Over budget: slows in proportion (at most ×maxSlowFactor a step).
 * Within a quarter of it: speeds up fast; within half: slowly; else holds.
 */
export function nextScale(currentScale: number, lagWallMs: number, settings: PaceSettings): number {
  const floor = settings.requestedScale * settings.minScaleFraction;
  const lagSimMs = Math.max(0, lagWallMs) * currentScale;
  const budget = settings.lagBudgetSimMs;
  let next = currentScale;
  // Stryker disable next-line EqualityOperator: `>=`: at exactly the budget the slow-down is × max(maxSlowFactor ≤ 1, 1) = × 1, the same as holding (silences `<=`, which the tests kill)
  if (lagSimMs > budget) next = currentScale * Math.max(settings.maxSlowFactor, budget / lagSimMs);
  else if (lagSimMs < budget / 4) next = currentScale * settings.fastSpeedUpFactor;
  else if (lagSimMs < budget / 2) next = currentScale * settings.slowSpeedUpFactor;
  return Math.min(settings.requestedScale, Math.max(floor, next));
}
