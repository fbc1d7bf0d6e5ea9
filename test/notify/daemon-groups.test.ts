import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import { MINUTE } from '../../src/core/index.js';
import type { SloStatus } from '../../src/core/index.js';
import { logSink, workspace } from '../app/daemon-fixture.js';
import { freePort } from '../helpers/ports.js';
import { startAlertmanager } from './alertmanager-process.js';
import { FakeServer, waitFor } from './fake-server.js';

/** One grouped SLO per label: orders by route (no cap), search by region (at most 3 groups). */
const SPECS = `apiVersion: sloe/v1
kind: SLO
metadata:
  name: orders
spec:
  service: shop
  window: 30d
  groupBy: [route]
  objectives:
    - targetPercent: 99.9
  sli:
    ratio:
      bad: sum(rate(req_total{job="orders",code=~"5.."}[{{.window}}]))
      total: sum(rate(req_total{job="orders"}[{{.window}}]))
  alerting:
    name: OrdersBurn
---
apiVersion: sloe/v1
kind: SLO
metadata:
  name: search
spec:
  service: shop
  window: 30d
  groupBy: [region]
  maxGroups: 3
  objectives:
    - targetPercent: 99.9
  sli:
    ratio:
      bad: sum(rate(req_total{job="search",code=~"5.."}[{{.window}}]))
      total: sum(rate(req_total{job="search"}[{{.window}}]))
  alerting:
    name: SearchBurn
`;

const OBJECTIVE = 0.999;

/** One series' raw samples as sent: (timestamp, cumulative value), and the increases they stand for. */
interface Series {
  readonly labels: Record<string, string>;
  value: number;
  readonly increases: { at: number; by: number }[];
}

/**
 * The traffic, kept as the raw samples sent, and the oracle over them: a counter's first sample is its baseline,
 * every later sample adds its difference, and a window (now - W, now] holds the increases of the samples in it.
 */
class Traffic {
  readonly series = new Map<string, Series>();

  /** One minute of `perMinute` requests for each group, `errorRatio` of them 5xx; returns the samples to append. */
  minute(at: number, job: string, label: string, groups: Readonly<Record<string, { perMinute: number; errorRatio: number }>>) {
    const out = [];
    for (const [value, { perMinute, errorRatio }] of Object.entries(groups)) {
      const bad = Math.round(perMinute * errorRatio);
      for (const [code, count] of [['200', perMinute - bad], ['500', bad]] as const) {
        const key = `${job}|${value}|${code}`;
        let series = this.series.get(key);
        if (!series) {
          series = { labels: { __name__: 'req_total', job, [label]: value, code }, value: 0, increases: [] };
          this.series.set(key, series);
        } else {
          series.increases.push({ at, by: count });
          series.value += count;
        }
        out.push({ labels: series.labels, timestamps: [at], values: [series.value] });
      }
    }
    return out;
  }

  /** Good and total events of `job` (of one group, when `group` is given) with samples in (from, to]. */
  events(job: string, from: number, to: number, group?: Readonly<Record<string, string>>): { good: number; total: number } {
    let good = 0;
    let total = 0;
    for (const series of this.series.values()) {
      if (series.labels.job !== job) continue;
      if (group && Object.entries(group).some(([name, value]) => series.labels[name] !== value)) continue;
      const sum = series.increases.filter((increase) => increase.at > from && increase.at <= to).reduce((acc, increase) => acc + increase.by, 0);
      total += sum;
      if (series.labels.code === '200') good += sum;
    }
    return { good, total };
  }

  /** Burn rate over the window: the bad share of its events over the allowed bad share. */
  burnRate(job: string, windowMs: number, now: number, group?: Readonly<Record<string, string>>): number {
    const { good, total } = this.events(job, now - windowMs, now, group);
    return (total - good) / total / (1 - OBJECTIVE);
  }
}

