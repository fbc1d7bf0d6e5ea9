import type { SignedTerm } from '../core/sli/index.js';
import type { Range } from './exclusions.js';
import type { TermSeries } from './term-series.js';

export interface Counts {
  readonly good: number;
  readonly total: number;
}

/** Reads one side's events (Σ sign · events of each term) over [from, to) at evaluation time `now`, less the excluded ranges. */
export function sideEvents(terms: readonly SignedTerm[], series: ReadonlyMap<string, TermSeries>, from: number, to: number, now: number, excluded: readonly Range[]): number {
  let sum = 0;
  for (const { term, sign } of terms) {
    const kept = series.get(term.key);
    if (!kept) continue;
    sum += sign * rangeEvents(kept, from, to, now, excluded);
  }
  return sum;
}

export function rangeEvents(kept: TermSeries, from: number, to: number, now: number, excluded: readonly Range[]): number {
  let events = kept.sum(from, to, now);
  for (const [start, end] of excluded) {
    const clippedStart = Math.max(start, from);
    const clippedEnd = Math.min(end, to);
    if (clippedEnd > clippedStart) events -= kept.sum(clippedStart, clippedEnd, now);
  }
  return events;
}

/**
 * Good and total events of an SLI over [from, to). Interpolated edges and bad-event subtraction can leave good a hair
 * outside [0, total]; it is clamped there, since neither more good than total nor negative events can be meant.
 */
export function sliCounts(
  sli: { readonly good: readonly SignedTerm[]; readonly total: readonly SignedTerm[] },
  series: ReadonlyMap<string, TermSeries>,
  from: number,
  to: number,
  now: number,
  excluded: readonly Range[],
): Counts {
  const total = Math.max(0, sideEvents(sli.total, series, from, to, now, excluded));
  const good = Math.min(total, Math.max(0, sideEvents(sli.good, series, from, to, now, excluded)));
  return { good, total };
}
