import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { ResolvedSli } from './counts.js';
import type { TermSeries } from './term-series.js';

/**
 * Minutes this close to now are counted afresh every tick: samples still land in them. Older minutes are counted
 * once and remembered, until a late sample changes one of them (the terms' running sums there move).
 */
const UNSETTLED_MINUTES = 2;

/** What one SLI's coverage remembers between ticks: hours and settled minutes with events, and what they were read at. */
interface CoverageMemo {
  firstHour: number;
  split: number;
  hoursCovered: number;
  /** Each term's coarse running sum at the split when the hours were counted. */
  readonly hoursAt: Float64Array;
  minutesFrom: number;
  minutesTo: number;
  minutesCovered: number;
  /** Each term's fine running sum at the last settled minute when the minutes were counted. */
  readonly minutesAt: Float64Array;
}

const memos = new WeakMap<ResolvedSli, CoverageMemo>();

/**
 * The share of a period that had events (SloStatus.coverage): minutes with events while the 1-minute buckets exist,
 * whole hours with events before that, over the period's length (a rolling window's duration; the elapsed part of a
 * calendar period). A budget worked out over two hours of a 30-day window thus reports 2 h / 30 d.
 *
 * Each tick costs the few newest minutes, not the period: counted hours and minutes are kept per SLI and counted
 * again only when the range they cover moves (the hour turns) or a late sample changes one of them (issue 21).
 */
export function coverageOf(sli: ResolvedSli, start: number, now: number, length: number): number {
  if (!(length > 0)) return 0;
  const totalSigns = sli.coefficients.total;
  const kept = sli.kept;
  let terms = 0;
  // Below the newest "oldest fine bucket" some term answers only in hours: the split is the hour after it, as in sum().
  let fineStart = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < kept.length; index++) {
    const term = kept[index];
    if (!term || totalSigns[index] === 0) continue;
    terms++;
    const oldest = term.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : term.fine.oldest() * FINE_BUCKET_MS;
    fineStart = Math.max(fineStart, oldest);
  }
  if (terms === 0) return 0;
  const split = Math.min(now, Math.max(start, Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS));
  const firstHour = Math.ceil(start / COARSE_BUCKET_MS);
  const splitHour = Math.ceil(split / COARSE_BUCKET_MS);
  let memo = memos.get(sli);
  if (!memo) {
    memo = { firstHour: Number.NaN, split: Number.NaN, hoursCovered: 0, hoursAt: new Float64Array(kept.length), minutesFrom: Number.NaN, minutesTo: Number.NaN, minutesCovered: 0, minutesAt: new Float64Array(kept.length) };
    memos.set(sli, memo);
  }
  // A bucket belongs to the period when it starts in [start, now), as window sums count it.
  if (memo.firstHour !== firstHour || memo.split !== split || !sameRunningSums(sli, memo.hoursAt, (term) => term.coarse.cumulative(splitHour - 1))) {
    let covered = 0;
    for (let hour = firstHour; hour * COARSE_BUCKET_MS < split; hour++) if (eventsIn(sli, (term) => term.coarse.bucket(hour)) > 0) covered += COARSE_BUCKET_MS;
    memo.firstHour = firstHour;
    memo.split = split;
    memo.hoursCovered = covered;
    recordRunningSums(sli, memo.hoursAt, (term) => term.coarse.cumulative(splitHour - 1));
  }
  const fromMinute = Math.ceil(split / FINE_BUCKET_MS);
  const endMinute = Math.ceil(now / FINE_BUCKET_MS);
  const settled = Math.max(fromMinute, endMinute - UNSETTLED_MINUTES);
  if (memo.minutesFrom !== fromMinute || !(memo.minutesTo <= settled) || !sameRunningSums(sli, memo.minutesAt, (term) => term.fine.cumulative(memo.minutesTo - 1))) {
    memo.minutesFrom = fromMinute;
    memo.minutesTo = fromMinute;
    memo.minutesCovered = 0;
  }
  memo.minutesCovered += minutesWithEvents(sli, memo.minutesTo, settled);
  memo.minutesTo = settled;
  recordRunningSums(sli, memo.minutesAt, (term) => term.fine.cumulative(settled - 1));
  const covered = memo.hoursCovered + memo.minutesCovered + minutesWithEvents(sli, settled, endMinute);
  return Math.min(1, covered / length);
}

/** Minutes in [from, to) whose total events are positive, in milliseconds. */
function minutesWithEvents(sli: ResolvedSli, from: number, to: number): number {
  let covered = 0;
  for (let minute = from; minute < to; minute++) if (eventsIn(sli, (term) => term.fine.bucket(minute)) > 0) covered += FINE_BUCKET_MS;
  return covered;
}

/** The SLI's total events in one bucket, read from each of its terms by `read`. */
function eventsIn(sli: ResolvedSli, read: (term: TermSeries) => number): number {
  const totalSigns = sli.coefficients.total;
  let total = 0;
  for (let index = 0; index < sli.kept.length; index++) {
    const term = sli.kept[index];
    const sign = totalSigns[index]!;
    if (term && sign !== 0) total += sign * read(term);
  }
  return total;
}

function sameRunningSums(sli: ResolvedSli, recorded: Float64Array, read: (term: TermSeries) => number): boolean {
  for (let index = 0; index < sli.kept.length; index++) {
    const term = sli.kept[index];
    if (term && read(term) !== recorded[index]) return false;
  }
  return true;
}

function recordRunningSums(sli: ResolvedSli, into: Float64Array, read: (term: TermSeries) => number): void {
  for (let index = 0; index < sli.kept.length; index++) {
    const term = sli.kept[index];
    into[index] = term ? read(term) : 0;
  }
}
