import type { DurationMs, SignedTerm } from '../core/index.js';
import type { Range } from './exclusions.js';
import type { TermSeries } from './term-series.js';

export interface Counts {
  readonly good: number;
  readonly total: number;
}

/** A term's events over [from, to), less the excluded ranges. */
export function rangeEvents(kept: TermSeries, from: number, to: number, excluded: readonly Range[]): number {
  let events = kept.sum(from, to);
  for (const [start, end] of excluded) {
    const clippedStart = Math.max(start, from);
    const clippedEnd = Math.min(end, to);
    if (clippedEnd > clippedStart) events -= kept.sum(clippedStart, clippedEnd);
  }
  return events;
}

interface Coefficients {
  readonly keys: readonly string[];
  readonly good: Float64Array;
  readonly total: Float64Array;
}

const coefficientsCache = new WeakMap<object, Coefficients>();

/**
 * Sign columns by their text (`good|total`), shared by every SLI of the same shape: SLOs written from one template
 * (good = total - bad) all have the same signs, so 100,000 of them hold one pair instead of 200,000 typed arrays
 * (issue 21: creating a typed array costs ~2 us, a tenth of a second per 50,000 at restart). Bounded: past
 * MAX_SHAPES distinct shapes the columns are simply not shared.
 */
const sharedSigns = new Map<string, { readonly good: Float64Array; readonly total: Float64Array }>();
const MAX_SHAPES = 1024;

/** The last shape asked for: SLOs of one template come in a row, so most lookups are this compare, not a key. */
let lastSigns: { readonly good: Float64Array; readonly total: Float64Array } | undefined;

/** The shared sign columns equal to `good` and `total` (see sharedSigns). */
function signsOf(good: readonly number[], total: readonly number[]): { readonly good: Float64Array; readonly total: Float64Array } {
  if (lastSigns && sameColumn(lastSigns.good, good) && sameColumn(lastSigns.total, total)) return lastSigns;
  const shape = `${good.join(',')}|${total.join(',')}`;
  let signs = sharedSigns.get(shape);
  if (!signs) {
    signs = { good: Float64Array.from(good), total: Float64Array.from(total) };
    if (sharedSigns.size < MAX_SHAPES) sharedSigns.set(shape, signs);
  }
  lastSigns = signs;
  return signs;
}

function sameColumn(kept: Float64Array, asked: readonly number[]): boolean {
  if (kept.length !== asked.length) return false;
  for (let index = 0; index < kept.length; index++) if (kept[index] !== asked[index]) return false;
  return true;
}

/** Each distinct term once, with its sign in good and in total (good = total - bad reads the total term twice). */
function coefficientsOf(sli: SliTerms): Coefficients {
  let cached = coefficientsCache.get(sli);
  if (cached) return cached;
  const keys: string[] = [];
  // An SLI has a handful of terms: a linear search beats building a Map per SLI.
  const at = (key: string): number => {
    let index = keys.indexOf(key);
    if (index < 0) {
      index = keys.length;
      keys.push(key);
    }
    return index;
  };
  for (const signed of sli.good) at(signed.term.key);
  for (const signed of sli.total) at(signed.term.key);
  const good = new Array<number>(keys.length).fill(0);
  const total = new Array<number>(keys.length).fill(0);
  for (const signed of sli.good) good[at(signed.term.key)]! += signed.sign;
  for (const signed of sli.total) total[at(signed.term.key)]! += signed.sign;
  const signs = signsOf(good, total);
  cached = { keys, good: signs.good, total: signs.total };
  coefficientsCache.set(sli, cached);
  return cached;
}

type SliTerms = { readonly good: readonly SignedTerm[]; readonly total: readonly SignedTerm[] };

/**
 * Good and total events of an SLI over [from, to). Interpolated edges and bad-event subtraction can leave good a hair
 * outside [0, total]; it is clamped there, since neither more good than total nor negative events can be meant.
 */
