import type { IncomingSeries } from '../core/index.js';
import { formatBound } from '../core/index.js';

/**
 * One sample of a native (sparse, exponential) histogram as Prometheus models it: bucket `index` of `schema` s holds
 * (base^(index-1), base^index] with base = 2^(2^-s) (negative buckets the mirror image), and the zero bucket holds
 * [-zeroThreshold, zeroThreshold]. Counts are absolute (delta encodings are resolved by the decoders).
 */
export interface NativeHistogram {
  readonly count: number;
  readonly sum: number;
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  /** Bucket indexes in ascending order, with their counts. */
  readonly positiveIndexes: readonly number[];
  readonly positiveCounts: readonly number[];
  readonly negativeIndexes: readonly number[];
  readonly negativeCounts: readonly number[];
}

/** The exponential schemas Prometheus defines (custom-bucket schema -53 is not one of them). */
export function isExponentialSchema(schema: number): boolean {
  return Number.isInteger(schema) && schema >= -4 && schema <= 8;
}

/** Upper bound of positive bucket `index` in `schema`: base^index = 2^(index · 2^-schema). */
export function bucketUpperBound(schema: number, index: number): number {
  return 2 ** (index / 2 ** schema);
}

/**
 * How many observations lie at or below `x`, interpolated within the bucket that contains `x` the way Prometheus's
 * `histogram_fraction` does (2.42's linear interpolation): buckets are walked from the most negative up, a bucket
 * whose lower bound is at or above `x` ends the walk, and a bucket `x` falls inside contributes the share of its
 * count that lies below `x`. As in Prometheus, a zero bucket in a histogram with only positive buckets is taken as
 * [0, zeroThreshold] (and as [-zeroThreshold, 0] with only negative ones), so `histogram_fraction(0, t, ...)` keeps it.
 * `histogram_fraction(lower, upper, h)` is `(rankAtMost(h, upper) - rankAtMost(h, lower)) / h.count`.
 */
export function rankAtMost(histogram: NativeHistogram, x: number): number {
  const { schema, negativeIndexes, negativeCounts, positiveIndexes, positiveCounts } = histogram;
  if (Number.isNaN(x)) return Number.NaN;
  let rank = 0;
  // Negative buckets, most negative first: index i holds [-base^i, -base^(i-1)).
  for (let k = negativeIndexes.length - 1; k >= 0; k--) {
    const index = negativeIndexes[k]!;
    const step = visit(-bucketUpperBound(schema, index), -bucketUpperBound(schema, index - 1), negativeCounts[k]!, x, rank);
    if (step.done) return Math.min(step.rank, histogram.count);
    rank = step.rank;
  }
  if (histogram.zeroCount > 0) {
    let lower = -histogram.zeroThreshold;
    let upper = histogram.zeroThreshold;
    if (lower < 0 && upper > 0) {
      if (negativeIndexes.length === 0 && positiveIndexes.length > 0) lower = 0;
      else if (positiveIndexes.length === 0 && negativeIndexes.length > 0) upper = 0;
    }
    const step = visit(lower, upper, histogram.zeroCount, x, rank);
    if (step.done) return Math.min(step.rank, histogram.count);
    rank = step.rank;
  }
  for (let k = 0; k < positiveIndexes.length; k++) {
    const index = positiveIndexes[k]!;
    const step = visit(bucketUpperBound(schema, index - 1), bucketUpperBound(schema, index), positiveCounts[k]!, x, rank);
    if (step.done) return Math.min(step.rank, histogram.count);
    rank = step.rank;
  }
  return histogram.count;
}

// One reusable result: rankAtMost runs per sample and bound on the ingest path.
const stepResult = { done: false, rank: 0 };

function visit(lower: number, upper: number, count: number, x: number, rank: number): { done: boolean; rank: number } {
  stepResult.done = true;
  if (lower >= x) stepResult.rank = rank;
  else if (upper > x) stepResult.rank = rank + (count * (x - lower)) / (upper - lower);
  else {
    stepResult.done = false;
    stepResult.rank = rank + count;
  }
  return stepResult;
}

