import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, journalRoutes, specRoutes, startServer, uiRoutes } from '../../src/api/index.js';
import type { RunningServer } from '../../src/api/index.js';
import { MemoryJournal } from '../../src/store/index.js';
import { authenticate } from '../../src/auth/index.js';
import { ensureUiBuilt } from '../helpers/build.js';
import { launchChromium } from './chromium.js';
import { BUDGET_ORDER, DECISIONS, FREEZES, INCIDENTS, STATUSES, history } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');

/**
 * The API as the engine and policy components answer it (CONTRACT.md shapes, with the history and decisions the
 * other components serve), fixed data so the pages can be checked exactly; the UI files are the real build.
 */
function fixtureApi(): Hono {
  const app = new Hono();
  app.get('/api/v1/slos', (c) => c.json({ data: STATUSES }));
  app.get('/api/v1/slos/:name', (c) => {
    const status = STATUSES.find((slo) => slo.name === c.req.param('name'));
    return status ? c.json(status) : c.json({ error: { code: 'not_found', message: 'no such SLO' } }, 404);
  });
  app.get('/api/v1/slos/:name/history', (c) => c.json({ data: { name: c.req.param('name'), points: history(c.req.param('name')) } }));
  app.get('/api/v1/decisions', (c) => c.json({ data: DECISIONS.filter((decision) => !c.req.query('service') || decision.service === c.req.query('service')) }));
  app.get('/api/v1/freezes', (c) => c.json({ data: FREEZES }));
  app.get('/api/v1/incidents', (c) => c.json({ data: INCIDENTS.filter((incident) => incident.slo === c.req.query('slo')) }));
  return app;
}

async function canvasInk(page: Page, chart: string, rgb: readonly [number, number, number]): Promise<{ painted: number; series: number }> {
  return page.evaluate(
    ({ chart, rgb }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`figure[data-chart="${chart}"] canvas`);
      if (!canvas) return { painted: -1, series: -1 };
      const context = canvas.getContext('2d');
      if (!context) return { painted: -1, series: -1 };
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      let series = 0;
      for (let index = 0; index < data.length; index += 4) {
        if ((data[index + 3] ?? 0) === 0) continue;
        painted++;
        if (Math.abs((data[index] ?? 0) - rgb[0]) < 24 && Math.abs((data[index + 1] ?? 0) - rgb[1]) < 24 && Math.abs((data[index + 2] ?? 0) - rgb[2]) < 24) series++;
      }
      return { painted, series };
    },
    { chart, rgb },
  );
}

