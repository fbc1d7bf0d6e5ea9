/**
 * The SLO page's structure in Chromium, on a running daemon fed with samples: a grouped SLO's table of groups and a
 * composite's member tree. What is drawn is compared with what the API answers and with figures from the samples.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import { logSink, workspace } from '../app/daemon-fixture.js';
import { launchChromium } from './chromium.js';
import { ensureUiBuilt } from '../helpers/build.js';
import { compositeSpec, memberSpec } from '../helpers/composite-specs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const MINUTE = 60_000;
const MINUTES = 60;

const GROUPED = `apiVersion: sloe/v1
kind: SLO
metadata: { name: orders }
spec:
  service: shop
  objectives: [ { target: 0.99 } ]
  groupBy: [route]
  maxGroups: 4
  sli:
    ratio:
      bad: sum(rate(req_total{job="orders",code="500"}[{{.window}}]))
      total: sum(rate(req_total{job="orders"}[{{.window}}]))
`;

/**
 * An hour of cumulative 200/500 counters, from zero, per (job, route) with its requests and errors a minute. A
 * stream with no requests stays at zero: its group is tracked but has no events (no data).
 */
function traffic(streams: readonly { job: string; route?: string; requests: number; errors: number }[], end: number): IncomingSeries[] {
  const timestamps = Array.from({ length: MINUTES + 1 }, (_, index) => end - (MINUTES - index) * MINUTE);
  return streams.flatMap(({ job, route, requests, errors }) => {
    const labels = { __name__: 'req_total', job, ...(route === undefined ? {} : { route }) };
    return [
      { labels: { ...labels, code: '200' }, timestamps, values: timestamps.map((_, index) => index * (requests - errors)) },
      { labels: { ...labels, code: '500' }, timestamps, values: timestamps.map((_, index) => index * errors) },
    ];
  });
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

describe('the SLO page draws groups and composite members', () => {
  let daemon: Daemon;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    ensureUiBuilt();
    const space = workspace();
    space.write('orders.yaml', GROUPED);
    space.write('members.yaml', [memberSpec('login', 0.999, { metric: 'req_total' }), memberSpec('cart', 0.99, { metric: 'req_total' }), memberSpec('pay', 0.995, { metric: 'req_total' })].join('---\n'));
    space.write('journeys.yaml', [compositeSpec('checkout-worst', 'leastHealthy', 0.999, '[ { slo: login }, { slo: cart }, { slo: pay } ]'), compositeSpec('journey', 'weightedAverage', 0.999, '[ { slo: checkout-worst, weight: 3 }, { slo: login } ]')].join('---\n'));
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '300ms' }), { env: {}, logDestination: logSink().stream });
    const end = Math.floor(Date.now() / MINUTE) * MINUTE;
    const result = daemon.appender.append(
      traffic(
        [
          // Groups in the order first seen; the fifth route is past maxGroups 4.
          { job: 'orders', route: '/v1/orders', requests: 1000, errors: 50 },
          { job: 'orders', route: '/v1/search', requests: 1000, errors: 5 },
          { job: 'orders', route: '/v1/items', requests: 1000, errors: 0 },
          { job: 'orders', route: '/v1/idle', requests: 0, errors: 0 },
          { job: 'orders', route: '/v1/late', requests: 1000, errors: 0 },
          { job: 'login', requests: 1000, errors: 1 },
          { job: 'cart', requests: 500, errors: 10 },
          { job: 'pay', requests: 200, errors: 1 },
        ],
        end,
      ),
      'remote_write',
    );
    expect(result.applied).toBeGreaterThan(0);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const journey = await getJson<SloStatus>(`${daemon.url}/api/v1/slos/journey`);
      const orders = await getJson<SloStatus>(`${daemon.url}/api/v1/slos/orders`);
      if (journey.sli !== null && orders.groupCount === 4 && journey.composite?.members.every((entry) => entry.sli !== null)) break;
      if (Date.now() > deadline) throw new Error(`no evaluation with data within 30 s: ${JSON.stringify({ journey, orders })}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    browser = await launchChromium();
    page = browser.page;
    mkdirSync(RESULTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('a grouped SLO: its groups least budget first, the idle group as unknown, the overflow counted', async () => {
    const groups = (await getJson<{ data: SloStatus[] }>(`${daemon.url}/api/v1/slos/orders/groups`)).data;
    await page.goto(`${daemon.url}/#/slo/orders`);
    await page.waitForSelector('table.groups tbody tr');
    const rows = await page.locator('table.groups tbody tr').evaluateAll((elements) =>
      elements.map((row) => ({
        group: row.getAttribute('data-group'),
        budget: row.getAttribute('data-budget'),
        cells: Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent?.trim() ?? ''),
        unknownBar: row.querySelector('.budget.unknown') !== null,
        healthyFill: row.querySelector('.fill.level-ok') !== null,
      })),
    );
    expect(rows.map((row) => row.group)).toEqual(['{"route":"/v1/orders"}', '{"route":"/v1/search"}', '{"route":"/v1/items"}', '{"route":"/v1/idle"}']);
    expect(rows.map((row) => row.group)).toEqual(groups.map((group) => JSON.stringify(group.group)));
    // From the samples: 50 and 5 of 1000 bad against 99 %: 5 and 0.5 budgets consumed, so -4 and 0.5 left.
    expect(Number(rows[0]!.budget)).toBeCloseTo(-4, 6);
    expect(Number(rows[1]!.budget)).toBeCloseTo(0.5, 6);
    expect(Number(rows[2]!.budget)).toBe(1);
    expect(rows[0]!.cells.slice(0, 3)).toEqual(['/v1/orders', '95.00 %', expect.stringMatching(/^-400\.0 %/)]);
    expect(rows[0]!.cells.at(-1)).toBe('exhausted');
    expect(rows[2]!.healthyFill).toBe(true);
    // No events: unknown, drawn as such, never as a full healthy budget.
    expect(rows[3]).toMatchObject({ budget: 'unknown', unknownBar: true, healthyFill: false });
    expect(rows[3]!.cells[1]).toBe('–');
    expect(rows[3]!.cells[2]).toContain('no data');
    expect(rows[3]!.cells.at(-1)).toBe('nodata');
    const note = page.locator('[data-overflow]');
    expect(await note.getAttribute('data-groups')).toBe('4');
    expect(await note.getAttribute('data-overflow')).toBe('1');
    expect(await note.textContent()).toContain('1 more seen past maxGroups');
    await page.screenshot({ path: join(RESULTS, 'slo-groups.png'), fullPage: true });

    // A group opens its own view: its figures, and charts from its own history (asked with group.route).
    const historyAsked = page.waitForResponse((response) => response.url().includes('/api/v1/slos/orders/history?') && response.url().includes('group.route=%2Fv1%2Forders'));
    await page.click('table.groups tbody tr[data-group=\'{"route":"/v1/orders"}\'] a.group-link');
    const history = (await (await historyAsked).json()) as { data: { group: Record<string, string>; points: { sli: number | null }[] } };
    expect(history.data.group).toEqual({ route: '/v1/orders' });
    const known = history.data.points.filter((point) => point.sli !== null);
    expect(known.length).toBeGreaterThan(10);
    for (const point of known) expect(point.sli).toBeCloseTo(0.95, 6);
    await page.waitForSelector('figure.chart canvas');
    expect(await page.locator('h1').textContent()).toBe('orders {route="/v1/orders"}');
    expect(await page.locator('.stat', { hasText: 'SLI' }).locator('.value').textContent()).toBe('95.00 %');
    expect(await page.locator('figure.chart').count()).toBe(3);
    // The aggregate's group table is not repeated on a group's view; a link leads back to it.
    expect(await page.locator('table.groups').count()).toBe(0);
    expect(await page.locator('.crumbs a', { hasText: 'orders: all groups' }).getAttribute('href')).toBe('#/slo/orders');
    await page.screenshot({ path: join(RESULTS, 'slo-group-view.png'), fullPage: true });
  });

  it('a composite: its member tree with shares and the deciding member, nested one level, each linking to its page', async () => {
    const journey = await getJson<SloStatus>(`${daemon.url}/api/v1/slos/journey`);
    await page.goto(`${daemon.url}/#/slo/journey`);
    await page.waitForSelector('ul.members li');
    const tree = await page.evaluate(() => {
      const read = (list: Element): unknown[] =>
        Array.from(list.children).map((item) => ({
          name: item.getAttribute('data-member'),
          share: item.getAttribute('data-share'),
          shareText: item.querySelector(':scope > .member .share')?.textContent?.trim(),
          deciding: item.querySelector(':scope > .member .badge.deciding') !== null,
          href: item.querySelector(':scope > .member a')?.getAttribute('href'),
          members: item.querySelector(':scope > ul.members') ? read(item.querySelector(':scope > ul.members')!) : [],
        }));
      const root = document.querySelector('ul.members');
      return root ? { method: root.getAttribute('data-method'), members: read(root) } : undefined;
    });
    // journey = 3 x checkout-worst + login. checkout-worst (leastHealthy, 99.9 %): cart has spent 2 budgets, the
    // most, so it decides with its 500 events a minute, its 10 bad rescaled to 99.9 %: 10 x 0.001 / 0.01 = 1. Weighted
    // bad per minute: 3 x 1 = 3 of checkout-worst and 1 of login (1 of 1000), of 4.
    expect(tree).toEqual({
      method: 'weightedAverage',
      members: [
        {
          name: 'checkout-worst', share: expect.any(String), shareText: expect.stringMatching(/^75 % of burn/), deciding: false, href: '#/slo/checkout-worst',
          members: [
            { name: 'login', share: '0', shareText: expect.stringMatching(/^0 % of burn/), deciding: false, href: '#/slo/login', members: [] },
            { name: 'cart', share: '1', shareText: expect.stringMatching(/^100 % of burn/), deciding: true, href: '#/slo/cart', members: [] },
            { name: 'pay', share: '0', shareText: expect.stringMatching(/^0 % of burn/), deciding: false, href: '#/slo/pay', members: [] },
          ],
        },
        { name: 'login', share: expect.any(String), shareText: expect.stringMatching(/^25 % of burn/), deciding: false, href: '#/slo/login', members: [] },
      ],
    });
    const shares = (tree as { members: { share: string }[] }).members.map((entry) => Number(entry.share));
    expect(shares[0]).toBeCloseTo(3 / 4, 9);
    expect(shares[1]).toBeCloseTo(1 / 4, 9);
    expect(shares).toEqual(journey.composite?.members.map((entry) => entry.share));
    await page.screenshot({ path: join(RESULTS, 'slo-composite.png'), fullPage: true });
    // A member's link opens its own page.
    await page.click('ul.members li[data-member="cart"] > .member a');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'cart');
    expect(page.url()).toMatch(/#\/slo\/cart$/);
  });
});
