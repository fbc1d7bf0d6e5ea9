import { boundedMemo } from '../memo.js';
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
  return burnRateAgainst(counts, allowedBadFraction(target));
}

/** `burnRate` against an allowed bad fraction already worked out (`budgetTotal`), for loops over many windows. */
export function burnRateAgainst(counts: Counts | undefined, allowed: number): number | null {
  if (!counts || counts.total <= 0) return null;
  return (counts.total - counts.good) / counts.total / allowed;
}

/** The allowed bad fraction of an objective. */
export function budgetTotal(objective: Pick<Objective, 'target'>): number {
  return allowedBadFraction(objective.target);
}

/**
 * 1 - target, without binary floating-point noise: 1 - 0.999 is 0.0010000000000000009 in doubles, which would show as
 * such in every status and make a 2 % error rate burn at 19.99999999999998. Objectives are written in decimal with
 * far fewer than 12 significant digits, so rounding to 12 gives back the figure the user meant. toPrecision costs far
 * more than the rest of a burn rate and every objective asks for its target's figure each tick, so it is remembered;
 * a spec set has a handful of distinct targets, and the bound only keeps arbitrary callers from growing it forever.
 */
const allowedBadFraction = boundedMemo(1024, (target: number): number => Number((1 - target).toPrecision(12)));
