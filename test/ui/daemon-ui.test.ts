import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import { ensureUiBuilt } from '../helpers/build.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { launchChromium } from './chromium.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const MINUTE = 60_000;

/** Six hours of a request counter per service, one sample a minute, with the given share of 5xx. */
function traffic(service: string, errorShare: number, end: number): IncomingSeries[] {
  const minutes = 6 * 60;
  const timestamps = Array.from({ length: minutes }, (_, index) => end - (minutes - index) * MINUTE);
  const perMinute = 600;
  const ok = timestamps.map((_, index) => index * perMinute * (1 - errorShare));
  const failed = timestamps.map((_, index) => index * perMinute * errorShare);
  return [
    { labels: { __name__: 'http_requests_total', job: service, code: '200' }, timestamps, values: ok },
    { labels: { __name__: 'http_requests_total', job: service, code: '500' }, timestamps, values: failed },
  ];
}

describe('web UI on a running daemon fed with samples', () => {
  let daemon: Daemon;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const services = { checkout: 0.02, search: 0.0004, platform: 0 } as const;

  beforeAll(async () => {
    ensureUiBuilt();
    const space = workspace();
    for (const service of Object.keys(services)) space.write(`${service}.yaml`, sloSpec(`${service}-availability`, service));
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '500ms' }), { env: {}, logDestination: logSink().stream });
    const now = Date.now();
    for (const [service, share] of Object.entries(services)) {
      const result = daemon.appender.append(traffic(service, share, now), 'remote_write');
      expect(result.applied).toBeGreaterThan(0);
    }
    // Wait (bounded) for an evaluation that has seen the samples.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const body = (await (await fetch(`${daemon.url}/api/v1/slos`)).json()) as { data: SloStatus[] };
      if (body.data.every((slo) => slo.status !== 'nodata')) break;
      if (Date.now() > deadline) throw new Error(`no evaluation with data within 15 s: ${JSON.stringify(body.data.map((slo) => [slo.name, slo.status, slo.reason]))}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    browser = await launchChromium();
    page = browser.page;
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('lists the evaluated SLOs lowest budget first', async () => {
    await page.goto(`${daemon.url}/#/`);
    await page.waitForSelector('table.slos tbody tr');
    const rows = await page.locator('table.slos tbody tr').evaluateAll((elements) => elements.map((row) => [row.getAttribute('data-slo'), Number(row.querySelector('[data-budget]')?.getAttribute('data-budget'))]));
    expect(rows.map(([name]) => name)).toEqual(['checkout-availability', 'search-availability', 'platform-availability']);
    const budgets = rows.map(([, budget]) => budget as number);
    expect(budgets[0]).toBeLessThan(0);
    expect(budgets[1]).toBeGreaterThan(budgets[0]!);
    expect(budgets[2]).toBeCloseTo(1, 6);
    expect(await page.locator('tr[data-slo=checkout-availability] .badge.status-exhausted').count()).toBe(1);
    await page.screenshot({ path: join(RESULTS, 'daemon-slo-list.png'), fullPage: true });
  });

  it('draws the SLO page from the engine\'s history, with its alert tiers', async () => {
    // The samples cover six hours: zoom the charts to them.
    await page.goto(`${daemon.url}/#/slo/checkout-availability?range=6h`);
    await page.waitForSelector('table.alerts tbody tr');
    expect(await page.locator('table.alerts tbody tr').count()).toBe(4);
    expect(await page.locator('pre.spec').textContent()).toContain('name: checkout-availability');
    const charts = await page.locator('figure.chart').count();
    expect(charts).toBe(3);
    // Count each chart's pixels in its series' colours (the palette of ui/src/charts.ts): the lines themselves were
    // drawn, not only axes and grid. Burn rates of equal value overlap, so any window's colour counts there.
    const palette = [[37, 99, 235], [219, 39, 119], [22, 163, 74], [234, 88, 12], [124, 58, 237], [8, 145, 178], [202, 138, 4], [71, 85, 105]];
    const colours = [[palette[0]!], [palette[2]!], palette];
    const painted = await page.evaluate((perChart) =>
      Array.from(document.querySelectorAll<HTMLCanvasElement>('figure.chart canvas')).map((canvas, chart) => {
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        const wanted = perChart[chart] ?? [];
        let series = 0;
        for (let index = 0; index < data.length; index += 4) {
          if ((data[index + 3] ?? 0) === 0) continue;
          const [r, g, b] = [data[index] ?? 0, data[index + 1] ?? 0, data[index + 2] ?? 0];
          if (wanted.some(([wr = 0, wg = 0, wb = 0]) => Math.abs(r - wr) < 24 && Math.abs(g - wg) < 24 && Math.abs(b - wb) < 24)) series++;
        }
        return series;
      }),
    colours);
    await page.screenshot({ path: join(RESULTS, 'daemon-slo-page.png'), fullPage: true });
    expect(painted).toHaveLength(3);
    for (const series of painted) expect(series, JSON.stringify(painted)).toBeGreaterThan(200);
  });
});
