/**
 * A composite SLO's history: at each point, its members' events read from their stored buckets and combined the way
 * the live evaluation combines them (`combinePlan`), over the composite's own period and burn-rate windows.
 */
import type { EngineStore, HistoryPoint } from '../core/index.js';
import { buildStatus } from '../core/index.js';
import type { CompositePlan } from './composite.js';
import { combinePlan, compositeEvaluation } from './composite.js';
import { periodRange } from './core-math.js';
import type { ObjectiveFigures } from './core-math.js';
import type { Exclusions } from './exclusions.js';
import type { HistoryRequest } from './history.js';
import { emptyPoint, historyGrid, pointInstant, StoredCounts } from './history.js';
import type { ObjectivePlan } from './plan.js';

export interface CompositeHistorySources {
  readonly plans: ReadonlyMap<string, CompositePlan>;
  /** A plain member objective's plan by its status name. */
  readonly objective: (name: string) => ObjectivePlan | undefined;
  readonly store: EngineStore;
  readonly exclusions: Exclusions;
}

/** The plain objectives under a composite, through nested composites, each once. */
function leavesOf(plan: CompositePlan, plans: ReadonlyMap<string, CompositePlan>, into = new Set<string>()): Set<string> {
  for (const member of plan.members) {
    const nested = plans.get(member.name);
    if (nested) leavesOf(nested, plans, into);
    else into.add(member.name);
  }
  return into;
}

/**
 * The composite's SLI, budget remaining and burn rates at each step in [from, to], to the resolution of a plain SLO's
 * history (README "History"). A point where no member had events in its look-back stretch is a gap (null figures),
 * as for a plain SLO; otherwise every member with events in the composite's period counts, as it does live. Member
 * alert states play no part (the composite's figures come from events only), so a point is what the engine answered.
 */
export function compositeHistoryOf(plan: CompositePlan, sources: CompositeHistorySources, request: HistoryRequest): HistoryPoint[] {
  const grid = historyGrid(plan.slo.window, plan.windows, request);
  const stored = new Map<string, StoredCounts>();
  for (const name of leavesOf(plan, sources.plans)) {
    const objective = sources.objective(name);
    const counts = objective ? StoredCounts.read(objective, sources.store, sources.exclusions, grid) : undefined;
    if (counts) stored.set(name, counts);
  }
  return grid.times.map((t) => {
    const point = pointInstant(grid, t);
    if (![...stored.values()].some((counts) => counts.hasData(point))) return emptyPoint(t, plan.windows);
    const range = periodRange(plan.slo.window, point.at);
    // Windows shorter than the point's resolution stay unknown, as for a plain SLO.
    const windows = plan.windows.filter((window) => window >= point.resolution);
    const leaf = (name: string): ObjectiveFigures => {
      const counts = stored.get(name);
      if (!counts) return { reason: `${name} has no stored events` };
      return { period: counts.counts(range.start, range.end), windows: counts.windows(point, windows) };
    };
    const combined = combinePlan(plan, sources.plans, windows, range, leaf);
    const status = buildStatus({ slo: plan.slo, objective: plan.objective, evaluation: compositeEvaluation(plan, combined.figures, point.at), alerts: [], now: point.at });
    return { t, sli: status.sli, budgetRemaining: status.errorBudget.remaining, burnRates: status.burnRates };
  });
}
