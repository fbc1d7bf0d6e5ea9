/**
 * OTLP metrics as sloe reads them, the same whether they came as protobuf or JSON. Times are Unix milliseconds
 * (0 when absent); attribute values are already strings, formatted the way Prometheus's OTLP receiver formats them.
 */

export type Attributes = readonly (readonly [key: string, value: string])[];

export const TEMPORALITY_UNSPECIFIED = 0;
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks a series that stopped, it carries no value. */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface PointBase {
  readonly attributes: Attributes;
  readonly startMs: number;
  readonly timeMs: number;
  readonly flags: number;
}

export interface NumberPoint extends PointBase {
  /** Undefined when neither as_double nor as_int is set. */
  readonly value: number | undefined;
}

export interface HistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly bucketCounts: readonly number[];
  readonly explicitBounds: readonly number[];
}

export interface ExponentialBuckets {
  readonly offset: number;
  readonly counts: readonly number[];
}

export interface ExponentialHistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly scale: number;
  readonly zeroCount: number;
  readonly zeroThreshold: number;
  readonly positive: ExponentialBuckets;
  readonly negative: ExponentialBuckets;
}

export interface SummaryPoint extends PointBase {
  readonly count: number;
  readonly sum: number;
  readonly quantiles: readonly (readonly [quantile: number, value: number])[];
}

interface MetricBase {
  readonly name: string;
  readonly unit: string;
}

export type OtlpMetric =
  | (MetricBase & { readonly type: 'gauge'; readonly points: readonly NumberPoint[] })
  | (MetricBase & { readonly type: 'sum'; readonly temporality: number; readonly monotonic: boolean; readonly points: readonly NumberPoint[] })
  | (MetricBase & { readonly type: 'histogram'; readonly temporality: number; readonly points: readonly HistogramPoint[] })
  | (MetricBase & { readonly type: 'exponential_histogram'; readonly temporality: number; readonly points: readonly ExponentialHistogramPoint[] })
  | (MetricBase & { readonly type: 'summary'; readonly points: readonly SummaryPoint[] })
  /** A metric with no data field set: its points cannot be read. */
  | (MetricBase & { readonly type: 'empty'; readonly points: readonly never[] });

export interface OtlpResourceMetrics {
  readonly resource: Attributes;
  readonly metrics: readonly OtlpMetric[];
}

export interface OtlpRequest {
  readonly resourceMetrics: readonly OtlpResourceMetrics[];
}

/** Formats an attribute's double the way Go's strconv.FormatFloat(v, 'g', -1, 64) does for common values. */
export function formatAttributeDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Nanoseconds (as a number, exact enough for milliseconds) to Unix ms. */
export function nanosToMs(nanos: number): number {
  return Math.floor(nanos / 1e6);
}
