import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { ResolvedSli } from './counts.js';
import type { TermSeries } from './term-series.js';

/**
 * Minutes this close to now are counted afresh every tick: samples still land in them. Older minutes are counted
 * once and remembered, until a late sample changes one of them (the terms' running sums there move).
 */
const UNSETTLED_MINUTES = 2;
const MINUTES_PER_HOUR = COARSE_BUCKET_MS / FINE_BUCKET_MS;

/**
 * What one SLI's coverage remembers between ticks: the hours with events in [firstHour, splitHour), the settled
 * minutes with events in [minutesFrom, minutesTo) (also per hour, so whole hours can leave the count when the
 * fine/coarse split moves on), and the running sums and ring loads they were read at.
 */
interface CoverageMemo {
  /** Sum of the terms' ring loads when counted: a reload re-bases the running sums, and nothing remembered holds. */
  loads: number;
  firstHour: number;
  splitHour: number;
  hours: number;
  /** Each term's coarse running sum at splitHour - 1 when the hours were counted. */
  readonly hoursAt: Float64Array;
  minutesFrom: number;
  minutesTo: number;
  minutes: number;
  /** Minutes with events per hour, from the hour of minutesFrom on; complete while `blocksComplete`. */
  readonly minuteBlocks: Uint8Array;
  blocksComplete: boolean;
  /** Each term's fine running sum at minutesTo - 1 when the minutes were counted. */
  readonly minutesAt: Float64Array;
}

const memos = new WeakMap<ResolvedSli, CoverageMemo>();

/**
 * The share of a period that had events (SloStatus.coverage): minutes with events while the 1-minute buckets exist,
 * whole hours with events before that, over the period's length (a rolling window's duration; the elapsed part of a
 * calendar period). A budget worked out over two hours of a 30-day window thus reports 2 h / 30 d.
 *
 * Each tick costs the few newest minutes, not the period (issue 21). What was counted is kept per SLI and moved
 * along with the period: when the period's first hour turns, that hour leaves the count; when the oldest minute
 * buckets go and the split between hours and minutes moves on an hour, that hour's minutes leave and the hour joins
 * the hours. Only a late sample into what was counted (the running sums there move) or a reload counts from scratch.
 * Every SLO's hour turns at the same tick, so counting the period again then made that tick cost 10 times the others.
 */
export function coverageOf(sli: ResolvedSli, start: number, now: number, length: number): number {
  if (!(length > 0)) return 0;
  const totalSigns = sli.coefficients.total;
  const kept = sli.kept;
  let terms = 0;
  let loads = 0;
  let longestFine = 0;
  // Below the newest "oldest fine bucket" some term answers only in hours: the split is the hour after it, as in sum().
  let fineStart = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < kept.length; index++) {
    const term = kept[index];
    if (!term) continue;
    loads += term.fine.loads + term.coarse.loads;
    if (totalSigns[index] === 0) continue;
    terms++;
    longestFine = Math.max(longestFine, term.fine.size);
    const oldest = term.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : term.fine.oldest() * FINE_BUCKET_MS;
    fineStart = Math.max(fineStart, oldest);
  }
  if (terms === 0) return 0;
  const split = Math.min(now, Math.max(start, Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS));
  // A bucket belongs to the period when it starts in [start, now), as window sums count it.
  const firstHour = Math.ceil(start / COARSE_BUCKET_MS);
  const splitHour = Math.ceil(split / COARSE_BUCKET_MS);
  let memo = memos.get(sli);
  if (!memo) {
    memo = {
      loads: Number.NaN,
      firstHour: Number.NaN,
      splitHour: Number.NaN,
      hours: 0,
      hoursAt: new Float64Array(kept.length),
      minutesFrom: Number.NaN,
      minutesTo: Number.NaN,
      minutes: 0,
      // The minutes span the fine buckets kept, plus the part hour before the split and the unsettled minutes.
      minuteBlocks: new Uint8Array(Math.ceil(longestFine / MINUTES_PER_HOUR) + 2),
      blocksComplete: true,
      minutesAt: new Float64Array(kept.length),
    };
    memos.set(sli, memo);
  }
  const reloaded = memo.loads !== loads;
  memo.loads = loads;
  countHours(sli, memo, firstHour, splitHour, reloaded);
  const fromMinute = Math.ceil(split / FINE_BUCKET_MS);
  const endMinute = Math.ceil(now / FINE_BUCKET_MS);
  const settled = Math.max(fromMinute, endMinute - UNSETTLED_MINUTES);
  countSettledMinutes(sli, memo, fromMinute, settled, reloaded);
  const covered = memo.hours * COARSE_BUCKET_MS + (memo.minutes + minutesWithEvents(sli, settled, endMinute, undefined)) * FINE_BUCKET_MS;
  return Math.min(1, covered / length);
}

