import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { renderMetricsIncrementally } from './render-metrics.js';
import { RequestSeries } from './request-series.js';

/** A registry with every kind the daemon's has: counters, a gauge read at scrape time, a histogram, the request series. */
function filledRegistry() {
  const registry = new Registry();
  const counter = new Counter({ name: 'sloe_test_total', help: 'Counted "things"\\n.', labelNames: ['kind'], registers: [registry] });
  counter.inc({ kind: 'a "quoted" \\ value' }, 3);
  counter.inc({ kind: 'b' });
  new Gauge({ name: 'sloe_test_gauge', help: 'Read when scraped.', registers: [registry], collect() { this.set(42); } });
  const histogram = new Histogram({ name: 'sloe_test_seconds', help: 'Latency.', labelNames: ['route'], buckets: [0.1, 1], registers: [registry] });
  histogram.observe({ route: '/x' }, 0.5);
  histogram.observe({ route: '/y' }, 2);
  const requests = new RequestSeries(registry, { requests: 'sloe_http_requests_total', duration: 'sloe_http_request_duration_seconds' }, { requests: 'Requests.', duration: 'Latency.' }, [0.001, 0.01]);
  requests.bind('GET', '/api/v1/gates/:service', 200)(0.002);
  return { registry, counter };
}

describe('renderMetricsIncrementally', () => {
  it("gives registry.metrics()'s exposition byte for byte", async () => {
    const { registry } = filledRegistry();
    const whole = await registry.metrics();
    expect(whole).toContain('sloe_test_gauge 42');
    expect(await renderMetricsIncrementally(registry)).toBe(whole);
  });

  it('lets the event loop turn between metric families, and renders what it read at the start', async () => {
    const { registry, counter } = filledRegistry();
    const before = await registry.metrics();
    // Counts the event-loop turns the render spans; each turn also counts one more "thing", as a request answered
    // during the render would.
    let turns = 0;
    let rendering = true;
    const turn = (): void => {
      if (!rendering) return;
      turns += 1;
      counter.inc({ kind: 'b' });
      setImmediate(turn);
    };
    setImmediate(turn);
    const rendered = await renderMetricsIncrementally(registry);
    rendering = false;
    // Five families (counter, gauge, histogram, the request counter and histogram): a turn before each.
    expect(turns).toBeGreaterThanOrEqual(4);
    // The writes made meanwhile are not in this render (it read every metric first); the next one has them.
    expect(rendered).toBe(before);
    expect(await registry.metrics()).toContain(`sloe_test_total{kind="b"} ${1 + turns}`);
  });

  it('leaves an OpenMetrics registry to prom-client', async () => {
    // prom-client's declarations bind a Registry to the text format; the daemon never switches, a caller could.
    const registry = new Registry();
    (registry as unknown as { setContentType(type: string): void }).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new Counter({ name: 'sloe_test', help: 'Counted.', registers: [registry] }).inc();
    expect(await renderMetricsIncrementally(registry)).toBe(await registry.metrics());
  });
});
