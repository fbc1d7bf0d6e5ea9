import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/core/index.js';
import { errorResponse, exclusionRoutes, historyRoutes, queryRoutes, readRoutes, registerSloMetrics } from '../../src/api/index.js';
import { TrafficGenerator, harness, makeSlo, specsOf } from './fixtures.js';

const START = Date.UTC(2026, 10, 20);

async function served() {
  const h = harness(specsOf(makeSlo({})), START);
  const traffic = new TrafficGenerator();
  // | time        | traffic                |
  // | 00:00-02:00 | 1000/min, clean        |
  // | 02:00-03:00 | 1000/min, 2 % errors   |
  for (let t = START; t <= START + 3 * HOUR; t += MINUTE) {
    h.clock.now = t;
    h.engine.append(traffic.minute(t, 1000, t > START + 2 * HOUR ? 0.02 : 0), 'remote_write');
    if (t % (5 * MINUTE) === 0) await h.engine.evaluate(t);
  }
  const app = new Hono();
  app.onError(errorResponse);
  const clock = () => h.clock.now;
  for (const routes of [readRoutes(h.engine), historyRoutes(h.engine, clock, h.engine), queryRoutes(h.engine, clock), exclusionRoutes(h.engine.exclusionAdmin(), clock)]) app.route('/', routes);
  return { ...h, app };
}

describe('read API over a running engine', () => {
  it('history: SLI, budget remaining and burn rates per step, from the stored buckets', async () => {
    const { app } = await served();
    const from = new Date(START + HOUR).toISOString();
    const to = new Date(START + 3 * HOUR).toISOString();
    const response = await app.request(`/api/v1/slos/api-availability/history?from=${from}&to=${to}&step=30m`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { name: string; points: { t: string; sli: number; budgetRemaining: number; burnRates: Record<string, number | null> }[] } };
    expect(body.data.name).toBe('api-availability');
    // | t     | events in the 30 days | bad   | SLI             | 1h burn |
    // | 01:00 | 60,000                | 0     | 1               | 0       |
    // | 02:00 | 120,000               | 0     | 1               | 0       |
    // | 02:30 | 150,000               | 600   | 1 - 600/150000  | 10      |
    // | 03:00 | 180,000               | 1,200 | 1 - 1200/180000 | 20      |
    expect(body.data.points.map((point) => point.t)).toEqual([1, 1.5, 2, 2.5, 3].map((hours) => new Date(START + hours * HOUR).toISOString()));
    const [at1, , at2, at25, at3] = body.data.points;
    expect(at1!.sli).toBe(1);
    expect(at2!.burnRates['1h']).toBe(0);
    expect(at25!.sli).toBeCloseTo(1 - 600 / 150_000, 9);
    expect(at25!.burnRates['1h']).toBeCloseTo(10, 9);
    expect(at3!.sli).toBeCloseTo(1 - 1200 / 180_000, 9);
    expect(at3!.budgetRemaining).toBeCloseTo(1 - 1200 / 180_000 / 0.001, 6);
    expect(at3!.burnRates['1h']).toBeCloseTo(20, 9);
    expect(at3!.burnRates['5m']).toBeCloseTo(20, 9);
  });

  it('history refuses more than 1000 points and unknown SLOs', async () => {
    const { app } = await served();
    const tooMany = await app.request(`/api/v1/slos/api-availability/history?from=${START / 1000}&to=${(START + 3 * HOUR) / 1000}&step=1s`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(/10801 points; at most 1000/);
    expect((await app.request('/api/v1/slos/nope/history')).status).toBe(404);
    expect((await app.request('/api/v1/slos/api-availability/history?from=soon')).status).toBe(400);
  });

  it('exclusions through the API change the next evaluation and are listed with who and why', async () => {
    const { app, engine, clock } = await served();
    const before = engine.get('api-availability')!;
    expect(before.events.good).toBeLessThan(before.events.total);
    const post = await app.request('/api/v1/exclusions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sloe-user': 'carol' },
      body: JSON.stringify({ slo: 'api-availability', start: new Date(START + 2 * HOUR).toISOString(), end: new Date(START + 3 * HOUR).toISOString(), reason: 'bad deploy, rolled back' }),
    });
    expect(post.status).toBe(201);
    const created = ((await post.json()) as { data: { id: string; createdBy: string } }).data;
    expect(created.createdBy).toBe('carol');
    await engine.evaluate(clock.now);
    const after = engine.get('api-availability')!;
    expect(after.events.good).toBe(after.events.total);
    const listed = (await (await app.request('/api/v1/exclusions?slo=api-availability')).json()) as { data: { id: string; reason: string }[] };
    expect(listed.data.map((record) => record.reason)).toEqual(['bad deploy, rolled back']);
    expect((await app.request(`/api/v1/exclusions/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await app.request(`/api/v1/exclusions/${created.id}`, { method: 'DELETE' })).status).toBe(404);
    const bad = await app.request('/api/v1/exclusions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slo: 'api-availability', start: 'x', end: 1, reason: 'r' }) });
    expect(bad.status).toBe(400);
    const unknownSlo = await app.request('/api/v1/exclusions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slo: 'nope', start: 1, end: 2, reason: 'r' }) });
    expect(unknownSlo.status).toBe(404);
  });

  it('/metrics collectors expose every SLO figure, and the instant query reads the same figures', async () => {
    const { app, engine } = await served();
    const registry = new Registry();
    registerSloMetrics(registry, engine);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE slo:period_error_budget_remaining:ratio gauge');
    const status = engine.get('api-availability')!;
    expect(text).toContain(`slo:period_error_budget_remaining:ratio{team="platform",slo_id="api-api-availability",slo_service="api",slo_name="api-availability"} ${status.errorBudget.remaining}`);
    expect(text).toMatch(/slo:burn_rate:ratio\{[^}]*slo_window="1h"\} (20|19\.9999\d*)\n/);
    // Coverage: three hours of data in a 30-day window (issue 13).
    expect(status.coverage).toBeCloseTo((3 * HOUR) / (30 * 86_400_000), 9);
    expect(text).toContain(`slo:coverage:ratio{team="platform",slo_id="api-api-availability",slo_service="api",slo_name="api-availability"} ${status.coverage}`);
    expect(text).toMatch(/slo:alert_firing:bool\{[^}]*severity="page",slo_tier="page-fast"\} 1/);
    const response = await app.request(`/api/v1/query?query=${encodeURIComponent('slo:alert_firing:bool{slo_tier="page-fast"} == 1')}`);
    const body = (await response.json()) as { data: { result: { metric: Record<string, string> }[] } };
    expect(body.data.result.map((series) => series.metric.slo_name)).toEqual(['api-availability']);
  });
});