/** Brings `memo.hours` to the hours with events in [firstHour, splitHour), moving the remembered count when it can. */
function countHours(sli: ResolvedSli, memo: CoverageMemo, firstHour: number, splitHour: number, reloaded: boolean): void {
  const slides =
    !reloaded &&
    memo.firstHour <= firstHour &&
    firstHour <= splitHour &&
    memo.splitHour <= splitHour &&
    firstHour <= memo.splitHour &&
    // The hours leaving must still be in every ring, to be read as they were counted.
    everyTotalTerm(sli, (term) => term.coarse.head === Number.NEGATIVE_INFINITY || memo.firstHour >= term.coarse.oldest()) &&
    sameRunningSums(sli, memo.hoursAt, (term) => term.coarse.cumulative(memo.splitHour - 1));
  if (slides) {
    memo.hours += hoursWithEvents(sli, memo.splitHour, splitHour) - hoursWithEvents(sli, memo.firstHour, firstHour);
  } else {
    memo.hours = hoursWithEvents(sli, firstHour, splitHour);
  }
  memo.firstHour = firstHour;
  memo.splitHour = splitHour;
  recordRunningSums(sli, memo.hoursAt, (term) => term.coarse.cumulative(splitHour - 1));
}

/**
 * Brings `memo.minutes` to the minutes with events in [fromMinute, settled): the newly settled minutes are added, and
 * when the split has moved on by whole hours, those hours' minutes (remembered per hour: their buckets may be gone
 * from the ring already) are taken out.
 */
function countSettledMinutes(sli: ResolvedSli, memo: CoverageMemo, fromMinute: number, settled: number, reloaded: boolean): void {
  const blocks = memo.minuteBlocks;
  let keeps =
    !reloaded &&
    memo.minutesFrom <= fromMinute &&
    fromMinute <= memo.minutesTo &&
    memo.minutesTo <= settled &&
    sameRunningSums(sli, memo.minutesAt, (term) => term.fine.cumulative(memo.minutesTo - 1));
  if (keeps && fromMinute !== memo.minutesFrom) {
    keeps = memo.blocksComplete && memo.minutesFrom % MINUTES_PER_HOUR === 0 && fromMinute % MINUTES_PER_HOUR === 0;
    if (keeps) {
      const dropped = (fromMinute - memo.minutesFrom) / MINUTES_PER_HOUR;
      for (let block = 0; block < Math.min(dropped, blocks.length); block++) memo.minutes -= blocks[block]!;
      blocks.copyWithin(0, Math.min(dropped, blocks.length));
      blocks.fill(0, Math.max(0, blocks.length - dropped));
      memo.minutesFrom = fromMinute;
    }
  }
  if (!keeps) {
    memo.minutesFrom = fromMinute;
    memo.minutesTo = fromMinute;
    memo.minutes = 0;
    memo.blocksComplete = true;
    blocks.fill(0);
  }
  memo.minutes += minutesWithEvents(sli, memo.minutesTo, settled, memo);
  memo.minutesTo = settled;
  recordRunningSums(sli, memo.minutesAt, (term) => term.fine.cumulative(settled - 1));
}

/** Hours in [from, to) whose total events are positive. */
function hoursWithEvents(sli: ResolvedSli, from: number, to: number): number {
  if (to <= from) return 0;
  const single = singleTotalTerm(sli);
  if (single) return single.term.coarse.countSigned(from, to, single.sign);
  let hours = 0;
  for (let hour = from; hour < to; hour++) if (eventsIn(sli, (term) => term.coarse.bucket(hour)) > 0) hours++;
  return hours;
}

/**
 * Minutes in [from, to) whose total events are positive; with `memo`, each is also counted in its hour's block. Read
 * an hour at a time, so the minutes of a one-term total are counted in one pass over the ring.
 */
function minutesWithEvents(sli: ResolvedSli, from: number, to: number, memo: CoverageMemo | undefined): number {
  const single = singleTotalTerm(sli);
  let minutes = 0;
  for (let chunk = from; chunk < to; ) {
    const hour = Math.floor(chunk / MINUTES_PER_HOUR);
    const chunkEnd = Math.min(to, (hour + 1) * MINUTES_PER_HOUR);
    let counted = 0;
    if (single) counted = single.term.fine.countSigned(chunk, chunkEnd, single.sign);
    else for (let minute = chunk; minute < chunkEnd; minute++) if (eventsIn(sli, (term) => term.fine.bucket(minute)) > 0) counted++;
    minutes += counted;
    if (memo && counted > 0) {
      const block = hour - Math.floor(memo.minutesFrom / MINUTES_PER_HOUR);
      if (block < memo.minuteBlocks.length) memo.minuteBlocks[block]! += counted;
      else memo.blocksComplete = false;
    }
    chunk = chunkEnd;
  }
  return minutes;
}

/** The one term an SLI's total reads, with its sign (most SLIs: `total` or `good + bad` read as one term). */
function singleTotalTerm(sli: ResolvedSli): { term: TermSeries; sign: number } | undefined {
  let found: { term: TermSeries; sign: number } | undefined;
  for (let index = 0; index < sli.kept.length; index++) {
    const sign = sli.coefficients.total[index]!;
    const term = sli.kept[index];
    if (sign === 0 || !term) continue;
    if (found) return undefined;
    found = { term, sign };
  }
  return found;
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

function everyTotalTerm(sli: ResolvedSli, test: (term: TermSeries) => boolean): boolean {
  for (let index = 0; index < sli.kept.length; index++) {
    const term = sli.kept[index];
    if (term && sli.coefficients.total[index] !== 0 && !test(term)) return false;
  }
  return true;
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
