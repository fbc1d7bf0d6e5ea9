import type { Objective } from '../model.js';

/**
 * Good and total over some span. Occurrences: events. Timeslices: good slices and slices. RatioTimeslices: the sum
 * of slice ratios and slices. Every figure below reads them the same way; only the error budget's size differs.
 */
export interface Counts {
  readonly good: number;
  readonly total: number;
}

export const NO_COUNTS: Counts = Object.freeze({ good: 0, total: 0 });

/** good / total; null without events. */
export function sliOf(counts: Counts): number | null {
  return counts.total > 0 ? counts.good / counts.total : null;
}

/**
 * How many times faster than sustainable the budget burns: the bad fraction over the allowed bad fraction,
 * (1 - good/total) / (1 - objective). 1 spends exactly the budget over the period; null without events.
 */
export function burnRate(counts: Counts | undefined, target: number): number | null {
  if (!counts || counts.total <= 0) return null;
  return (counts.total - counts.good) / counts.total / (1 - target);
}

/** The allowed bad fraction of an objective. */
export function budgetTotal(objective: Pick<Objective, 'target'>): number {
  return 1 - objective.target;
}
