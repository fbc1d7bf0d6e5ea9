/**
 * A grouped SLO through the read API (routes answered by `app.request`, over a real engine and store): the groups
 * route, one group's history by `group.LABEL=VALUE`, and the per-group series of /metrics, each figure checked against
 * the counts sent.
 */
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { errorResponse, groupRoutes, historyRoutes, queryRoutes, readRoutes, registerSloMetrics } from '../../src/api/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import { MINUTE } from '../../src/core/index.js';
import { harness, makeSlo, specsOf } from './fixtures.js';

const START = Date.UTC(2026, 10, 20);
/** Error ratio per route: /v1/orders at 5 %, /v1/search at 1 %, the others clean. */
const ROUTES: Readonly<Record<string, number>> = { '/v1/orders': 0.05, '/v1/items': 0, '/v1/cart': 0, '/v1/search': 0.01 };
const PER_MINUTE = 1000;
const MINUTES = 60;

function requests(counts: Map<string, { ok: number; errors: number }>, t: number, routes: readonly string[]): IncomingSeries[] {
  return routes.flatMap((route) => {
    const count = counts.get(route) ?? { ok: 0, errors: 0 };
    const bad = Math.round(PER_MINUTE * (ROUTES[route] ?? 0));
    count.ok += PER_MINUTE - bad;
    count.errors += bad;
    counts.set(route, count);
    return [
      { labels: { __name__: 'http_requests_total', job: 'api', route, code: '200' }, timestamps: [t], values: [count.ok] },
      { labels: { __name__: 'http_requests_total', job: 'api', route, code: '500' }, timestamps: [t], values: [count.errors] },
    ];
  });
}

async function served() {
  // maxGroups 3: the fourth route seen is counted as overflow, never tracked nor merged.
  const slo = { ...makeSlo({ target: 0.99 }), groupBy: ['route'], maxGroups: 3 };
  const h = harness(specsOf(slo), START);
  const counts = new Map<string, { ok: number; errors: number }>();
  for (let minute = 0; minute <= MINUTES; minute++) {
    const t = START + minute * MINUTE;
    h.clock.now = t;
    h.engine.append(requests(counts, t, Object.keys(ROUTES)), 'remote_write');
    if (minute % 5 === 0) await h.engine.evaluate(t);
  }
  const app = new Hono();
  app.onError(errorResponse);
  const clock = () => h.clock.now;
  for (const routes of [readRoutes(h.engine), groupRoutes(h.engine), historyRoutes(h.engine, clock, h.engine), queryRoutes(h.engine, clock)]) app.route('/', routes);
  const registry = new Registry();
  registerSloMetrics(registry, h.engine);
  return { ...h, app, registry, counts };
}

