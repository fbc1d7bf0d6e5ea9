import type { IncomingSeries } from '../../core/index.js';
import { rejectSamples } from '../decoded.js';
import type { DecodeStats } from '../decoded.js';
import { formatBound } from '../../core/index.js';
import type { Attributes, ExponentialHistogramPoint, HistogramPoint, OtlpMetric, OtlpRequest, PointBase, SummaryPoint } from './model.js';
import { FLAG_NO_RECORDED_VALUE, TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from './model.js';
import { prometheusLabelName, prometheusMetricName } from './naming.js';
import type { MetricKind } from './naming.js';

export interface ConvertOptions {
  wantsMetric(name: string): boolean;
  /** The `le` bounds SLIs read for a `_bucket` metric: where exponential histograms are exposed. */
  bucketBounds(bucketMetric: string): readonly number[];
}

/**
 * Turns OTLP metrics into series named as Prometheus's OTLP receiver names them, so one PromQL selector serves both
 * protocols. Only metrics an SLI reads get label sets. `stats` counts data points (as samples), unmatched and refused.
 */
export function otlpToSeries(request: OtlpRequest, options: ConvertOptions, stats: DecodeStats): IncomingSeries[] {
  const out: IncomingSeries[] = [];
  for (const { resource, metrics } of request.resourceMetrics) {
    const target = targetLabels(resource);
    for (const metric of metrics) {
      stats.series++;
      stats.samples += metric.points.length;
      convertMetric(metric, target, options, stats, out);
    }
  }
  return out;
}

/** `job` from service.namespace/service.name, `instance` from service.instance.id, as Prometheus derives them. */
function targetLabels(resource: Attributes): Record<string, string> {
  const find = (key: string) => resource.find(([name]) => name === key)?.[1];
  const serviceName = find('service.name');
  const namespace = find('service.namespace');
  const instance = find('service.instance.id');
  const labels: Record<string, string> = {};
  if (serviceName !== undefined) labels.job = namespace ? `${namespace}/${serviceName}` : serviceName;
  if (instance !== undefined) labels.instance = instance;
  return labels;
}

function kindOf(metric: OtlpMetric): MetricKind {
  switch (metric.type) {
    case 'sum':
      return metric.monotonic ? 'counter' : 'updown';
    case 'histogram':
    case 'exponential_histogram':
      return 'histogram';
    case 'summary':
      return 'summary';
    default:
      return 'gauge';
  }
}

/** Point attributes as labels (sanitised; keys that collide once sanitised join their values with `;`), then the target's. */
function pointLabels(name: string, attributes: Attributes, target: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  const sorted = attributes.length > 1 ? [...attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : attributes;
  for (const [key, value] of sorted) {
    const label = prometheusLabelName(key);
    if (label === '' || value === '') continue;
    labels[label] = labels[label] === undefined ? value : `${labels[label]};${value}`;
  }
  Object.assign(labels, target);
  labels.__name__ = name;
  return labels;
}

function convertMetric(metric: OtlpMetric, target: Record<string, string>, options: ConvertOptions, stats: DecodeStats, out: IncomingSeries[]): void {
  if (metric.type === 'empty') return;
  const base = prometheusMetricName(metric.name, metric.unit, kindOf(metric));
  if (base === '') {
    rejectSamples(stats, metric.points.length, `metric "${metric.name}" has no usable name`);
    return;
  }
  const names = metric.type === 'histogram' || metric.type === 'exponential_histogram' ? [`${base}_bucket`, `${base}_count`, `${base}_sum`] : metric.type === 'summary' ? [base, `${base}_count`, `${base}_sum`] : [base];
  if (!names.some((name) => options.wantsMetric(name))) {
    stats.unmatched += metric.points.length;
    return;
  }
  const temporality = 'temporality' in metric ? metric.temporality : TEMPORALITY_CUMULATIVE;
  if (metric.type !== 'gauge' && metric.type !== 'summary' && temporality !== TEMPORALITY_CUMULATIVE && temporality !== TEMPORALITY_DELTA) {
    rejectSamples(stats, metric.points.length, `metric ${metric.name}: aggregation temporality unspecified`);
    return;
  }
  const delta = temporality === TEMPORALITY_DELTA;
  if (metric.type === 'sum' && !metric.monotonic && delta) {
    rejectSamples(stats, metric.points.length, `metric ${metric.name}: non-monotonic delta sums are not supported`);
    return;
  }
  const emit = (name: string, labels: Record<string, string>, point: PointBase, value: number, kind: 'counter' | 'gauge') => {
    if (!options.wantsMetric(name)) return;
    labels.__name__ = name;
    out.push({
      labels,
      timestamps: [point.timeMs],
      values: [value],
      ...(kind === 'gauge' ? { temporality: 'gauge' as const } : delta ? { temporality: 'delta' as const } : {}),
      ...(kind === 'counter' && !delta && point.startMs > 0 ? { startTimeMs: point.startMs } : {}),
    });
  };

  for (const point of metric.points) {
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
    if (point.timeMs <= 0) {
      rejectSamples(stats, 1, `metric ${metric.name}: a data point without time_unix_nano`);
      continue;
    }
    const labels = () => pointLabels(base, point.attributes, target);
    switch (metric.type) {
      case 'gauge':
      case 'sum': {
        const value = (point as { value: number | undefined }).value;
        if (value === undefined) {
          rejectSamples(stats, 1, `metric ${metric.name}: a data point without a value`);
          continue;
        }
        emit(base, labels(), point, value, metric.type === 'sum' && metric.monotonic ? 'counter' : 'gauge');
        break;
      }
      case 'histogram': {
        const histogram = point as HistogramPoint;
        const { bucketCounts, explicitBounds } = histogram;
        if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
          rejectSamples(stats, 1, `metric ${metric.name}: ${bucketCounts.length} bucket counts for ${explicitBounds.length} bounds`);
          continue;
        }
        if (options.wantsMetric(`${base}_bucket`) && bucketCounts.length > 0) {
          let cumulative = 0;
          for (let i = 0; i < explicitBounds.length; i++) {
            cumulative += bucketCounts[i]!;
            emit(`${base}_bucket`, { ...labels(), le: formatBound(explicitBounds[i]!) }, point, cumulative, 'counter');
          }
          emit(`${base}_bucket`, { ...labels(), le: '+Inf' }, point, histogram.count, 'counter');
        }
        emit(`${base}_count`, labels(), point, histogram.count, 'counter');
        if (histogram.sum !== undefined) emit(`${base}_sum`, labels(), point, histogram.sum, 'counter');
        break;
      }
      case 'exponential_histogram': {
        const histogram = point as ExponentialHistogramPoint;
        if (options.wantsMetric(`${base}_bucket`)) {
          for (const bound of options.bucketBounds(`${base}_bucket`)) {
            if (!(bound >= 0) || bound === Infinity) continue;
            emit(`${base}_bucket`, { ...labels(), le: formatBound(bound) }, point, exponentialCountAtMost(histogram, bound), 'counter');
          }
          emit(`${base}_bucket`, { ...labels(), le: '+Inf' }, point, histogram.count, 'counter');
        }
        emit(`${base}_count`, labels(), point, histogram.count, 'counter');
        if (histogram.sum !== undefined) emit(`${base}_sum`, labels(), point, histogram.sum, 'counter');
        break;
      }
      case 'summary': {
        const summary = point as SummaryPoint;
        for (const [quantile, value] of summary.quantiles) emit(base, { ...labels(), quantile: formatBound(quantile) }, point, value, 'gauge');
        emit(`${base}_count`, labels(), point, summary.count, 'counter');
        emit(`${base}_sum`, labels(), point, summary.sum, 'counter');
        break;
      }
    }
  }
}

/**
 * Observations of an exponential histogram at or below `threshold` (≥ 0): the zero bucket, every negative bucket, and
 * the positive buckets up to and including the one that contains the threshold. The threshold is thus rounded up to
 * the upper boundary of its bucket (at most 2^(2^-scale) - 1 above it, about 9 % at scale 3), which keeps the
 * estimate monotonic as a cumulative stream downscales (coarser buckets only move that boundary up), so it never
 * looks like a counter reset.
 */
export function exponentialCountAtMost(point: ExponentialHistogramPoint, threshold: number): number {
  let total = point.zeroCount;
  for (const count of point.negative.counts) total += count;
  const { offset, counts } = point.positive;
  if (counts.length === 0) return total;
  // Bucket index i holds (base^i, base^(i+1)] with base = 2^(2^-scale); the threshold lies in bucket ceil(log_base(t)) - 1.
  const perDoubling = 2 ** point.scale;
  const containing = threshold <= 0 ? Number.NEGATIVE_INFINITY : Math.ceil(Math.log2(threshold) * perDoubling - 1e-9) - 1;
  for (let k = 0; k < counts.length; k++) {
    if (offset + k > containing) break;
    total += counts[k]!;
  }
  return total;
}