export function sliCounts(sli: SliTerms, series: ReadonlyMap<string, TermSeries>, from: number, to: number, excluded: readonly Range[]): Counts {
  const coefficients = coefficientsOf(sli);
  return countsOf(coefficients, resolve(coefficients, series), from, to, excluded);
}

/** An SLI's distinct terms and their signs, with the series that hold them: looked up once, read every tick. */
export interface ResolvedSli {
  readonly coefficients: Coefficients;
  readonly kept: readonly (TermSeries | undefined)[];
}

/** Resolves an SLI's terms in `series`; the result stays valid while the map keeps the same series for those keys. */
export function resolveSli(sli: SliTerms, series: ReadonlyMap<string, TermSeries>): ResolvedSli {
  const coefficients = coefficientsOf(sli);
  return { coefficients, kept: resolve(coefficients, series) };
}

/** `sliCounts` over [from, to) of an SLI resolved once. */
export function resolvedCounts(sli: ResolvedSli, from: number, to: number, excluded: readonly Range[]): Counts {
  return countsOf(sli.coefficients, sli.kept, from, to, excluded);
}

/** `sliCounts` over each window ending at `now` ([now - window, now)), keyed by the window. */
export function windowCounts(sli: ResolvedSli, windows: readonly DurationMs[], now: number, excluded: readonly Range[]): Map<DurationMs, Counts> {
  const counts = new Map<DurationMs, Counts>();
  if (excluded.length > 0) {
    for (const window of windows) counts.set(window, countsOf(sli.coefficients, sli.kept, now - window, now, excluded));
    return counts;
  }
  // Term by term over every window (each term's shared reads made once), adding up in the same order as countsOf.
  const { good: goodSigns, total: totalSigns } = sli.coefficients;
  if (scratch.events.length < windows.length) scratch = { events: new Float64Array(windows.length), good: new Float64Array(windows.length), total: new Float64Array(windows.length) };
  const { events, good, total } = scratch;
  good.fill(0, 0, windows.length);
  total.fill(0, 0, windows.length);
  for (let index = 0; index < sli.kept.length; index++) {
    const term = sli.kept[index];
    if (!term) continue;
    term.sumsToNow(windows, now, events);
    const goodSign = goodSigns[index]!;
    const totalSign = totalSigns[index]!;
    for (let window = 0; window < windows.length; window++) {
      good[window]! += goodSign * events[window]!;
      total[window]! += totalSign * events[window]!;
    }
  }
  for (let window = 0; window < windows.length; window++) {
    const windowTotal = Math.max(0, total[window]!);
    counts.set(windows[window]!, { good: Math.min(windowTotal, Math.max(0, good[window]!)), total: windowTotal });
  }
  return counts;
}

/** Working arrays for windowCounts, grown to the most windows an objective has; reused so a tick allocates none. */
let scratch = { events: new Float64Array(8), good: new Float64Array(8), total: new Float64Array(8) };

function resolve(coefficients: Coefficients, series: ReadonlyMap<string, TermSeries>): (TermSeries | undefined)[] {
  const kept = new Array<TermSeries | undefined>(coefficients.keys.length);
  for (let index = 0; index < kept.length; index++) kept[index] = series.get(coefficients.keys[index]!);
  return kept;
}

function countsOf(coefficients: Coefficients, kept: readonly (TermSeries | undefined)[], from: number, to: number, excluded: readonly Range[]): Counts {
  const { good: goodSigns, total: totalSigns } = coefficients;
  let good = 0;
  let total = 0;
  for (let index = 0; index < kept.length; index++) {
    const term = kept[index];
    if (!term) continue;
    const events = excluded.length === 0 ? term.sum(from, to) : rangeEvents(term, from, to, excluded);
    good += goodSigns[index]! * events;
    total += totalSigns[index]! * events;
  }
  total = Math.max(0, total);
  return { good: Math.min(total, Math.max(0, good)), total };
}
