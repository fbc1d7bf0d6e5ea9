import type { TermIncrease } from '../core/index.js';
import { FINE_BUCKET_MS } from '../core/index.js';
import { sliceOutcome } from '../core/budget/index.js';
import { sliCounts } from './counts.js';
import type { Range } from './exclusions.js';
import type { ObjectivePlan } from './plan.js';
import { sliTerms } from './plan.js';
import type { TermSeries } from './term-series.js';

/**
 * Timeslices and RatioTimeslices: once a slice has ended, its events (from the 1-minute buckets) decide it, as
 * core's sliceOutcome says. A slice without events, or touching an exclusion, is not counted. Slice outcomes are stored as
 * increases of the objective's two slice terms, so they get windows, restarts and history like any other term.
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
  const terms = sliTerms(plan);
  if (!slices || !terms) return { increases: [], lastEnd };
  const width = slices.width;
  const increases: TermIncrease[] = [];
  // Slices older than the fine buckets reach cannot be decided any more.
  let start = Math.max(lastEnd, Math.ceil(oldestFine / width) * width);
  while (start + width <= now) {
    const end = start + width;
    if (excluded(start, end).length === 0) {
      const counts = sliCounts(terms, series, start, end, now, []);
      if (counts.total > 0) {
        const good = sliceOutcome(counts.good, counts.total, plan.objective, plan.slo.budgetingMethod === 'RatioTimeslices' ? 'RatioTimeslices' : 'Timeslices') ?? 0;
        const bucket = start - (start % FINE_BUCKET_MS);
        increases.push({ term: slices.total, bucket, value: 1 });
        if (good > 0) increases.push({ term: slices.good, bucket, value: good });
      }
    }
    start = end;
  }
  return { increases, lastEnd: start };
}
