import type { IncomingSeries } from '../../core/index.js';
import { rejectSamples } from '../decoded.js';
import type { DecodeStats } from '../decoded.js';
import { formatBound } from '../../core/index.js';
import type { Attributes, ExponentialHistogramPoint, HistogramPoint, OtlpMetric, OtlpRequest, PointBase, SummaryPoint } from './model.js';
import { FLAG_NO_RECORDED_VALUE, TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA } from './model.js';
import { prometheusLabelName, prometheusMetricName } from './naming.js';
import { rankAtMost } from '../native-histogram.js';
import type { NativeHistogram } from '../native-histogram.js';
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
          const native = nativeOf(histogram);
          for (const bound of options.bucketBounds(`${base}_bucket`)) {
            if (!Number.isFinite(bound)) continue;
            emit(`${base}_bucket`, { ...labels(), le: formatBound(bound) }, point, rankAtMost(native, bound), 'counter');
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
 * Observations of an exponential histogram at or below `threshold`, interpolated within the bucket that contains it
 * the way Prometheus's `histogram_fraction` does (see native-histogram.ts). OTLP bucket i holds (base^i, base^(i+1)],
 * which is Prometheus's bucket i + 1.
 */
export function exponentialCountAtMost(point: ExponentialHistogramPoint, threshold: number): number {
  return rankAtMost(nativeOf(point), threshold);
}

function nativeOf(point: ExponentialHistogramPoint): NativeHistogram {
  const indexes = (buckets: ExponentialHistogramPoint['positive']) => buckets.counts.map((_, k) => buckets.offset + k + 1);
  return {
    count: point.count,
    sum: point.sum ?? 0,
    schema: point.scale,
    zeroThreshold: point.zeroThreshold,
    zeroCount: point.zeroCount,
    positiveIndexes: indexes(point.positive),
    positiveCounts: point.positive.counts,
    negativeIndexes: indexes(point.negative),
    negativeCounts: point.negative.counts,
  };
}
