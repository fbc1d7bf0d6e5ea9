import type { EngineStore } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { Counts } from './counts.js';
import { sliCounts } from './counts.js';
import type { Exclusions } from './exclusions.js';
import type { ObjectivePlan } from './plan.js';
import { sliTerms } from './plan.js';
import { sliceSides } from './slice-sides.js';
import { TermSeries } from './term-series.js';

/**
 * An objective's good and total events over each range [from, to), from the stored buckets (reports, budget
 * explanations): exclusions left out, and slices for Timeslices, as in every other figure. Minute resolution where the
 * 1-minute buckets are still kept, hour resolution before that (a range edge inside an hour then counts the hour whose
 * start it holds, like history).
 */
export function rangeEventsOf(
  plan: ObjectivePlan,
  store: EngineStore,
  exclusions: Exclusions,
  ranges: readonly { readonly from: number; readonly to: number }[],
  now: number,
  fineKeep: number,
): Counts[] {
  const sli = sliTerms(plan);
  if (!sli || ranges.length === 0) return ranges.map(() => ({ good: 0, total: 0 }));
  const from = Math.min(...ranges.map((range) => range.from));
  const to = Math.max(...ranges.map((range) => range.to));
  const readFrom = Math.floor(from / COARSE_BUCKET_MS) * COARSE_BUCKET_MS - COARSE_BUCKET_MS;
  const fineFloor = Math.ceil((now - fineKeep) / FINE_BUCKET_MS) * FINE_BUCKET_MS;
  const counted = plan.slices ? sliceSides(plan.slices) : sli;
  const series = new Map<string, TermSeries>();
  for (const key of new Set([...counted.good, ...counted.total].map((signed) => signed.term.key))) series.set(key, TermSeries.fromStore(store, key, { readFrom, fineFloor, to }));
  const excluded = plan.slices ? [] : exclusions.ranges(plan.slo.name, readFrom, to);
  return ranges.map((range) => sliCounts(counted, series, range.from, Math.min(range.to, now), excluded));
}
