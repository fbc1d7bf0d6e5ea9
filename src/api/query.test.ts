import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { SloStatus, StatusReader } from '../core/index.js';
import { errorResponse } from './errors.js';
import { queryRoutes } from './query.js';

function status(name: string, service: string, overrides: Partial<SloStatus> = {}): SloStatus {
  return {
    name,
    slo: name,
    objectiveKey: 'main',
    service,
    objective: 0.999,
    window: '30d',
    budgetingMethod: 'Occurrences',
    sli: 0.9995,
    events: { good: 9995, total: 10_000 },
    errorBudget: { total: 0.001, consumed: 0.5, remaining: 0.5 },
    coverage: 1,
    burnRates: { '5m': 2, '1h': 0.5 },
    alerts: [{ tier: 'page-fast', severity: 'page', state: 'inactive', longWindow: '1h', shortWindow: '5m', burnRateThreshold: 14.4, longBurnRate: 0.5, shortBurnRate: 2 }],
    timeToExhaustion: null,
    status: 'ok',
    labels: { team: 'shop' },
    evaluatedAt: '2026-11-26T12:00:00.000Z',
    ...overrides,
  };
}

const statuses = [
  status('checkout-availability', 'checkout'),
  status('checkout-latency', 'checkout', { errorBudget: { total: 0.001, consumed: 1.2, remaining: -0.2 }, burnRates: { '5m': 20, '1h': 16 } }),
  status('api-availability', 'api', { errorBudget: { total: 0.001, consumed: 0.1, remaining: 0.9 } }),
];
const reader: StatusReader = { latest: () => statuses, get: (name) => statuses.find((candidate) => candidate.name === name) };
const NOW = Date.UTC(2026, 10, 26, 12);

function app(): Hono {
  const root = new Hono();
  root.onError(errorResponse);
  root.route('/', queryRoutes(reader, () => NOW));
  return root;
}

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}
interface QueryBody {
  status: string;
  error?: string;
  errorType?: string;
  data: { resultType: string; result: Series[] };
}

async function query(text: string, extra = ''): Promise<{ status: number; body: QueryBody }> {
  const response = await app().request(`/api/v1/query?query=${encodeURIComponent(text)}${extra}`);
  return { status: response.status, body: (await response.json()) as QueryBody };
}

describe('GET /api/v1/query', () => {
  it('answers a selector with matchers in Prometheus\'s vector shape', async () => {
    const { status: code, body } = await query('slo:period_error_budget_remaining:ratio{slo_service="checkout"}');
    expect(code).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toEqual([
      { metric: { __name__: 'slo:period_error_budget_remaining:ratio', team: 'shop', slo_id: 'checkout-checkout-availability', slo_service: 'checkout', slo_name: 'checkout-availability' }, value: [NOW / 1000, '0.5'] },
      { metric: { __name__: 'slo:period_error_budget_remaining:ratio', team: 'shop', slo_id: 'checkout-checkout-latency', slo_service: 'checkout', slo_name: 'checkout-latency' }, value: [NOW / 1000, '-0.2'] },
    ]);
  });

  it('aggregates by a label and filters with a comparison', async () => {
    const min = await query('min by (slo_service) (slo:period_error_budget_remaining:ratio)');
    expect(min.body.data.result).toEqual([
      { metric: { slo_service: 'checkout' }, value: [NOW / 1000, '-0.2'] },
      { metric: { slo_service: 'api' }, value: [NOW / 1000, '0.9'] },
    ]);
    const burning = await query('slo:burn_rate:ratio{slo_window="1h"} > 14.4');
    expect(burning.body.data.result.map((series: Series) => [series.metric.slo_name, series.value[1]])).toEqual([['checkout-latency', '16']]);
    const flags = await query('slo:burn_rate:ratio{slo_window="1h"} > bool 14.4');
    expect(flags.body.data.result.map((series: Series) => [series.metric.__name__, series.value[1]])).toEqual([
      [undefined, '0'],
      [undefined, '1'],
      [undefined, '0'],
    ]);
    const count = await query('count(slo:objective:ratio)');
    expect(count.body.data.result).toEqual([{ metric: {}, value: [NOW / 1000, '3'] }]);
    const avg = await query('avg without (slo_id, slo_name, team) (slo:period_error_budget_remaining:ratio{slo_name=~"checkout-.*"})');
    expect(avg.body.data.result).toEqual([{ metric: { slo_service: 'checkout' }, value: [NOW / 1000, '0.15'] }]);
    const arithmetic = await query('1 - slo:period_sli:ratio{slo_name="api-availability"}');
    expect(Number(arithmetic.body.data.result[0]!.value[1])).toBeCloseTo(0.0005, 12);
  });

  it('takes POST form bodies and a time, and answers an unknown metric with an empty vector', async () => {
    const response = await app().request('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'sum(slo:objective:ratio{slo_service="api"})', time: '1764158400' }).toString(),
    });
    expect(await response.json()).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1764158400, '0.999'] }] } });
    expect((await query('nothing_here')).body.data.result).toEqual([]);
  });

  it("answers bad queries with Prometheus's error shape", async () => {
    for (const bad of ['sum(', 'slo:objective:ratio{slo_name=}', 'rate(x[5m])', '', 'slo:objective:ratio > slo:objective:ratio', '{slo_name=""}']) {
      const { status: code, body } = await query(bad);
      expect(code).toBe(400);
      expect(body).toMatchObject({ status: 'error', errorType: 'bad_data' });
      expect(body.error).toMatch(/^invalid parameter "query"/);
    }
    expect((await query('slo:objective:ratio', '&time=yesterday')).body.error).toMatch(/invalid parameter "time"/);
  });
});
