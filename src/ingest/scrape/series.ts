import type { IncomingSeries } from '../../core/index.js';
import type { Exposition, MetricType } from './parse.js';

const SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];
const HAS_CREATED: ReadonlySet<MetricType> = new Set(['counter', 'histogram', 'summary', 'gaugehistogram']);

function familyOf(name: string, types: Exposition['types']): { family: string; type: MetricType } {
  const direct = types.get(name);
  if (direct) return { family: name, type: direct };
  for (const suffix of SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const family = name.slice(0, -suffix.length);
    const type = types.get(family);
    if (type) return { family, type };
  }
  return { family: name, type: 'unknown' };
}

function streamKey(family: string, labels: readonly (readonly [string, string])[]): string {
  return `${family}\u0000${labels
    .filter(([name]) => name !== 'le' && name !== 'quantile')
    .map(([name, value]) => `${name}=${value}`)
    .sort()
    .join('\u0000')}`;
}

/**
 * A scraped exposition as series, the way Prometheus stores a scrape: `job` and `instance` added (a target's own
 * `job`/`instance` kept as `exported_job`/`exported_instance`), the scrape time for samples without a timestamp,
 * gauges marked as levels. OpenMetrics `_created` samples are not series: they become the start time of their
 * counter, histogram or summary (so a restart with a new start time reads as a reset).
 */
export function expositionToSeries(exposition: Exposition, target: { job: string; instance: string }, scrapeTimeMs: number, wantsMetric: (name: string) => boolean): IncomingSeries[] {
  const created = new Map<string, number>();
  for (const sample of exposition.samples) {
    if (!sample.name.endsWith('_created')) continue;
    const { family, type } = familyOf(sample.name, exposition.types);
    if (HAS_CREATED.has(type)) created.set(streamKey(family, sample.labels), sample.value * 1000);
  }
  const out: IncomingSeries[] = [];
  for (const sample of exposition.samples) {
    const { family, type } = familyOf(sample.name, exposition.types);
    if (sample.name.endsWith('_created') && HAS_CREATED.has(type)) continue;
    if (!wantsMetric(sample.name)) continue;
    const labels: Record<string, string> = {};
    for (const [name, value] of sample.labels) {
      if (value === '') continue;
      labels[name === 'job' || name === 'instance' ? `exported_${name}` : name] = value;
    }
    labels.__name__ = sample.name;
    labels.job = target.job;
    labels.instance = target.instance;
    const start = created.get(streamKey(family, sample.labels));
    out.push({
      labels,
      timestamps: [sample.timestampMs ?? scrapeTimeMs],
      values: [sample.value],
      ...(type === 'gauge' ? { temporality: 'gauge' as const } : {}),
      ...(start !== undefined && start > 0 ? { startTimeMs: start } : {}),
    });
  }
  return out;
}