describe('web UI in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    // The UI the daemon serves is the build output, rebuilt when its sources are newer so the test sees them.
    ensureUiBuilt();
    const journal = new MemoryJournal();
    journal.append('notification', { at: Date.parse('2026-11-26T11:40:00Z'), subject: 'checkout-availability', data: { event: 'delivered', receiver: 'pagerduty', state: 'firing', severity: 'page' } });
    const spec = { name: 'checkout-availability', file: 'slo-definitions/checkout.yaml', line: 1, format: 'sloe/v1', yaml: 'apiVersion: sloe/v1\nkind: SLO\nmetadata:\n  name: checkout-availability\n' };
    const app = createHttpApp([fixtureApi(), journalRoutes(journal), specRoutes((name) => (name === spec.name ? spec : undefined)), uiRoutes(join(ROOT, 'ui', 'dist'))], { notReadyReasons: () => [] });
    server = await startServer(app, '127.0.0.1:0');
    browser = await launchChromium();
    page = browser.page;
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(1_000);
  });

  const url = () => `http://127.0.0.1:${server.address.port}`;

  it('lists the SLOs in budget order, filters by service and status, and re-sorts on click', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url()}/#/`);
    await page.waitForSelector('table.slos tbody tr');
    expect(await page.locator('table.slos tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-slo')))).toEqual(BUDGET_ORDER);
    const first = page.locator('table.slos tbody tr').first();
    expect(await first.locator('.badge.status-exhausted').count()).toBe(1);
    expect(await first.textContent()).toContain('-8.0 %');
    expect(await first.textContent()).toContain('page firing');
    await page.screenshot({ path: join(RESULTS, 'ui-slo-list.png'), fullPage: true });

    await page.selectOption('select[name=service]', 'checkout');
    await page.waitForFunction(() => document.querySelectorAll('table.slos tbody tr').length === 2);
    expect(page.url()).toContain('service=checkout');
    await page.selectOption('select[name=status]', 'critical');
    await page.waitForFunction(() => document.querySelectorAll('table.slos tbody tr').length === 1);
    expect(await page.locator('table.slos tbody tr').getAttribute('data-slo')).toBe('checkout-latency');

    await page.goto(`${url()}/#/`);
    await page.waitForSelector('table.slos tbody tr');
    await page.click('th[data-sort=budget]');
    await page.waitForFunction((last) => document.querySelector('table.slos tbody tr')?.getAttribute('data-slo') === last, BUDGET_ORDER.at(-1));
    expect(await page.locator('table.slos tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-slo')))).toEqual([...BUDGET_ORDER].reverse());
    expect(errors).toEqual([]);
  });

  it('draws the SLO page: charts with their series, the alert tiers, decisions, notifications and the spec', async () => {
    await page.goto(`${url()}/#/slo/checkout-availability`);
    await page.waitForSelector('figure.chart canvas');
    await page.waitForSelector('table.alerts tbody tr');
    expect(await page.locator('figure.chart').count()).toBe(3);
    // Each chart's own series colour is on its canvas: the line was drawn, not just the axes.
    const budget = await canvasInk(page, 'Error budget remaining', [37, 99, 235]);
    const sli = await canvasInk(page, 'SLI over the window', [22, 163, 74]);
    const burns = await canvasInk(page, 'Burn rates', [37, 99, 235]);
    for (const ink of [budget, sli, burns]) {
      expect(ink.painted).toBeGreaterThan(1_000);
      expect(ink.series).toBeGreaterThan(200);
    }
    const tiers = await page.locator('table.alerts tbody tr').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-tier'), row.querySelector('.badge')?.textContent]));
    expect(tiers).toEqual([['page-fast', 'firing'], ['page-slow', 'firing'], ['ticket-fast', 'firing'], ['ticket-slow', 'firing']]);
    // 16 over a 14.4 threshold is marked.
    expect(await page.locator('table.alerts tbody tr[data-tier=page-fast] td.hot').count()).toBe(2);
    expect(await page.locator('table.decisions').textContent()).toContain('error budget exhausted');
    expect(await page.locator('table.notifications').textContent()).toContain('pagerduty');
    expect(await page.locator('pre.spec').textContent()).toContain('name: checkout-availability');
    await page.screenshot({ path: join(RESULTS, 'ui-slo-page.png'), fullPage: true });
  });

  it('fits a 1366-pixel window: four alert badges wrap in their cell, a long gate reason wraps inside its column', async () => {
    // How far the page runs past the window's right edge, and how far the decisions table runs past its column's.
    const pageOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${url()}/#/`);
    await page.waitForSelector('table.slos tbody tr');
    expect(await page.locator('table.slos tbody tr').first().textContent()).toContain('ticket firing');
    expect(await pageOverflow()).toBeLessThanOrEqual(0);
    await page.goto(`${url()}/#/slo/checkout-availability`);
    await page.waitForSelector('table.decisions tbody tr');
    const decisionsOverflow = await page.evaluate(() => {
      const table = document.querySelector('table.decisions');
      const column = table?.closest('.columns > *');
      return table && column ? table.getBoundingClientRect().right - column.getBoundingClientRect().right : Number.NaN;
    });
    expect(decisionsOverflow).toBeLessThanOrEqual(1);
    expect(await pageOverflow()).toBeLessThanOrEqual(0);
  });

  it('draws the incident timeline from the incidents API: newest first, time to detect, budget cost, transitions', async () => {
    await page.goto(`${url()}/#/slo/checkout-availability`);
    await page.waitForSelector('table.incidents tbody tr[data-incident]');
    const rows = await page.locator('table.incidents tbody tr[data-incident]').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    expect(rows).toHaveLength(2);
    // The open incident first: pending, not detected, ongoing, its cost so far.
    expect(rows[0]![1]).toContain('pending');
    expect(rows[0]![2]).toBe('not yet');
    expect(rows[0]![3]).toContain('ongoing');
    expect(rows[0]![4]).toBe('4.20');
    expect(rows[0]![5]).toBe('0.3 %');
    // Yesterday's: detected 4 minutes after it started, resolved after an hour, 4.2 % of the budget.
    expect(rows[1]![1]).toContain('resolved');
    expect(rows[1]![1]).toContain('page');
    expect(rows[1]![2]).toMatch(/^4m/);
    expect(rows[1]![3]).toContain('after 1.0h');
    expect(rows[1]![5]).toBe('4.2 %');
    const steps = await page.locator('table.incidents tr.timeline').nth(1).locator('li').allTextContents();
    expect(steps.map((step) => step.replace(/^.*? (?=page)/, ''))).toEqual(['page-fast pending', 'page-fast firing', 'page sent to pagerduty', 'page-fast resolved']);
  });

  it('shows freezes and the decision log', async () => {
    await page.goto(`${url()}/#/decisions`);
    await page.waitForSelector('table.decision-log tbody tr');
    expect(await page.locator('table.freezes tbody tr').count()).toBe(1);
    expect(await page.locator('table.decision-log tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-decision')))).toEqual(['2', '1']);
    // The log is ordered by each entry's last answer, so that is the time it shows, with the count of answers.
    const answered = await page.locator('table.decision-log .answered').evaluateAll((cells) => cells.map((cell) => [cell.getAttribute('data-last-at'), cell.textContent, cell.getAttribute('title')]));
    expect(answered.map(([lastAt]) => lastAt)).toEqual([DECISIONS[0]!.decidedAt, DECISIONS[1]!.lastAt]);
    expect(answered[0]![1]).not.toContain('×');
    expect(answered[1]![1]).toMatch(/ ×3$/);
    expect(answered[1]![2]).toMatch(/^3 answers since /);
    await page.screenshot({ path: join(RESULTS, 'ui-decisions.png'), fullPage: true });
  });

  it('asks for the read token when the API needs one, and uses it', async () => {
    const guarded = createHttpApp([fixtureApi(), uiRoutes(join(ROOT, 'ui', 'dist'))], { notReadyReasons: () => [] }, [{ path: '*', handler: authenticate({ readToken: 'ui-read-token' }) }]);
    const locked = await startServer(guarded, '127.0.0.1:0');
    try {
      await page.goto(`http://127.0.0.1:${locked.address.port}/#/`);
      await page.waitForSelector('form.token');
      await page.fill('input[name=token]', 'ui-read-token');
      await page.click('form.token button');
      await page.waitForSelector('table.slos tbody tr');
      expect(await page.locator('table.slos tbody tr').count()).toBe(STATUSES.length);
    } finally {
      await page.evaluate(() => localStorage.clear());
      await locked.close(500);
    }
  });

  it('serves the bundles with content types and caching headers', async () => {
    const index = await fetch(`${url()}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/ui\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/ui\/app-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${url()}${script}`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url()}${style}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${url()}/`, { headers: { 'if-none-match': index.headers.get('etag') ?? '' } })).status).toBe(304);
    expect((await fetch(`${url()}/ui/..%2Fpackage.json`)).status).toBe(404);
  });
});