interface AmMessage {
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}
interface PdEvent {
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; custom_details: { group?: Record<string, string>; groups?: { group: Record<string, string> }[]; budget_remaining: number } };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function get<T>(daemon: Daemon, path: string): Promise<T> {
  const response = await fetch(`${daemon.url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describe('grouped SLOs page per group through the running daemon', () => {
  it('only the burning route pages and is named; the aggregate matches the raw samples; the cap counts the overflow; a flood is one message; a restart keeps it all', async () => {
    const hook = await new FakeServer(() => ({ status: 200, body: '' })).start();
    cleanups.push(() => hook.stop());
    const pagerduty = await new FakeServer(() => ({ status: 202, body: '{"status":"success","message":"Event processed"}' })).start();
    cleanups.push(() => pagerduty.stop());
    const slack = await new FakeServer(() => ({ status: 200, body: 'ok' })).start();
    cleanups.push(() => slack.stop());
    const port = await freePort();
    const alertmanager = await startAlertmanager(port, `${hook.url}/hook`);
    cleanups.push(() => alertmanager.stop());
    const space = workspace();
    cleanups.push(() => rmSync(space.root, { recursive: true, force: true }));
    space.write('shop.yaml', SPECS);
    const config = space.config(
      {},
      {
        SLOE_EVALUATION_INTERVAL: '20ms',
        SLOE_NOTIFIERS_RESEND_INTERVAL: '1s',
        SLOE_NOTIFIERS_ALERTMANAGER: `[{ url: "http://127.0.0.1:${port}" }]`,
        SLOE_NOTIFIERS_PAGERDUTY: `[{ routingKey: "R0UT1NGKEY0000000000000000000000", url: "${pagerduty.url}/v2/enqueue", severities: [page] }]`,
        SLOE_NOTIFIERS_SLACK: `[{ webhookUrl: "${slack.url}/services/T000/B000/XXX", severities: [page] }]`,
      },
    );
    let now = Date.now() - 120 * MINUTE;
    const start = () => startDaemon(config, { env: {}, clock: () => now, logDestination: logSink().stream });
    let daemon = await start();
    cleanups.push(() => daemon.stop());

    const traffic = new Traffic();
    const clean = { perMinute: 3000, errorRatio: 0 };
    /** `count` minutes of orders (one route at `ordersErrors`) and search (five regions at `searchErrors`), each evaluated. */
    const minutes = async (count: number, ordersErrors: number, searchErrors: number) => {
      for (let i = 0; i < count; i++) {
        now += MINUTE;
        daemon.appender.append(
          [
            ...traffic.minute(now, 'orders', 'route', { '/v1/orders': { perMinute: 1000, errorRatio: ordersErrors }, '/v1/cart': clean, '/v1/items': clean, '/v1/users': clean }),
            ...traffic.minute(now, 'search', 'region', Object.fromEntries(['eu', 'us', 'ap', 'sa', 'af'].map((region) => [region, { perMinute: 1000, errorRatio: searchErrors }]))),
          ],
          'remote_write',
        );
        const at = new Date(now).toISOString();
        await waitFor(async () => (await get<SloStatus>(daemon, '/api/v1/slos/orders')).evaluatedAt >= at, `an evaluation at ${at}`, 10_000, 10);
      }
    };
    const amMessages = (slo: string, status: string) =>
      hook.requests.map((request) => JSON.parse(request.body) as AmMessage).filter((message) => message.status === status && message.alerts.some((alert) => alert.labels.slo_name === slo && alert.labels.severity === 'page'));
    const pdEvents = () => pagerduty.requests.map((request) => JSON.parse(request.body) as PdEvent);
    const slackTexts = () => slack.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);

    // 10 clean minutes (the first is every counter's baseline), then 20 with /v1/orders and every search region at 5 %.
    await minutes(10, 0, 0);
    await minutes(20, 0.05, 0.05);

    // The aggregate of orders against the oracle: 5 % errors on a quarter... of a tenth of the traffic: burn 5, no page.
    const orders = await get<SloStatus>(daemon, '/api/v1/slos/orders');
    const period = traffic.events('orders', now - 30 * 24 * 60 * MINUTE, now);
    expect(orders.events).toEqual(period);
    expect(period.total).toBe(29 * 10_000);
    expect(orders.sli).toBeCloseTo(period.good / period.total, 12);
    expect(orders.errorBudget.consumed).toBeCloseTo((1 - period.good / period.total) / (1 - OBJECTIVE), 9);
    expect(orders.burnRates['5m']).toBeCloseTo(traffic.burnRate('orders', 5 * MINUTE, now), 9);
    expect(orders.burnRates['1h']).toBeCloseTo(traffic.burnRate('orders', 60 * MINUTE, now), 9);
    expect(orders.burnRates['5m']).toBeCloseTo(5, 9);
    expect(orders.alerts.filter((alert) => alert.severity === 'page').every((alert) => alert.state === 'inactive')).toBe(true);
    expect(orders.groupCount).toBe(4);
    expect(orders.groupsOverflow).toBe(0);
    // The worst group is the burning route, its budget as the oracle has it for that route's samples alone.
    const route = { route: '/v1/orders' };
    const routeEvents = traffic.events('orders', now - 30 * 24 * 60 * MINUTE, now, route);
    expect(orders.worstGroups?.[0]?.group).toEqual(route);
    expect(orders.worstGroups?.[0]?.status).toBe('exhausted');
    expect(orders.worstGroups?.[0]?.budgetRemaining).toBeCloseTo(1 - (1 - routeEvents.good / routeEvents.total) / (1 - OBJECTIVE), 9);
    expect(orders.worstGroups?.slice(1).map((group) => group.budgetRemaining)).toEqual([1, 1]);

    // Only /v1/orders pages, and every receiver is told which route.
    const [ordersPage] = await waitFor(() => (amMessages('orders', 'firing').length > 0 ? amMessages('orders', 'firing') : undefined), 'the orders page at Alertmanager');
    const pageAlerts = ordersPage!.alerts.filter((alert) => alert.labels.slo_name === 'orders' && alert.labels.severity === 'page');
    expect(pageAlerts.map((alert) => alert.labels.route)).toEqual(['/v1/orders']);
    expect(pageAlerts[0]!.labels).toMatchObject({ alertname: 'OrdersBurn', slo_group: '{route="/v1/orders"}', slo_service: 'shop' });
    expect(pageAlerts[0]!.annotations.summary).toContain('orders{route="/v1/orders"} (shop) is burning');
    const ordersKey = 'sloe/orders{route="/v1/orders"}/page';
    await waitFor(() => pdEvents().some((event) => event.dedup_key === ordersKey), 'the orders page at PagerDuty');
    const ordersTrigger = pdEvents().find((event) => event.dedup_key === ordersKey)!;
    expect(ordersTrigger.payload!.summary).toContain('{route="/v1/orders"}');
    expect(ordersTrigger.payload!.custom_details.group).toEqual(route);
    expect(ordersTrigger.payload!.custom_details.budget_remaining).toBeLessThan(0);
    expect(pdEvents().filter((event) => event.dedup_key.startsWith('sloe/orders'))).toHaveLength(1);
    await waitFor(() => slackTexts().some((text) => text.includes('FIRING page: orders{route="/v1/orders"}')), 'the orders page at Slack');
    expect(slackTexts().filter((text) => text.includes('orders'))).toHaveLength(1);

    // One group incident, the route's, detected by its page; the aggregate's own (burn 5: a ticket) is apart from it.
    const incidents = await get<{ data: { id: string; group?: Record<string, string>; severity: string | null; detectedAt: string | null; resolvedAt: string | null }[] }>(daemon, '/api/v1/incidents?slo=orders');
    const groupIncidents = incidents.data.filter((incident) => incident.group !== undefined);
    expect(groupIncidents.map((incident) => incident.group)).toEqual([route]);
    expect(groupIncidents[0]!.id).toMatch(/^orders\{route="\/v1\/orders"\}@/);
    expect(groupIncidents[0]!.severity).toBe('page');
    expect(groupIncidents[0]!.detectedAt).not.toBeNull();
    expect(incidents.data.filter((incident) => incident.group === undefined).every((incident) => incident.severity !== 'page')).toBe(true);

    // search: capped at 3 regions, the other 2 counted and still in the aggregate, nothing merged.
    const search = await get<SloStatus>(daemon, '/api/v1/slos/search');
    expect(search.groupCount).toBe(3);
    expect(search.groupsOverflow).toBe(2);
    expect(search.events).toEqual(traffic.events('search', now - 30 * 24 * 60 * MINUTE, now));
    expect(search.events.total).toBe(29 * 5000);
    // Its three groups fired together: one batch to PagerDuty and Slack, one Alertmanager notification with all three.
    // (Every region burns, so the SLO's own aggregate pages as well, as its own incident: two pages, not four.)
    const searchKey = 'sloe/search/page/groups';
    await waitFor(() => pdEvents().filter((event) => event.dedup_key.startsWith('sloe/search')).length >= 2, 'the search batch and aggregate page at PagerDuty');
    expect(pdEvents().map((event) => event.dedup_key).filter((key) => key.startsWith('sloe/search')).sort()).toEqual(['sloe/search/page', searchKey]);
    const batch = pdEvents().find((event) => event.dedup_key === searchKey)!;
    const tracked = batch.payload!.custom_details.groups!.map((figures) => figures.group.region!);
    expect(tracked).toHaveLength(3);
    expect(batch.payload!.summary).toContain('search (shop): 3 groups burning the error budget too fast (page)');
    expect(slackTexts().filter((text) => text.includes('FIRING page: search (3 groups)'))).toHaveLength(1);
    // Alertmanager groups by alertname, slo_name and severity: the regions arrive in one notification, never one by one.
    const regionsOf = (message: AmMessage) => message.alerts.filter((alert) => alert.labels.slo_name === 'search' && alert.labels.region !== undefined).map((alert) => alert.labels.region!).sort();
    const withRegions = () => amMessages('search', 'firing').filter((message) => regionsOf(message).length > 0);
    await waitFor(() => withRegions().length > 0, 'the search regions at Alertmanager');
    expect(withRegions().map(regionsOf)).toEqual([[...tracked].sort()]);

    // Restart on the same data dir at the same instant: the same groups, figures and alert states; nothing re-sent.
    const before = { orders: await get<SloStatus>(daemon, '/api/v1/slos/orders'), search: await get<SloStatus>(daemon, '/api/v1/slos/search') };
    await daemon.stop();
    const pagesBefore = { pd: pagerduty.requests.length, slack: slack.requests.length, am: amMessages('orders', 'firing').length + amMessages('search', 'firing').length };
    daemon = await start();
    const at = new Date(now).toISOString();
    await waitFor(async () => (await get<SloStatus>(daemon, '/api/v1/slos/search')).evaluatedAt >= at, 'the first evaluation after the restart', 10_000, 10);
    const after = { orders: await get<SloStatus>(daemon, '/api/v1/slos/orders'), search: await get<SloStatus>(daemon, '/api/v1/slos/search') };
    for (const name of ['orders', 'search'] as const) {
      expect(after[name].events).toEqual(before[name].events);
      expect(after[name].burnRates).toEqual(before[name].burnRates);
      expect({ count: after[name].groupCount, overflow: after[name].groupsOverflow, worst: after[name].worstGroups }).toEqual({ count: before[name].groupCount, overflow: before[name].groupsOverflow, worst: before[name].worstGroups });
    }
    await minutes(3, 0.05, 0.05);
    expect(pagerduty.requests.length).toBe(pagesBefore.pd);
    expect(slack.requests.length).toBe(pagesBefore.slack);
    expect(amMessages('orders', 'firing').length + amMessages('search', 'firing').length).toBe(pagesBefore.am);

    // The burn stops: the route's page resolves on its own key, the search batch once, with its last group.
    await minutes(35, 0, 0);
    await waitFor(() => pdEvents().some((event) => event.event_action === 'resolve' && event.dedup_key === ordersKey), 'the orders resolve at PagerDuty');
    await waitFor(() => pdEvents().some((event) => event.event_action === 'resolve' && event.dedup_key === searchKey), 'the search batch resolve at PagerDuty');
    await waitFor(() => pdEvents().some((event) => event.event_action === 'resolve' && event.dedup_key === 'sloe/search/page'), 'the search aggregate resolve at PagerDuty');
    expect(pdEvents().map((event) => `${event.event_action} ${event.dedup_key}`).sort()).toEqual([`resolve ${ordersKey}`, 'resolve sloe/search/page', `resolve ${searchKey}`, `trigger ${ordersKey}`, 'trigger sloe/search/page', `trigger ${searchKey}`]);
    // The route's incident is the same record across the restart (its slow ticket tiers still burn, so it is open).
    const later = await get<{ data: { id: string; group?: Record<string, string> }[] }>(daemon, '/api/v1/incidents?slo=orders');
    expect(later.data.filter((incident) => incident.group !== undefined).map((incident) => incident.id)).toEqual([groupIncidents[0]!.id]);
  });
});
