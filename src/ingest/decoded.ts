import type { EncodedSeriesIndex, IncomingSeries, KnownSamples } from '../core/index.js';

/** What a decoder found in one request, beside the series it kept. */
export interface DecodeStats {
  /** Series in the request. */
  series: number;
  /** Float samples in the request (every series, kept or not). */
  samples: number;
  /** Samples of metrics no SLI reads: dropped before their labels were built. */
  unmatched: number;
  /** Samples refused with the reason (bad labels, missing values); counted, the rest of the request goes on. */
  invalid: number;
  /** The first reasons samples were refused, for the response and the log. */
  invalidReasons: string[];
  /** Native histogram samples in the request (read where an SLI reads the histogram, else accepted and dropped). */
  histograms: number;
  /** Native histogram samples refused (an unsupported schema, buckets that do not fit their spans). */
  invalidHistograms: number;
  exemplars: number;
  metadata: number;
}

export interface DecodedBatch {
  /** Only the series some SLI may need, with their labels. */
  readonly series: IncomingSeries[];
  /** Samples of series the appender already knows (found by their encoded labels), without labels. */
  readonly known?: KnownSamples;
  readonly stats: DecodeStats;
}

export interface DecodeOptions {
  /** The engine's pre-filter: false means no SLI reads this metric. */
  wantsMetric(name: string): boolean;
  /** A request with more series than this is refused with 413. */
  readonly maxSeries: number;
  /**
   * The finite `le` bounds SLIs read for a `_bucket` metric: native histograms become `_bucket` series at these bounds
   * (interpolated). Without it a native histogram gives only its `+Inf` bucket, `_count` and `_sum`.
   */
  bucketBounds?(bucketMetric: string): readonly number[];
  /**
   * The appender's index of series by encoded labels (remote write 1.0): a series found there is neither labelled nor
   * keyed again, and one it knows no SLI reads is dropped at the cost of a hash. Without it every series is labelled.
   */
  readonly encodedSeries?: EncodedSeriesIndex;
}

export function emptyStats(): DecodeStats {
  return { series: 0, samples: 0, unmatched: 0, invalid: 0, invalidReasons: [], histograms: 0, invalidHistograms: 0, exemplars: 0, metadata: 0 };
}

const MAX_REASONS = 5;

export function rejectSamples(stats: DecodeStats, count: number, reason: string): void {
  stats.invalid += count;
  if (stats.invalidReasons.length < MAX_REASONS && !stats.invalidReasons.includes(reason)) stats.invalidReasons.push(reason);
}
