import type { SignedTerm } from '../core/sli/index.js';
import type { Range } from './exclusions.js';
import type { TermSeries } from './term-series.js';

export interface Counts {
  readonly good: number;
  readonly total: number;
}

/** A term's events over [from, to) at evaluation time `now`, less the excluded ranges. */
export function rangeEvents(kept: TermSeries, from: number, to: number, now: number, excluded: readonly Range[]): number {
  let events = kept.sum(from, to, now);
  for (const [start, end] of excluded) {
    const clippedStart = Math.max(start, from);
    const clippedEnd = Math.min(end, to);
    if (clippedEnd > clippedStart) events -= kept.sum(clippedStart, clippedEnd, now);
  }
  return events;
}

interface Coefficients {
  readonly keys: readonly string[];
  readonly good: Float64Array;
  readonly total: Float64Array;
}

const coefficientsCache = new WeakMap<object, Coefficients>();

/** Each distinct term once, with its sign in good and in total (good = total - bad reads the total term twice). */
function coefficientsOf(sli: { readonly good: readonly SignedTerm[]; readonly total: readonly SignedTerm[] }): Coefficients {
  let cached = coefficientsCache.get(sli);
  if (cached) return cached;
  const keys: string[] = [];
  const position = new Map<string, number>();
  const at = (key: string): number => {
    let index = position.get(key);
    if (index === undefined) {
      index = keys.length;
      keys.push(key);
      position.set(key, index);
    }
    return index;
  };
  for (const signed of [...sli.good, ...sli.total]) at(signed.term.key);
  const good = new Float64Array(keys.length);
  const total = new Float64Array(keys.length);
  for (const signed of sli.good) good[at(signed.term.key)]! += signed.sign;
  for (const signed of sli.total) total[at(signed.term.key)]! += signed.sign;
  cached = { keys, good, total };
  coefficientsCache.set(sli, cached);
  return cached;
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
  const { keys, good: goodSigns, total: totalSigns } = coefficientsOf(sli);
  let good = 0;
  let total = 0;
  for (let index = 0; index < keys.length; index++) {
    const kept = series.get(keys[index]!);
    if (!kept) continue;
    const events = excluded.length === 0 ? kept.sum(from, to, now) : rangeEvents(kept, from, to, now, excluded);
    good += goodSigns[index]! * events;
    total += totalSigns[index]! * events;
  }
  total = Math.max(0, total);
  return { good: Math.min(total, Math.max(0, good)), total };
}
