import { setImmediate as nextTurn } from 'node:timers/promises';
import { Registry } from 'prom-client';

/**
 * What prom-client's registry reads of a metric: `getForPromString()` when it has one (histograms: labels not yet
 * splayed), else `get()`; and its formatter of one metric, `getMetricsAsString` (a Registry method since prom-client
 * 11, left out of its type declarations), which accepts anything with a `get()`.
 */
interface ReadableMetric {
  get(): unknown;
  getForPromString?: () => unknown;
}
interface MetricFormatter {
  getMetricsAsString(metric: { get(): Promise<unknown> }): Promise<string>;
}

/**
 * The registry's exposition, `registry.metrics()` byte for byte, rendered one metric per turn of the event loop.
 *
 * Why: /metrics holds every SLO figure (a family per `slo:*` name, a line per SLO and window), and prom-client renders
 * the whole registry in one synchronous stretch (its per-metric promises resolve without waiting on anything). With
 * a few hundred SLOs that stretch was among the longest blocks a gate answer could wait behind, and the daemon's own
 * self-scrape asks for it every interval (bench/gate/NOTES.md). Most of that time is formatting (labels escaped and
 * joined), so every metric is read first, in one stretch as before (the SLO families then all read the same
 * evaluation, and the request counters the same moment), and the formatting, one family per turn, yields between
 * families so requests that arrived meanwhile are answered; the longest block becomes one family's formatting.
 *
 * Only the Prometheus text format is rendered so; a registry set to OpenMetrics is rendered by prom-client at once.
 */
export async function renderMetricsIncrementally(registry: Registry): Promise<string> {
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return registry.metrics();
  const formatter = registry as unknown as MetricFormatter;
  const read = await Promise.all(
    (registry.getMetricsAsArray() as unknown as ReadableMetric[]).map(async (metric) => structuredSnapshot(await (metric.getForPromString ?? metric.get).call(metric))),
  );
  const families: string[] = [];
  for (const snapshot of read) {
    await nextTurn();
    families.push(await formatter.getMetricsAsString({ get: () => Promise.resolve(snapshot) }));
  }
  // registry.metrics()'s own layout for the text format: families apart by a blank line, a newline at the end.
  return `${families.join('\n\n')}\n`;
}

/**
 * A metric as read, kept from later writes: prom-client's counters and gauges hand out their live value objects,
 * which a request answered between two formatting turns would otherwise change under the render.
 */
function structuredSnapshot(metric: unknown): unknown {
  if (typeof metric !== 'object' || metric === null || !('values' in metric) || !Array.isArray(metric.values)) return metric;
  return { ...metric, values: metric.values.map((value: unknown) => (typeof value === 'object' && value !== null ? { ...value } : value)) };
}
