import type { TermIncrease } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS, sliceOutcome } from '../core/index.js';
import type { Counts } from '../core/index.js';
import { sliCounts } from './counts.js';
import type { Range } from './exclusions.js';
import type { ObjectivePlan } from './plan.js';
import { sliTerms } from './plan.js';
import type { TermSeries } from './term-series.js';

/**
 * Timeslices and RatioTimeslices: once a slice has ended, its events decide it, as core's sliceOutcome says. A slice
 * without events, or touching an exclusion, is not counted. Slice outcomes are stored as increases of the objective's
 * two slice terms, so they get windows, restarts and history like any other term.
 *
 * Every slice since `lastEnd` is decided, also those older than the 1-minute buckets reach (after an outage of the
 * evaluation longer than they are kept, or at an SLO's first evaluation over data already stored): those are decided
 * at hour resolution, each slice of an hour with events taking the hour's ratio, since the hour bucket cannot say
 * which of its minutes were good. Dropping them instead would leave the period with hours of undecided slices.
 */
export function completeSlices(
  plan: ObjectivePlan,
  lastEnd: number,
  now: number,
  series: ReadonlyMap<string, TermSeries>,
  excluded: (from: number, to: number) => Range[],
  oldestFine: number,
): { increases: TermIncrease[]; lastEnd: number } {
  const slices = plan.slices;
  const sli = sliTerms(plan);
  if (!slices || !sli) return { increases: [], lastEnd };
  const method = plan.slo.budgetingMethod === 'RatioTimeslices' ? 'RatioTimeslices' : 'Timeslices';
  const width = slices.width;
  // Slices ending at or before this are read from hour buckets (only whole hours, as window sums read them).
  const fineFrom = Math.ceil(oldestFine / COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
  const hourly = new Map<number, Counts>();
  const hourCounts = (start: number): Counts => {
    const hour = Math.floor(start / COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
    let counts = hourly.get(hour);
    if (!counts) hourly.set(hour, (counts = sliCounts(sli, series, hour, hour + COARSE_BUCKET_MS, [])));
    return counts;
  };
  // Increases are summed per bucket first: an outage's thousands of slices become one row per bucket and term.
  const totals = new Map<number, number>();
  const goods = new Map<number, number>();
  // Read once for the whole span: thousands of slices after an outage must not each expand the maintenance schedule.
  const ranges = excluded(lastEnd, now);
  const touchesExclusion = (from: number, to: number): boolean => ranges.some(([rangeStart, rangeEnd]) => rangeStart < to && rangeEnd > from);
  let start = lastEnd;
  while (start + width <= now) {
    const end = start + width;
    if (!touchesExclusion(start, end)) {
      const counts = end <= fineFrom && width < COARSE_BUCKET_MS ? hourCounts(start) : sliCounts(sli, series, start, end, []);
      const good = sliceOutcome(counts.good, counts.total, plan.objective, method);
      if (good !== null) {
        const bucket = start - (start % FINE_BUCKET_MS);
        totals.set(bucket, (totals.get(bucket) ?? 0) + 1);
        if (good > 0) goods.set(bucket, (goods.get(bucket) ?? 0) + good);
      }
    }
    start = end;
  }
  const increases: TermIncrease[] = [];
  for (const [bucket, value] of totals) increases.push({ term: slices.total, bucket, value });
  for (const [bucket, value] of goods) increases.push({ term: slices.good, bucket, value });
  return { increases, lastEnd: start };
}
