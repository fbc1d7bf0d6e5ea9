import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestSeries } from './request-series.js';

const NAMES = { requests: 'sloe_http_requests_total', duration: 'sloe_http_request_duration_seconds' };
const HELP = { requests: 'HTTP requests by method, route pattern and status code.', duration: 'HTTP request latency by method and route pattern.' };
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01];

/** Requests as (method, route, status, seconds), with latencies on, between and beyond the bucket bounds. */
const REQUESTS: readonly (readonly [string, string, number, number])[] = [
  ['GET', '/api/v1/gates/:service', 200, 0.0003],
  ['GET', '/api/v1/gates/:service', 200, 0.0005],
  ['GET', '/api/v1/gates/:service', 200, 0.0026],
  ['GET', '/api/v1/gates/:service', 404, 0.02],
  ['POST', '/api/v1/write', 204, 0.001],
  ['POST', '/api/v1/write', 429, 0.0099],
  ['GET', '/api/v1/gates/:service', 200, 0.01],
];

describe('RequestSeries', () => {
  it("renders exactly what prom-client's own Counter and Histogram render for the same requests", async () => {
    const ours = new Registry();
    const series = new RequestSeries(ours, NAMES, HELP, BUCKETS);
    // The oracle: prom-client's classes fed the same requests one call at a time.
    const theirs = new Registry();
    const counter = new Counter({ name: NAMES.requests, help: HELP.requests, labelNames: ['method', 'route', 'code'], registers: [theirs] });
    const histogram = new Histogram({ name: NAMES.duration, help: HELP.duration, labelNames: ['method', 'route'], buckets: BUCKETS, registers: [theirs] });
    const bound = new Map<string, (seconds: number) => void>();
    for (const [method, route, status, seconds] of REQUESTS) {
      const key = `${method} ${route} ${status}`;
      const record = bound.get(key) ?? series.bind(method, route, status);
      bound.set(key, record);
      record(seconds);
      counter.inc({ method, route, code: String(status) });
      histogram.observe({ method, route }, seconds);
    }
    const rendered = await ours.metrics();
    expect(rendered).toBe(await theirs.metrics());
    // And the figures themselves, counted by hand from REQUESTS: 5 gate answers, of which 2 at or under 0.5 ms.
    expect(rendered).toContain('sloe_http_requests_total{method="GET",route="/api/v1/gates/:service",code="200"} 4');
    expect(rendered).toContain('sloe_http_request_duration_seconds_bucket{le="0.0005",method="GET",route="/api/v1/gates/:service"} 2');
    expect(rendered).toContain('sloe_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/v1/gates/:service"} 4');
    expect(rendered).toContain('sloe_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/gates/:service"} 5');
    expect(rendered).toContain('sloe_http_request_duration_seconds_count{method="POST",route="/api/v1/write"} 2');
    // get() as prom-client's Histogram gives it (labels splayed), which the registry's JSON and tests read; prom-client
    // adds an empty `exemplar` field to each value, which exemplar-less series leave out.
    const withoutExemplars = (json: unknown): unknown => JSON.parse(JSON.stringify(json, (key, value: unknown) => (key === 'exemplar' ? undefined : value)));
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it('binding the same series twice writes into one tally', async () => {
    const registry = new Registry();
    const series = new RequestSeries(registry, NAMES, HELP, BUCKETS);
    series.bind('GET', '/metrics', 200)(0.001);
    series.bind('GET', '/metrics', 200)(0.001);
    expect(await registry.metrics()).toContain('sloe_http_requests_total{method="GET",route="/metrics",code="200"} 2');
  });

  it('refuses buckets that are not increasing', () => {
    expect(() => new RequestSeries(new Registry(), NAMES, HELP, [0.01, 0.001])).toThrow(/increasing/);
  });
});
