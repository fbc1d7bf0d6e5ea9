/**
 * Issue 17's UI, in Chromium: an SLO without data is unknown (grey, never a green full budget), the page says how to
 * send data with this daemon's own address, the service overview marks the burning budgets, figures stay on one line,
 * freezes show their expected thaw; and the README's screenshot (docs/screenshot.png) is made here.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, startServer, uiRoutes } from '../../src/api/index.js';
import type { RunningServer } from '../../src/api/index.js';
import { loadConfig } from '../../src/config/index.js';
import { ensureUiBuilt } from '../helpers/build.js';
import { launchChromium } from './chromium.js';
import { FREEZES, STATUSES, history } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const base = STATUSES[2];
if (base === undefined) throw new Error('fixture STATUSES changed');
// The API's answer for an SLO with no events in its period: null figures (CONTRACT.md, second wave).
const NO_DATA = { ...base, name: 'sloe-api-latency', service: 'sloe', displayName: undefined, sli: null, events: { good: 0, total: 0 }, errorBudget: { total: 0.01, consumed: null, remaining: null }, burnRates: {}, timeToExhaustion: null, coverage: 0, status: 'nodata', alerts: [] };
const SLOS = [...STATUSES, NO_DATA];
const THAW = '2026-11-28T06:00:00.000Z';

function fixtureApi(): Hono {
  const app = new Hono();
  app.get('/api/v1/slos', (c) => c.json({ data: SLOS }));
  app.get('/api/v1/slos/:name', (c) => {
    const status = SLOS.find((slo) => slo.name === c.req.param('name'));
    return status ? c.json(status) : c.json({ error: { code: 'not_found', message: 'no such SLO' } }, 404);
  });
  app.get('/api/v1/slos/:name/history', (c) => c.json({ data: { name: c.req.param('name'), points: c.req.param('name') === NO_DATA.name ? [] : history(c.req.param('name')) } }));
  app.get('/api/v1/decisions', (c) => c.json({ data: [] }));
  app.get('/api/v1/freezes', (c) => c.json({ data: FREEZES.map((freeze, index) => ({ ...freeze, expectedThaw: index === 0 ? THAW : null })) }));
  return app;
}

/** The share of an element's pixels near a colour, from a screenshot decoded by the page's own canvas. */
async function shareOf(page: Page, selector: string, rgb: readonly [number, number, number]): Promise<number> {
  const png = (await page.locator(selector).first().screenshot()).toString('base64');
  return page.evaluate(async ({ png, rgb }) => {
    const image = new Image();
    image.src = `data:image/png;base64,${png}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    if (!context) return -1;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let near = 0;
    for (let index = 0; index < data.length; index += 4) {
      if (Math.abs((data[index] ?? 0) - rgb[0]) < 24 && Math.abs((data[index + 1] ?? 0) - rgb[1]) < 24 && Math.abs((data[index + 2] ?? 0) - rgb[2]) < 24) near++;
    }
    return near / (data.length / 4);
  }, { png, rgb });
}

const GREEN: [number, number, number] = [0x16, 0xa3, 0x4a];

describe('the UI a newcomer opens', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const url = () => `http://127.0.0.1:${server.address.port}`;

  beforeAll(async () => {
    ensureUiBuilt();
    server = await startServer(createHttpApp([fixtureApi(), uiRoutes(join(ROOT, 'ui', 'dist'))], { notReadyReasons: () => [] }), '127.0.0.1:0');
    browser = await launchChromium();
    page = browser.page;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close(1_000);
  });

  it('shows no data as a grey unknown budget, never a green bar, and says how to send data', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${url()}/#/`);
    await page.waitForSelector(`tr[data-slo="${NO_DATA.name}"]`);
    const cell = `tr[data-slo="${NO_DATA.name}"] td[data-budget] .budget`;
    expect(await page.locator(`${cell} .num`).textContent()).toBe('no data');
    expect(await shareOf(page, `${cell} .bar`, GREEN)).toBe(0);
    // The control: a healthy SLO's bar is green, so the check above can tell.
    expect(await shareOf(page, `tr[data-slo="platform-api-availability"] td[data-budget] .bar`, GREEN)).toBeGreaterThan(0.3);
    // Unknown budgets sort after every figure.
    expect(await page.locator('table.slos tbody tr').last().getAttribute('data-slo')).toBe(NO_DATA.name);

    const snippets = await page.locator('[data-onboarding] [data-snippet]').allTextContents();
    expect(snippets).toHaveLength(3);
    expect(snippets[0]).toContain(`remote_write:\n  - url: ${url()}/api/v1/write`);
    expect(snippets[1]).toContain(`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=${url()}/v1/metrics`);
    expect(snippets[2]).toContain('scrape:\n  - { job: shop, targets:');
    // The scrape snippet is a configuration sloe loads as it stands, and the panel says how it takes effect: scrape
    // jobs are read at start, so a restart with --config (a reload re-reads only the specs).
    const configFile = join(mkdtempSync(join(tmpdir(), 'sloe-onboarding-')), 'sloe.yaml');
    writeFileSync(configFile, (await page.locator('[data-onboarding] [data-snippet="scrape config"] code').textContent()) ?? '');
    expect(loadConfig({ file: configFile }).scrape).toEqual([expect.objectContaining({ job: 'shop', targets: ['127.0.0.1:8080'] })]);
    rmSync(dirname(configFile), { recursive: true, force: true });
    const how = (await page.locator('[data-onboarding] p').allTextContents()).find((text) => text.includes('scrape your service'));
    expect(how).toContain('restart sloe with --config');
    expect(how).not.toMatch(/then reload/);
  });

  it('marks each service by its worst budget in the overview', async () => {
    await page.goto(`${url()}/#/`);
    await page.waitForSelector('[data-overview] [data-service]');
    const levels = Object.fromEntries(await page.locator('[data-overview] [data-service]').evaluateAll((cards) => cards.map((card) => [(card as HTMLElement).dataset.service, (card as HTMLElement).dataset.level])));
    expect(levels).toEqual({ checkout: 'exhausted', 'platform-api': 'ok', search: 'ok', sloe: 'nodata' });
    expect(await page.locator('[data-service="sloe"]').textContent()).toContain('least budget no data');
  });

  it('keeps every figure on one line in a narrow window', async () => {
    await page.setViewportSize({ width: 760, height: 900 });
    await page.goto(`${url()}/#/`);
    await page.waitForSelector('table.slos tbody tr');
    const wrapped = await page.locator('table.slos td.num, table.slos .budget .num').evaluateAll((cells) =>
      cells.filter((cell) => cell.getClientRects().length > 0 && (cell.firstChild?.nodeType === Node.TEXT_NODE ? (() => {
        const range = document.createRange();
        range.selectNodeContents(cell.firstChild);
        return range.getClientRects().length > 1;
      })() : false)).map((cell) => cell.textContent),
    );
    expect(wrapped).toEqual([]);
  });

  it('opens an SLO without data on how to send it, with no charts of emptiness', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${url()}/#/slo/${NO_DATA.name}`);
    await page.waitForSelector('[data-onboarding][open]');
    expect(await page.locator('.stat').first().textContent()).toContain('Objective');
    expect(await page.locator('figure.chart').count()).toBe(0);
    expect(await page.locator('.stats').textContent()).toContain('no data');
  });

  it('draws the budget forecast to exhaustion for a burning SLO', async () => {
    await page.goto(`${url()}/#/slo/checkout-latency`);
    await page.waitForSelector('figure[data-chart="Error budget remaining"]');
    expect(await page.locator('figure[data-chart="Error budget remaining"]').getAttribute('data-forecast')).toBe('yes');
    expect(await page.locator('figure[data-chart="Error budget remaining"] .u-legend').textContent()).toContain('forecast');
  });

  it('shows each freeze with its expected thaw', async () => {
    await page.goto(`${url()}/#/decisions`);
    await page.waitForSelector('table.freezes tbody tr');
    const thaws = await page.locator('table.freezes td.thaw').evaluateAll((cells) => cells.map((cell) => (cell as HTMLElement).dataset.thaw));
    expect(thaws[0]).toBe(THAW);
  });

  it('writes the README screenshot (docs/screenshot.png)', async () => {
    await page.setViewportSize({ width: 1280, height: 760 });
    await page.goto(`${url()}/#/`);
    await page.waitForSelector('table.slos tbody tr');
    const path = join(ROOT, 'docs', 'screenshot.png');
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });
});
