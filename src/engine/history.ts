import type { EngineStore, HistoryPoint } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS, formatDuration } from '../core/index.js';
import { periodRange, statusOf } from './core-math.js';
import type { Counts } from './counts.js';
import { sliCounts } from './counts.js';
import type { Exclusions } from './exclusions.js';
import type { ObjectivePlan } from './plan.js';
import { sliTerms } from './plan.js';
import { sliceSides } from './slice-sides.js';
import { TermSeries } from './term-series.js';

export interface HistoryRequest {
  readonly from: number;
  readonly to: number;
  readonly step: number;
  /** The time the history is asked at: fine buckets exist from `now - fineKeep` on. */
  readonly now: number;
  readonly fineKeep: number;
}

/**
 * An objective's SLI, budget remaining and burn rates at each step in [from, to]: what the engine answered at that
 * instant, from the buckets that held only data up to it. While the 1-minute buckets still exist, a point is the
 * answer at its minute (t rounded down to the minute); beyond them, at its hour, and windows shorter than an hour are
 * then null rather than a share of an hour bucket. A point before the first data, or with no events in the stretch
 * before it (its step, at least the shortest burn-rate window and its resolution), has null figures: the UI draws a gap
 * there. Samples that arrived late (redelivered, backfilled) count at their own time, as they do in every window.
 */
export function historyOf(plan: ObjectivePlan, store: EngineStore, exclusions: Exclusions, request: HistoryRequest): HistoryPoint[] {
  const { from, to, step } = request;
  const times: number[] = [];
  for (let t = from; t <= to; t += step) times.push(t);
  const empty = (t: number): HistoryPoint => ({ t, sli: null, budgetRemaining: null, burnRates: Object.fromEntries(plan.windows.map((window) => [formatDuration(window), null])) });
  // Remote SLIs are pulled into synthetic terms, so they have history like ingested ones.
  const sli = sliTerms(plan);
  if (!sli) return times.map(empty);

  const longest = Math.max(...times.map((t) => t - periodRange(plan.slo.window, t).start), ...plan.windows);
  const readFrom = Math.floor((from - longest) / COARSE_BUCKET_MS) * COARSE_BUCKET_MS - COARSE_BUCKET_MS;
  const span = to - readFrom + 2 * COARSE_BUCKET_MS;
  // The store keeps 1-minute rows from here on; older ones may already be pruned, so only hours answer before it.
  const fineFloor = Math.ceil((request.now - request.fineKeep) / FINE_BUCKET_MS) * FINE_BUCKET_MS;
  // Timeslices: every figure comes from the decided slices, as in the live evaluation.
  const counted = plan.slices ? sliceSides(plan.slices) : sli;
  const keys = new Set([...sli.good, ...sli.total, ...counted.good, ...counted.total].map((signed) => signed.term.key));
  const series = new Map<string, TermSeries>();
  for (const key of keys) {
    const kept = new TermSeries(key, { fineKeep: span, longestWindow: span });
    const fineFrom = Math.max(readFrom, fineFloor);
    kept.fine.load(store.buckets('fine', key, fineFrom, to + FINE_BUCKET_MS), fineFrom);
    kept.coarse.load(store.buckets('coarse', key, readFrom, to + COARSE_BUCKET_MS), readFrom);
    series.set(key, kept);
  }
  const excluded = exclusions.ranges(plan.slo.name, readFrom, to);
  return times.map((t) => {
    // Minute resolution while the point's minute has fine buckets; hour resolution before that.
    // The stretch a point looks back over must lie within them too, or its start reads a partial hour as nothing.
    const fine = t - Math.max(step, plan.windows[0] ?? 0) >= fineFloor;
    const resolution = fine ? FINE_BUCKET_MS : COARSE_BUCKET_MS;
    const at = Math.floor(t / resolution) * resolution;
    // A scrape every few minutes is not a gap: the stretch is at least the shortest window (5m for 30 days).
    const recent = sliCounts(counted, series, at - Math.max(step, resolution, plan.windows[0] ?? 0), at, plan.slices ? [] : excluded);
    if (!(recent.total > 0)) return empty(t);
    const period = periodRange(plan.slo.window, at);
    const windows = new Map<number, Counts>();
    for (const window of plan.windows) {
      // A window shorter than the resolution would be a share of one bucket: unknown instead.
      if (window >= resolution) windows.set(window, sliCounts(counted, series, at - window, at, plan.slices ? [] : excluded));
    }
    const periodCounts = sliCounts(counted, series, period.start, period.end, plan.slices ? [] : excluded);
    const status = statusOf(plan, { period: periodCounts, windows }, at);
    return { t, sli: status.sli, budgetRemaining: status.errorBudget.remaining, burnRates: status.burnRates };
  });
}
