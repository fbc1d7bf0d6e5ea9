import { describe, expect, it } from 'vitest';
import { setupNotifications } from '../../test/notify/dispatcher-setup.js';
import { status } from '../../test/notify/fixtures.js';
import type { TierStates } from '../../test/notify/fixtures.js';
import type { SloStatus } from '../core/index.js';
import { pagerDutyEvent } from './pagerduty.js';
import { parseSilenceRequest } from './silences.js';
import { slackMessage } from './slack.js';
import { webhookBody } from './webhook.js';

const SLO = 'checkout-availability';

/** One group of the grouped checkout SLO, as the engine reports it: the SLO's name, with `group` set. */
function group(route: string, states: TierStates, remaining = 0.5): SloStatus {
  return { ...status(SLO, states, { remaining }), group: { route } };
}

const quiet = (): SloStatus => status(SLO, {});
const routes = (count: number): string[] => Array.from({ length: count }, (_, index) => `/v1/r${String(index).padStart(3, '0')}`);

describe('notifications per group', () => {
  it('a lone burning group pages on its own, naming the group everywhere, while the aggregate stays quiet', async () => {
    const { pagerduty, slack, alertmanager, evaluateGroups } = setupNotifications();
    await evaluateGroups([quiet()], [group('/v1/orders', { 'page-fast': 'firing' }, 0.2), group('/v1/cart', {})]);
    const incident = `${SLO}{route="/v1/orders"}/page`;
    expect(pagerduty.states()).toEqual([`${incident} firing`]);
    expect(alertmanager.states()).toEqual([`${incident} firing`]);
    expect(slack.states()).toEqual([`${incident} firing`]);
    const page = pagerduty.received[0]!;
    expect(page.group).toEqual({ route: '/v1/orders' });
    expect(page.labels).toMatchObject({ route: '/v1/orders', slo_group: '{route="/v1/orders"}', slo_name: SLO, severity: 'page' });
    expect(page.summary).toContain(`${SLO}{route="/v1/orders"} (checkout) is burning`);
    expect(page.description).toContain('group {route="/v1/orders"}');
    const event = pagerDutyEvent(page, 'key', { page: 'critical' }) as { dedup_key: string; payload: { summary: string; custom_details: { group: unknown } } };
    expect(event.dedup_key).toBe(`sloe/${SLO}{route="/v1/orders"}/page`);
    expect(event.payload.summary).toContain('{route="/v1/orders"}');
    expect(event.payload.custom_details.group).toEqual({ route: '/v1/orders' });
    expect(slackMessage(slack.received[0]!).text).toContain(`FIRING page: ${SLO}{route="/v1/orders"}`);
    expect(JSON.parse(webhookBody(page, 'hook', 0)).alert.group).toEqual({ route: '/v1/orders' });

    await evaluateGroups([quiet()], [group('/v1/orders', {}), group('/v1/cart', {})]);
    expect(pagerduty.states()).toEqual([`${incident} firing`, `${incident} resolved`]);
    expect(slack.states()).toEqual([`${incident} firing`, `${incident} resolved`]);
  });

  it('a flood of groups is one batch to PagerDuty and Slack, every alert to Alertmanager; a late group joins; the batch resolves with its last group', async () => {
    const { pagerduty, slack, alertmanager, evaluateGroups, journal } = setupNotifications();
    const flood = routes(40);
    const budgets = new Map(flood.map((route, index) => [route, 0.9 - index / 100]));
    const firing = (list: readonly string[]) => list.map((route) => group(route, { 'page-fast': 'firing' }, budgets.get(route) ?? 0.5));
    await evaluateGroups([quiet()], firing(flood));
    const batch = `${SLO}/page/groups`;
    expect(pagerduty.states()).toEqual([`${batch} firing`]);
    expect(slack.states()).toEqual([`${batch} firing`]);
    expect(alertmanager.received).toHaveLength(40);
    expect(new Set(alertmanager.received.map((alert) => alert.labels.route))).toEqual(new Set(flood));
    const page = pagerduty.received[0]!;
    // Every group is named, least budget first; the batch's labels are the SLO's, without any one group's.
    expect(page.groups?.map((figures) => figures.group.route)).toEqual([...flood].reverse());
    expect(page.groups?.[0]?.budgetRemaining).toBeCloseTo(0.51, 10);
    expect(page.summary).toBe(`${SLO} (checkout): 40 groups burning the error budget too fast (page): {route="/v1/r039"}, {route="/v1/r038"}, {route="/v1/r037"}, {route="/v1/r036"}, {route="/v1/r035"}, and 35 more`);
    expect(page.labels.route).toBeUndefined();
    expect(page.labels.slo_group).toBeUndefined();
    expect(page.figures.budgetRemaining).toBeCloseTo(0.51, 10);
    expect((pagerDutyEvent(page, 'key', { page: 'critical' }) as { dedup_key: string }).dedup_key).toBe(`sloe/${batch}`);
    expect(slackMessage(slack.received[0]!).text).toContain(`FIRING page: ${SLO} (40 groups)`);

    // A group that starts burning while the batch is open joins it: Alertmanager hears of it, PagerDuty and Slack do not.
    const late = '/v1/late';
    await evaluateGroups([quiet()], firing([...flood, late]));
    expect(pagerduty.received).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    expect(alertmanager.states().at(-1)).toBe(`${SLO}{route="${late}"}/page firing`);

    // All but the late group recover: each resolves at Alertmanager, the batch stays open while one group is in it.
    await evaluateGroups([quiet()], [...flood.map((route) => group(route, {})), ...firing([late])]);
    expect(alertmanager.received.filter((alert) => alert.state === 'resolved')).toHaveLength(40);
    expect(pagerduty.received).toHaveLength(1);
    await evaluateGroups([quiet()], [...flood, late].map((route) => group(route, {})));
    expect(pagerduty.states()).toEqual([`${batch} firing`, `${batch} resolved`]);
    expect(slack.states()).toEqual([`${batch} firing`, `${batch} resolved`]);
    expect(pagerduty.received[1]!.summary).toBe(`${SLO} (checkout): 1 group back under the page thresholds: {route="/v1/late"}`);
    // The journal names every group a batch was about, so each group's incident finds what detected it.
    const dispatched = journal.query('notification', { limit: 1000 }).map((entry) => entry.data as { event: string; incident: string; state: string; groups?: string[] });
    expect(dispatched.find((entry) => entry.event === 'dispatched' && entry.incident === batch && entry.state === 'firing')?.groups).toHaveLength(40);
  });

  it('after a restart, an open batch stays open and resolves once, with its last group', async () => {
    const first = setupNotifications();
    await first.evaluateGroups([quiet()], [group('/a', { 'page-fast': 'firing' }), group('/b', { 'page-fast': 'firing' })]);
    expect(first.pagerduty.states()).toEqual([`${SLO}/page/groups firing`]);
    await first.notifications.shutdown(1000);
    const second = setupNotifications({ store: first.store, timers: first.timers });
    await second.evaluateGroups([quiet()], [group('/a', { 'page-fast': 'firing' }), group('/b', {})]);
    expect(second.pagerduty.received).toHaveLength(0);
    await second.evaluateGroups([quiet()], [group('/a', {}), group('/b', {})]);
    expect(second.pagerduty.states()).toEqual([`${SLO}/page/groups resolved`]);
  });

  it('the group without the label ({route=""}) is an alert apart from the aggregate, and each pages on its own', async () => {
    const { alertmanager, evaluateGroups } = setupNotifications();
    await evaluateGroups([status(SLO, { 'page-fast': 'firing' })], [group('', { 'page-fast': 'firing' })]);
    expect(alertmanager.states().sort()).toEqual([`${SLO}/page firing`, `${SLO}{route=""}/page firing`]);
    const [aggregate, unlabelled] = [alertmanager.received.find((alert) => alert.group === undefined)!, alertmanager.received.find((alert) => alert.group !== undefined)!];
    expect(aggregate.labels).not.toEqual(unlabelled.labels);
    expect(unlabelled.labels.slo_group).toBe('{route=""}');
  });

  it('a group without events opens no no-data incident; the aggregate\'s no-data stays', async () => {
    const { slack, evaluateGroups, timers } = setupNotifications();
    const silent = { ...status(SLO, {}, { health: 'nodata' }), group: { route: '/v1/night' } };
    await evaluateGroups([quiet()], [silent]);
    await timers.advance(2 * 60 * 60_000);
    await evaluateGroups([quiet()], [silent]);
    expect(slack.received).toHaveLength(0);
    // The same silence on the SLO itself pages its no-data (alerting.noDataFor is an hour in the fixture).
    await evaluateGroups([status(SLO, {}, { health: 'nodata' })], [silent]);
    await timers.advance(2 * 60 * 60_000);
    await evaluateGroups([status(SLO, {}, { health: 'nodata' })], [silent]);
    expect(slack.states()).toEqual([`${SLO}/nodata firing`]);
  });

  it('a silence on a group label holds back that group only', async () => {
    const { pagerduty, notifications, evaluateGroups, timers } = setupNotifications();
    const endsAt = new Date(timers.now() + 60 * 60_000).toISOString();
    notifications.silences.add(parseSilenceRequest({ matchers: [{ name: 'route', value: '/v1/search' }], endsAt, comment: 'search reindex', createdBy: 'ana' }, timers.now(), 'sil-route'));
    await evaluateGroups([quiet()], [group('/v1/search', { 'page-fast': 'firing' }), group('/v1/orders', { 'page-fast': 'firing' })]);
    expect(pagerduty.states()).toEqual([`${SLO}{route="/v1/orders"}/page firing`]);
  });

  it('a route per group label sends one group to its team, and a batch only holds the groups routed to that receiver', async () => {
    const { pagerduty, slack, evaluateGroups } = setupNotifications({ routes: [{ match: { labels: { route: '/v1/payments' } }, receivers: ['pagerduty'] }, { match: {}, receivers: ['slack'] }] });
    await evaluateGroups([quiet()], [group('/v1/payments', { 'page-fast': 'firing' }), group('/v1/search', { 'page-fast': 'firing' }), group('/v1/cart', { 'page-fast': 'firing' })]);
    expect(pagerduty.states()).toEqual([`${SLO}{route="/v1/payments"}/page firing`]);
    expect(slack.states()).toEqual([`${SLO}/page/groups firing`]);
    expect(slack.received[0]!.groups?.map((figures) => figures.group.route).sort()).toEqual(['/v1/cart', '/v1/search']);
  });
});