/** Prometheus's `histogram_fraction(lower, upper, h)`: NaN for an empty histogram, 0 when lower >= upper. */
export function histogramFraction(histogram: NativeHistogram, lower: number, upper: number): number {
  if (histogram.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  return (rankAtMost(histogram, upper) - rankAtMost(histogram, lower)) / histogram.count;
}

/** Buckets given as spans (`offset` from the previous span's end; the first from 0) and counts in span order. */
export function expandSpans(spans: readonly { offset: number; length: number }[], counts: readonly number[]): { indexes: number[]; counts: number[] } | string {
  const indexes: number[] = [];
  let index = 0;
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s]!;
    index += span.offset;
    for (let k = 0; k < span.length; k++) indexes.push(index++);
  }
  if (indexes.length !== counts.length) return `${counts.length} bucket counts for spans of ${indexes.length} buckets`;
  return { indexes, counts: [...counts] };
}

/** Delta-encoded integer counts (each relative to the previous bucket, across spans) as absolute counts. */
export function undelta(deltas: readonly number[]): number[] {
  const counts = new Array<number>(deltas.length);
  let current = 0;
  for (let k = 0; k < deltas.length; k++) counts[k] = current += deltas[k]!;
  return counts;
}

/** A native histogram series: its labels (with `__name__`), and per sample the time, histogram and start time (0: none). */
export interface NativeHistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamps: readonly number[];
  readonly histograms: readonly NativeHistogram[];
  readonly startTimesMs?: readonly number[];
}

export interface NativeExposure {
  wantsMetric(name: string): boolean;
  /** The finite `le` bounds SLIs read for a `_bucket` metric. */
  bucketBounds(bucketMetric: string): readonly number[];
}

/**
 * A native histogram series as the classic series the engine's terms read: `NAME_bucket{le}` at every bound an SLI
 * reads (the interpolated rank, a cumulative count like a classic bucket's), `NAME_bucket{le="+Inf"}`, `NAME_count`
 * and `NAME_sum`, each only when some SLI reads that metric. So a latency SLI (`NAME_bucket` at a threshold) and
 * `histogram_fraction(lower, upper, sum(rate(NAME[w])))` read a native histogram at any threshold: the increase of an
 * interpolated rank over a window is the interpolated rank of the window's increase, as Prometheus computes it.
 */
export function nativeHistogramSeries(series: NativeHistogramSeries, exposure: NativeExposure, out: IncomingSeries[]): void {
  const name = series.labels.__name__;
  if (name === undefined) return;
  const start = series.startTimesMs;
  const startFields = start !== undefined && start.some((t) => t > 0) ? { startTimesMs: start, startTimeMs: start.find((t) => t > 0)! } : {};
  const emit = (metric: string, extra: Record<string, string>, value: (histogram: NativeHistogram) => number): void => {
    out.push({ labels: { ...series.labels, ...extra, __name__: metric }, timestamps: series.timestamps, values: series.histograms.map(value), ...startFields });
  };
  const bucketMetric = `${name}_bucket`;
  if (exposure.wantsMetric(bucketMetric)) {
    for (const bound of exposure.bucketBounds(bucketMetric)) {
      if (!Number.isFinite(bound)) continue;
      emit(bucketMetric, { le: formatBound(bound) }, (histogram) => rankAtMost(histogram, bound));
    }
    emit(bucketMetric, { le: '+Inf' }, (histogram) => histogram.count);
  }
  if (exposure.wantsMetric(`${name}_count`)) emit(`${name}_count`, {}, (histogram) => histogram.count);
  if (exposure.wantsMetric(`${name}_sum`)) emit(`${name}_sum`, {}, (histogram) => histogram.sum);
}

/** Whether any SLI reads a native histogram of this name (through its `_bucket`, `_count` or `_sum`). */
export function wantsNative(name: string, wantsMetric: (name: string) => boolean): boolean {
  return wantsMetric(`${name}_bucket`) || wantsMetric(`${name}_count`) || wantsMetric(`${name}_sum`);
}