describe('grouped SLOs through the read API', () => {
  it('lists the groups least budget first, each with its own figures; the overflow is counted on the aggregate', async () => {
    const { app } = await served();
    const response = await app.request('/api/v1/slos/api-availability/groups');
    expect(response.status).toBe(200);
    const groups = ((await response.json()) as { data: SloStatus[] }).data;
    // Routes are admitted in the order first seen; the fourth (/v1/search) is past maxGroups.
    expect(groups.map((group) => group.group)).toEqual([{ route: '/v1/orders' }, { route: '/v1/cart' }, { route: '/v1/items' }]);
    // The oracle: 60 minutes after the zero sample, 50 of 1000 bad per minute; against 99 % that is 5 budgets.
    const orders = groups[0]!;
    expect(orders.events.total).toBeCloseTo(PER_MINUTE * MINUTES, 6);
    expect(orders.sli).toBeCloseTo(0.95, 9);
    expect(orders.errorBudget.remaining).toBeCloseTo(1 - 0.05 / 0.01, 9);
    expect(orders.status).toBe('exhausted');
    expect(groups[1]!.sli).toBe(1);
    expect(groups[1]!.errorBudget.remaining).toBe(1);
    const aggregate = (await (await app.request('/api/v1/slos/api-availability')).json()) as SloStatus;
    expect(aggregate).toMatchObject({ groupCount: 3, groupsOverflow: 1 });
    // The aggregate is every series, overflow included: (50 + 0 + 0 + 10) bad of 4000 a minute.
    expect(aggregate.sli).toBeCloseTo(1 - 60 / 4000, 9);
    expect(aggregate.worstGroups?.[0]).toEqual({ group: { route: '/v1/orders' }, budgetRemaining: expect.closeTo(-4, 9), status: 'exhausted' });
    expect((await app.request('/api/v1/slos/nope/groups')).status).toBe(404);
  });

  it('serves one group\'s history by group.LABEL=VALUE, refusing labels that are not the groupBy and unknown groups', async () => {
    const { app } = await served();
    const end = (START + MINUTES * MINUTE) / 1000;
    const path = `/api/v1/slos/api-availability/history?from=${end - 600}&to=${end}&step=300`;
    const orders = await app.request(`${path}&group.route=${encodeURIComponent('/v1/orders')}`);
    expect(orders.status).toBe(200);
    const body = (await orders.json()) as { data: { group: Record<string, string>; points: { sli: number | null; burnRates: Record<string, number | null> }[] } };
    expect(body.data.group).toEqual({ route: '/v1/orders' });
    expect(body.data.points).toHaveLength(3);
    for (const point of body.data.points) {
      expect(point.sli).toBeCloseTo(0.95, 9);
      expect(point.burnRates['1h']).toBeCloseTo(5, 9);
    }
    const clean = (await (await app.request(`${path}&group.route=${encodeURIComponent('/v1/items')}`)).json()) as typeof body;
    expect(clean.data.points.map((point) => point.sli)).toEqual([1, 1, 1]);
    // The aggregate's history is unchanged by groups.
    const whole = (await (await app.request(path)).json()) as typeof body;
    expect(whole.data.points.at(-1)?.sli).toBeCloseTo(1 - 60 / 4000, 9);

    const wrongLabel = await app.request(`${path}&group.path=/v1/orders`);
    expect(wrongLabel.status).toBe(400);
    expect(((await wrongLabel.json()) as { error: { message: string } }).error.message).toMatch(/grouped by route.*not path/);
    const twice = await app.request(`${path}&group.route=/a&group.route=/b`);
    expect(twice.status).toBe(400);
    const overflowed = await app.request(`${path}&group.route=${encodeURIComponent('/v1/search')}`);
    expect(overflowed.status).toBe(404);
    expect(((await overflowed.json()) as { error: { message: string } }).error.message).toBe('SLO api-availability has no group {route="/v1/search"}');
  });

  it('exposes each group\'s figures with its labels, the group count and the overflow on /metrics and the query API', async () => {
    const { registry, app } = await served();
    const text = await registry.metrics();
    const line = (prefix: string, ...parts: string[]) => text.split('\n').find((candidate) => candidate.startsWith(prefix) && parts.every((part) => candidate.includes(part)));
    const value = (found: string | undefined) => (found === undefined ? undefined : Number(found.slice(found.lastIndexOf(' ') + 1)));
    expect(value(line('sloe_slo_groups{', 'slo_name="api-availability"'))).toBe(3);
    expect(value(line('sloe_slo_groups_overflow{', 'slo_name="api-availability"'))).toBe(1);
    expect(value(line('slo:period_error_budget_remaining:ratio{', 'route="/v1/orders"'))).toBeCloseTo(-4, 9);
    expect(value(line('slo:period_sli:ratio{', 'route="/v1/items"'))).toBe(1);
    // The overflowing route has no series of its own; the aggregate's has no route label.
    expect(line('slo:period_sli:ratio{', 'route="/v1/search"')).toBeUndefined();
    const aggregate = text.split('\n').filter((candidate) => candidate.startsWith('slo:period_sli:ratio{') && !candidate.includes('route='));
    expect(aggregate).toHaveLength(1);
    const query = await app.request(`/api/v1/query?query=${encodeURIComponent('slo:period_error_budget_remaining:ratio{route="/v1/orders"}')}`);
    const result = ((await query.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    expect(result).toHaveLength(1);
    expect(Number(result[0]!.value[1])).toBeCloseTo(-4, 9);
  });
});
