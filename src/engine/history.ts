import type { DurationMs, EngineStore, HistoryPoint, SignedTerm, Window } from '../core/index.js';
import { COARSE_BUCKET_MS, FINE_BUCKET_MS, formatDuration } from '../core/index.js';
import { periodRange, statusOf } from './core-math.js';
import type { Counts } from './counts.js';
import { sliCounts } from './counts.js';
import type { Exclusions, Range } from './exclusions.js';
import type { ObjectivePlan } from './plan.js';
import { sliTerms } from './plan.js';
import { sliceSides } from './slice-sides.js';
import { TermSeries } from './term-series.js';

export interface HistoryRequest {
  readonly from: number;
  readonly to: number;
  readonly step: number;
  /** The time the history is asked at: fine buckets exist from `now - fineKeep` on. */
  readonly now: number;
  readonly fineKeep: number;
}

/** The points of one history request and the stretch of buckets they read. */
export interface HistoryGrid {
  readonly request: HistoryRequest;
  readonly times: readonly number[];
  /** The earliest bucket any point reads: the start of its period or its longest window, an hour early. */
  readonly readFrom: number;
  /** The store keeps 1-minute rows from here on; older ones may already be pruned, so only hours answer before it. */
  readonly fineFloor: number;
  /** The shortest burn-rate window: the least a point looks back over to decide whether it has data. */
  readonly shortest: DurationMs;
}

/** The grid of a history over an objective's (or composite's) period and burn-rate windows. */
export function historyGrid(window: Window, windows: readonly DurationMs[], request: HistoryRequest): HistoryGrid {
  const { from, to, step } = request;
  const times: number[] = [];
  for (let t = from; t <= to; t += step) times.push(t);
  const longest = Math.max(...times.map((t) => t - periodRange(window, t).start), ...windows);
  const readFrom = Math.floor((from - longest) / COARSE_BUCKET_MS) * COARSE_BUCKET_MS - COARSE_BUCKET_MS;
  const fineFloor = Math.ceil((request.now - request.fineKeep) / FINE_BUCKET_MS) * FINE_BUCKET_MS;
  return { request, times, readFrom, fineFloor, shortest: windows[0] ?? 0 };
}

/** Where a point reads its figures: the bucket edge at or before it, and the bucket width it reads at. */
export interface PointInstant {
  readonly at: number;
  readonly resolution: number;
  /** The stretch before `at` with no events in which the point has no data (a gap). */
  readonly lookback: number;
}

/**
 * Minute resolution while the point's minute has fine buckets; hour resolution before that. The stretch a point looks
 * back over must lie within them too, or its start reads a partial hour as nothing. A scrape every few minutes is not
 * a gap: the stretch is at least the shortest window (5m for 30 days).
 */
export function pointInstant(grid: HistoryGrid, t: number): PointInstant {
  const { step } = grid.request;
  const fine = t - Math.max(step, grid.shortest) >= grid.fineFloor;
  const resolution = fine ? FINE_BUCKET_MS : COARSE_BUCKET_MS;
  return { at: Math.floor(t / resolution) * resolution, resolution, lookback: Math.max(step, resolution, grid.shortest) };
}

/** A point with every figure unknown: before the first data, or in a gap. */
export function emptyPoint(t: number, windows: readonly DurationMs[]): HistoryPoint {
  return { t, sli: null, budgetRemaining: null, burnRates: Object.fromEntries(windows.map((window) => [formatDuration(window), null])) };
}

/**
 * One objective's stored buckets over a history's stretch, read once, with its counts over any range in it: what the
 * live evaluation counts (decided slices for Timeslices, the objective's own exclusions left out).
 */
export class StoredCounts {
  private constructor(
    private readonly counted: { readonly good: readonly SignedTerm[]; readonly total: readonly SignedTerm[] },
    private readonly series: ReadonlyMap<string, TermSeries>,
    private readonly excluded: readonly Range[],
  ) {}

  /** Undefined when the objective has no terms of its own (no source): it has no history. */
  static read(plan: ObjectivePlan, store: EngineStore, exclusions: Exclusions, grid: HistoryGrid): StoredCounts | undefined {
    // Remote SLIs are pulled into synthetic terms, so they have history like ingested ones.
    const sli = sliTerms(plan);
    if (!sli) return undefined;
    const { readFrom, fineFloor } = grid;
    const { to } = grid.request;
    const counted = plan.slices ? sliceSides(plan.slices) : sli;
    const keys = new Set([...sli.good, ...sli.total, ...counted.good, ...counted.total].map((signed) => signed.term.key));
    const series = new Map<string, TermSeries>();
    for (const key of keys) series.set(key, TermSeries.fromStore(store, key, { readFrom, fineFloor, to }));
    // Timeslices: every figure comes from the decided slices, as in the live evaluation (which decided exclusions).
    const excluded = plan.slices ? [] : exclusions.ranges(plan.slo.name, readFrom, to);
    return new StoredCounts(counted, series, excluded);
  }

  counts(from: number, to: number): Counts {
    return sliCounts(this.counted, this.series, from, to, this.excluded);
  }

  /** Whether any event landed in the point's look-back stretch. */
  hasData(point: PointInstant): boolean {
    return this.counts(point.at - point.lookback, point.at).total > 0;
  }

  /** Counts over each window ending at the point; a window shorter than the resolution would be a share of one bucket, so it is left out (unknown). */
  windows(point: PointInstant, windows: readonly DurationMs[]): Map<DurationMs, Counts> {
    const out = new Map<DurationMs, Counts>();
    for (const window of windows) if (window >= point.resolution) out.set(window, this.counts(point.at - window, point.at));
    return out;
  }
}

/**
 * Timeslices count a slice only once the first evaluation after its end has decided it, so the newest slice a point
 * can see is one slice and up to an evaluation interval old: looking back one slice further keeps a point between a
 * slice's end and its decision (the first seconds of every minute, for 1-minute slices) from reading as a gap. This
 * holds while `evaluationInterval` (30 s by default) is at most the slice width.
 */
function sliceLagged(point: PointInstant, plan: ObjectivePlan): PointInstant {
  return plan.slices ? { ...point, lookback: point.lookback + plan.slices.width } : point;
}

/**
 * An objective's SLI, budget remaining and burn rates at each step in [from, to]: what the engine answered at that
 * instant, from the buckets that held only data up to it. While the 1-minute buckets still exist, a point is the
 * answer at its minute (t rounded down to the minute); beyond them, at its hour, and windows shorter than an hour are
 * then null rather than a share of an hour bucket. A point before the first data, or with no events in the stretch
 * before it (its step, at least the shortest burn-rate window and its resolution), has null figures: the UI draws a gap
 * there. Samples that arrived late (redelivered, backfilled) count at their own time, as they do in every window.
 */
export function historyOf(plan: ObjectivePlan, store: EngineStore, exclusions: Exclusions, request: HistoryRequest): HistoryPoint[] {
  const grid = historyGrid(plan.slo.window, plan.windows, request);
  const stored = StoredCounts.read(plan, store, exclusions, grid);
  return grid.times.map((t) => {
    const point = sliceLagged(pointInstant(grid, t), plan);
    if (!stored?.hasData(point)) return emptyPoint(t, plan.windows);
    const period = periodRange(plan.slo.window, point.at);
    const status = statusOf(plan, { period: stored.counts(period.start, period.end), windows: stored.windows(point, plan.windows) }, point.at);
    return { t, sli: status.sli, budgetRemaining: status.errorBudget.remaining, burnRates: status.burnRates };
  });
}
