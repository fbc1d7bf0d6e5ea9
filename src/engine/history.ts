import type { EngineStore, HistoryPoint, SignedTerm } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS, formatDuration } from '../core/index.js';
import { periodRange, statusOf } from './core-math.js';
import type { Counts } from './counts.js';
import { sliCounts } from './counts.js';
import type { Exclusions } from './exclusions.js';
import type { ObjectivePlan } from './plan.js';
import { sliTerms } from './plan.js';
import { TermSeries } from './term-series.js';

/**
 * An objective's SLI, budget remaining and burn rates at each step in [from, to], recomputed from the stored buckets
 * (coarse ones for the whole range, fine ones where they still exist), so it reaches back as far as the retention.
 */
export function historyOf(plan: ObjectivePlan, store: EngineStore, exclusions: Exclusions, from: number, to: number, step: number): HistoryPoint[] {
  const source = { sli: sliTerms(plan) };
  const times: number[] = [];
  for (let t = from; t <= to; t += step) times.push(t);
  if (!source.sli) return times.map((t) => ({ t, sli: null, budgetRemaining: null, burnRates: Object.fromEntries(plan.windows.map((window) => [formatDuration(window), null])) }));

  const longest = Math.max(...times.map((t) => t - periodRange(plan.slo.window, t).start), ...plan.windows);
  const readFrom = from - longest - COARSE_BUCKET_MS;
  const span = to - readFrom + 2 * COARSE_BUCKET_MS;
  const sliceSide = (key: string): SignedTerm[] => [{ term: { key, metric: key, matchers: [], kind: 'counter' }, sign: 1 }];
  const sli = source.sli;
  const periodSli = plan.slices ? { good: sliceSide(plan.slices.good), total: sliceSide(plan.slices.total) } : sli;
  const keys = new Set([...sli.good, ...sli.total, ...periodSli.good, ...periodSli.total].map((signed) => signed.term.key));
  const series = new Map<string, TermSeries>();
  for (const key of keys) {
    const kept = new TermSeries(key, { fineKeep: span, longestWindow: span });
    const fineRows = store.buckets('fine', key, readFrom, to + FINE_BUCKET_MS);
    // Fine rows exist only for recent hours: below the first one, the coarse buckets answer.
    kept.fine.load(fineRows, fineRows[0]?.t ?? Number.POSITIVE_INFINITY);
    kept.coarse.load(store.buckets('coarse', key, readFrom - (readFrom % COARSE_BUCKET_MS), to + COARSE_BUCKET_MS), readFrom - (readFrom % COARSE_BUCKET_MS));
    series.set(key, kept);
  }
  const horizon = Math.max(to, ...[...series.values()].map((kept) => (kept.fine.head + 1) * FINE_BUCKET_MS));
  const excluded = exclusions.ranges(plan.slo.name, readFrom, to);
  return times.map((t) => {
    const period = periodRange(plan.slo.window, t);
    const windows = new Map<number, Counts>();
    for (const window of plan.windows) windows.set(window, sliCounts(sli, series, t - window, t, horizon, excluded));
    const periodCounts = sliCounts(periodSli, series, period.start, period.end, horizon, plan.slices ? [] : excluded);
    const status = statusOf(plan, { period: periodCounts, windows }, t);
    return { t, sli: status.sli, budgetRemaining: status.sli === null ? null : status.errorBudget.remaining, burnRates: status.burnRates };
  });
}
