import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/core/index.js';
import { errorResponse, queryRoutes, registerSloMetrics } from '../../src/api/index.js';
import { freePort } from '../helpers/ports.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { TrafficGenerator, harness, makeSlo, specsOf } from './fixtures.js';

/**
 * sloe's /api/v1/query against the real Prometheus: Prometheus scrapes the slo:* series sloe exposes on /metrics, and
 * the same queries must give the same series and values from both (Prometheus adds `job` and `instance`).
 */
const START = Date.UTC(2026, 10, 25);
let prometheus: PrometheusProcess;
let server: Server;
let app: Hono;

beforeAll(async () => {
  const slos = [makeSlo({ name: 'checkout-availability' }), { ...makeSlo({ name: 'search-availability', target: 0.99 }), service: 'search', labels: { team: 'search' } }];
  const { engine, clock } = harness(specsOf(...slos), START);
  const traffic = new TrafficGenerator();
  for (let t = START; t <= START + 90 * MINUTE; t += MINUTE) {
    clock.now = t;
    engine.append(traffic.minute(t, 1000, t > START + 60 * MINUTE ? 0.03 : 0.0005), 'remote_write');
    if (t % (5 * MINUTE) === 0) await engine.evaluate(t);
  }
  const registry = new Registry();
  registerSloMetrics(registry, engine);
  const port = await freePort();
  server = createServer((_request, response) => {
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  prometheus = await startPrometheus(`global: { scrape_interval: 1s }\nscrape_configs:\n  - { job_name: sloe, honor_labels: true, static_configs: [ { targets: ['127.0.0.1:${port}'] } ] }\n`);
  const deadline = Date.now() + 20_000;
  while ((await prometheus.query('slo:alert_firing:bool')).result.length === 0) {
    if (Date.now() > deadline) throw new Error(`Prometheus did not scrape sloe: ${prometheus.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  app = new Hono();
  app.onError(errorResponse);
  app.route('/', queryRoutes(engine, () => Date.now()));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

function normalise(result: { metric: Record<string, string>; value: [number, string] }[]): [string, number][] {
  return result
    .map((series): [string, number] => {
      const { job: _job, instance: _instance, ...labels } = series.metric;
      return [JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))), Number(series.value[1])];
    })
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('instant queries: sloe and Prometheus agree', () => {
  it.each([
    'slo:period_error_budget_remaining:ratio',
    'slo:burn_rate:ratio{slo_window=~"5m|1h"}',
    'slo:burn_rate:ratio{slo_window="1h"} > 14.4',
    'slo:burn_rate:ratio{slo_window="1h"} > bool 14.4',
    'min by (slo_service) (slo:period_error_budget_remaining:ratio)',
    'max without (slo_window) (slo:burn_rate:ratio)',
    'count(slo:objective:ratio)',
    'avg(slo:period_sli:ratio{slo_service!="search"})',
    '1 - slo:period_sli:ratio',
    'sum by (severity) (slo:alert_firing:bool)',
    'slo:objective:ratio{slo_name!~"checkout.*"} * 100',
  ])('%s', async (query) => {
    const ours = (await (await app.request(`/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    const theirs = await prometheus.query(query);
    expect(ours.status).toBe('success');
    expect(ours.data.resultType).toBe(theirs.resultType);
    const mine = normalise(ours.data.result);
    const reference = normalise(theirs.result);
    expect(mine.map(([labels]) => labels)).toEqual(reference.map(([labels]) => labels));
    mine.forEach(([, value], index) => expect(value).toBeCloseTo(reference[index]![1], 9));
    expect(mine.length).toBeGreaterThan(0);
  });
});
