import { describe, expect, it } from 'vitest';
import { bucketUpperBound, expandSpans, histogramFraction, nativeHistogramSeries, rankAtMost, undelta } from './native-histogram.js';
import type { NativeHistogram } from './native-histogram.js';
import type { IncomingSeries } from '../core/index.js';

/** Schema 0 (base 2): bucket i holds (2^(i-1), 2^i]. */
const BASE2: NativeHistogram = {
  count: 20,
  sum: 30,
  schema: 0,
  zeroThreshold: 0.001,
  zeroCount: 2,
  // (0.5,1]=4, (1,2]=6, (4,8]=5 (index 2 is empty: (2,4])
  positiveIndexes: [0, 1, 3],
  positiveCounts: [4, 6, 5],
  // [-2,-1)=3
  negativeIndexes: [1],
  negativeCounts: [3],
};

describe('native histogram interpolation (histogram_fraction)', () => {
  it('bucket bounds follow the schema: base 2^(2^-schema)', () => {
    expect(bucketUpperBound(0, 3)).toBe(8);
    expect(bucketUpperBound(3, 8)).toBeCloseTo(2, 12);
    expect(bucketUpperBound(3, 1)).toBeCloseTo(2 ** 0.125, 12);
    expect(bucketUpperBound(-1, 2)).toBe(16);
  });

  it('interpolates linearly within the bucket holding the threshold', () => {
    // Below 1.5: the negative bucket 3, the zero bucket 2, (0.5,1] 4, half of (1,2]'s 6 → 3 + 2 + 4 + 3 = 12.
    expect(rankAtMost(BASE2, 1.5)).toBeCloseTo(12, 12);
    // 6 in (4,8]: 15 + 5·(6-4)/4 = 17.5.
    expect(rankAtMost(BASE2, 6)).toBeCloseTo(17.5, 12);
    // On a bucket's upper bound the whole bucket counts; in an empty bucket nothing more.
    expect(rankAtMost(BASE2, 2)).toBe(15);
    expect(rankAtMost(BASE2, 3)).toBe(15);
    // Beyond every bucket: the count.
    expect(rankAtMost(BASE2, 100)).toBe(20);
  });

  it('counts negative buckets below zero and splits the zero bucket at 0', () => {
    // With negative and positive buckets the zero bucket is [-0.001, 0.001]: half of it lies below 0.
    expect(rankAtMost(BASE2, 0)).toBeCloseTo(3 + 1, 12);
    // -1.5 in [-2,-1): 3·(-1.5 - -2)/1 = 1.5.
    expect(rankAtMost(BASE2, -1.5)).toBeCloseTo(1.5, 12);
    // histogram_fraction(0, 1.5): (12 - 4) / 20.
    expect(histogramFraction(BASE2, 0, 1.5)).toBeCloseTo(0.4, 12);
    expect(histogramFraction(BASE2, -Infinity, 1.5)).toBeCloseTo(0.6, 12);
    expect(histogramFraction(BASE2, 1.5, Infinity)).toBeCloseTo(0.4, 12);
  });

  it('with only positive buckets the zero bucket is [0, threshold], so fraction(0, t) keeps it whole', () => {
    const positive: NativeHistogram = { ...BASE2, count: 17, negativeIndexes: [], negativeCounts: [] };
    expect(rankAtMost(positive, 0)).toBe(0);
    // fraction(0, 1) = (2 + 4) / 17.
    expect(histogramFraction(positive, 0, 1)).toBeCloseTo(6 / 17, 12);
    // Inside the zero bucket: [0, 0.001] interpolated.
    expect(rankAtMost(positive, 0.0005)).toBeCloseTo(1, 12);
  });

  it('interpolates in a fine exponential schema (schema 3, base 2^(1/8))', () => {
    const base = 2 ** 0.125;
    // Bucket index 2 holds (base, base²]; 0.3 s observations land around index -14: (base^-14, base^-13].
    const histogram: NativeHistogram = { count: 10, sum: 3, schema: 3, zeroThreshold: 0, zeroCount: 0, positiveIndexes: [-14, -13], positiveCounts: [4, 6], negativeIndexes: [], negativeCounts: [] };
    const lower = base ** -14;
    const upper = base ** -13;
    const x = (lower + upper) / 2;
    expect(rankAtMost(histogram, x)).toBeCloseTo(4 + 6 * 0.5, 10);
    expect(histogramFraction(histogram, 0, upper)).toBeCloseTo(1, 12);
    expect(histogramFraction(histogram, 0, lower)).toBeCloseTo(0.4, 12);
  });

  it('an empty histogram has no fraction; lower >= upper is 0', () => {
    expect(histogramFraction({ ...BASE2, count: 0 }, 0, 1)).toBeNaN();
    expect(histogramFraction(BASE2, 1, 1)).toBe(0);
  });

  it('spans and deltas expand to absolute bucket counts', () => {
    // Spans: offset 2 length 2, gap 3 length 1 → indexes 2, 3, 7; deltas 4, +2, -5 → 4, 6, 1.
    expect(expandSpans([{ offset: 2, length: 2 }, { offset: 3, length: 1 }], undelta([4, 2, -5]))).toEqual({ indexes: [2, 3, 7], counts: [4, 6, 1] });
    expect(expandSpans([{ offset: 0, length: 2 }], [1])).toMatch(/1 bucket counts for spans of 2/);
  });

  it('becomes the _bucket series SLIs read, at their bounds, plus +Inf and _count', () => {
    const out: IncomingSeries[] = [];
    const wanted = new Set(['latency_seconds_bucket', 'latency_seconds_count']);
    nativeHistogramSeries(
      { labels: { __name__: 'latency_seconds', job: 'api' }, timestamps: [1000, 2000], histograms: [BASE2, { ...BASE2, count: 40, positiveCounts: [8, 12, 10], negativeCounts: [6], zeroCount: 4 }] },
      { wantsMetric: (name) => wanted.has(name), bucketBounds: (name) => (name === 'latency_seconds_bucket' ? [1.5] : []) },
      out,
    );
    expect(out.map((series) => [series.labels.__name__, series.labels.le, Array.from(series.values)])).toEqual([
      ['latency_seconds_bucket', '1.5', [12, 24]],
      ['latency_seconds_bucket', '+Inf', [20, 40]],
      ['latency_seconds_count', undefined, [20, 40]],
    ]);
    expect(out[0]?.labels.job).toBe('api');
  });
});
