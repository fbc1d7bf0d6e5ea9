import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, historyRoutes, journalRoutes, readRoutes, startServer, uiRoutes } from '../../src/api/index.js';
import type { RunningServer } from '../../src/api/index.js';
import { startDaemon } from '../../src/app/index.js';
import type { Daemon } from '../../src/app/index.js';
import type { SloStatus } from '../../src/core/index.js';
import type { Postmortem, Report, ReviewComponent } from '../../src/review/index.js';
import type { SqliteStore } from '../../src/store/index.js';
import { ensureUiBuilt } from '../helpers/build.js';
import { logSink, sloSpec, workspace } from '../app/daemon-fixture.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { BURN, PERIOD_MINUTES, SLO_NAME, startReviewRig } from '../review/stream.js';
import type { Stream } from '../review/stream.js';
import { launchChromium } from './chromium.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
// The known stream of the review tests: three clean days to START (30 November 22:00 UTC), 30 clean minutes, six hours
// at 30× (into 1 December), then clean until the incident is over: one postmortem (30 × 360 / 43 200 = 25 %).
const START = Date.UTC(2026, 10, 30, 22, 0);
const FROM = START - DAY;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Pixels of a chart's canvas in a colour (uPlot draws lines on a canvas; axes and grid are other colours). */
async function ink(page: Page, chart: string, rgb: readonly [number, number, number]): Promise<number> {
  return page.evaluate(
    ({ chart, rgb }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`figure[data-chart="${chart}"] canvas`);
      const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!data) return -1;
      let count = 0;
      for (let index = 0; index < data.length; index += 4) {
        if ((data[index + 3] ?? 0) > 0 && Math.abs((data[index] ?? 0) - rgb[0]) < 24 && Math.abs((data[index + 1] ?? 0) - rgb[1]) < 24 && Math.abs((data[index + 2] ?? 0) - rgb[2]) < 24) count++;
      }
      return count;
    },
    { chart, rgb },
  );
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

beforeAll(async () => {
  // The pages are the build output, rebuilt when its sources are newer so the test sees them.
  ensureUiBuilt();
  browser = await launchChromium();
  page = browser.page;
  mkdirSync(RESULTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

describe('report page and postmortem links, over the real engine, reviews and store fed the known stream', () => {
  let dir: string;
  let store: SqliteStore;
  let stream: Stream;
  let reviews: ReviewComponent;
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    ({ dir, store, reviews, stream } = await startReviewRig('sloe-review-ui-', START));
    await stream.run(30, 0);
    await stream.run(6 * 60, BURN);
    // The slow ticket tier holds the incident until 5 h 48 min after the burn; then it is final and has its postmortem.
    await stream.run(6 * 60 - 5, 0);
    // What the gate did meanwhile, as the policy journals it.
    store.journal.append('decision', { at: START + 100 * MINUTE, subject: 'api', data: { service: 'api', decision: 'deny', environment: 'production', count: 4, firstAt: iso(START + 60 * MINUTE), lastAt: iso(START + 100 * MINUTE), caller: 'api ci', reasons: ['page alert firing'] } });
    store.journal.append('freeze', { at: START + 40 * MINUTE, subject: 'api', data: { type: 'freeze', environment: 'production', reasons: ['page alert firing'] } });
    const engine = stream.engine.ports;
    const app = createHttpApp([readRoutes(engine.statuses), historyRoutes(engine.history, () => stream.now, engine.statuses), journalRoutes(store.journal), ...(reviews.routes ?? []), uiRoutes(join(ROOT, 'ui', 'dist'))], { notReadyReasons: () => [] });
    server = await startServer(app, '127.0.0.1:0');
    url = `http://127.0.0.1:${server.address.port}`;
  }, 180_000);

  afterAll(async () => {
    await server?.close(1_000);
    await stream?.stop();
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the budget over the range and shows the API\'s figures: spend, compliance, the incident, gate activity', async () => {
    const to = Math.floor(stream.now / MINUTE) * MINUTE - MINUTE;
    const range = `from=${encodeURIComponent(iso(FROM))}&to=${encodeURIComponent(iso(to))}`;
    const report = (await (await fetch(`${url}/api/v1/reports?service=api&${range}`)).json()) as Report;
    const slo = report.services[0]?.slos[0];
    if (!slo) throw new Error('no SLO in the report');
    // Hand computation first, so the page is checked against figures known to be right: 25 % spent, in one incident.
    expect(slo.budgetSpent).toBeCloseTo((BURN * 360) / PERIOD_MINUTES, 4);
    expect(slo.incidents).toHaveLength(1);

    await page.goto(`${url}/#/report?service=api&${range}`);
    await page.waitForSelector('section.report-service[data-service=api] table.report-slos tbody tr');
    expect(await page.locator('nav a[data-nav=report]').getAttribute('class')).toContain('active');
    const row = page.locator(`table.report-slos tr[data-slo="${SLO_NAME}"]`);
    expect(Number(await row.getAttribute('data-budget-spent'))).toBeCloseTo(slo.budgetSpent ?? Number.NaN, 9);
    expect((await row.locator('td').allTextContents()).map((cell) => cell.trim())).toEqual([SLO_NAME, '99.90 %', `${((slo.sli ?? 0) * 100).toFixed(3)} %`, '25.0 %', `${((slo.budgetRemaining ?? 0) * 100).toFixed(1)} %`, '100 %', '1', `${(slo.incidentBudgetSpent * 100).toFixed(1)} %`]);
    // Compliance per calendar month: the burn straddles midnight, so November (90 of its minutes) and December miss.
    const months = await page.locator('table.compliance tbody tr').evaluateAll((rows) => rows.map((tr) => [tr.getAttribute('data-period'), tr.getAttribute('data-met')]));
    expect(months).toEqual([['2026-11', 'missed'], ['2026-12', 'missed']]);
    // The incident: its cost, paged 2 minutes after it went pending, resolved when the tiers were.
    const [incident] = slo.incidents;
    const incidentRow = page.locator(`table.incidents tr[data-incident="${incident?.id ?? ''}"]`);
    expect(await incidentRow.locator('td.cost').textContent()).toBe(`${((incident?.budgetSpent ?? 0) * 100).toFixed(2)} %`);
    expect(await incidentRow.locator('td.ttd').getAttribute('data-seconds')).toBe('120');
    expect(await incidentRow.locator('td.ttd').textContent()).toBe('2m');
    expect(Number(await incidentRow.locator('td.ttr').getAttribute('data-seconds'))).toBe(incident?.timeToResolveSeconds);
    expect(await page.locator('p.medians').textContent()).toContain('Median time to detect 2m');
    // Gate activity in the range: four denies counted as one entry's repeats, and the freeze.
    const counts = page.locator('p.decision-counts');
    expect([await counts.getAttribute('data-allow'), await counts.getAttribute('data-warn'), await counts.getAttribute('data-deny')]).toEqual(['0', '0', '4']);
    expect(await page.locator('table.freezes tr[data-freeze=freeze]').count()).toBe(1);
    // The budget chart: the SLO's line drawn (the first colour of the palette), not only axes.
    expect(await ink(page, 'Error budget remaining over the range', [37, 99, 235])).toBeGreaterThan(200);
    await page.screenshot({ path: join(RESULTS, 'report-page.png'), fullPage: true });
  });

  it('links the postmortem from the SLO page to the report over its incident', async () => {
    const [postmortem] = ((await (await fetch(`${url}/api/v1/postmortems?slo=${SLO_NAME}`)).json()) as { data: Postmortem[] }).data;
    if (!postmortem) throw new Error('no postmortem recorded');
    await page.goto(`${url}/#/slo/${SLO_NAME}`);
    await page.waitForSelector('.postmortems li');
    const item = page.locator(`.postmortems li[data-postmortem="${postmortem.id}"]`);
    expect(await item.textContent()).toContain(`${(postmortem.budgetSpent * 100).toFixed(1)} % of the budget`);
    expect(await page.locator('.backfill').count()).toBe(0);
    await page.screenshot({ path: join(RESULTS, 'slo-page-postmortems.png'), fullPage: true });
    // The incident table reads the incidents API: the incident is over (resolved, not "firing ... ongoing").
    const incidentRow = page.locator('table.incidents tbody tr[data-incident]');
    expect(await incidentRow.count()).toBe(1);
    const cells = (await incidentRow.locator('td').allTextContents()).map((cell) => cell.trim());
    expect(cells[1]).toMatch(/^resolved/);
    expect(cells[3]).not.toContain('ongoing');
    expect(cells[5]).toBe(`${(postmortem.budgetSpent * 100).toFixed(1)} %`);
    await item.locator('a.report-link').click();
    await page.waitForSelector('table.report-slos tbody tr');
    const shown = page.locator('[data-range-from]');
    expect([await shown.getAttribute('data-range-from'), await shown.getAttribute('data-range-to')]).toEqual([postmortem.startedAt, postmortem.endedAt]);
    expect(await page.locator('table.incidents tbody tr').count()).toBe(1);
  });
});

describe('backfill progress on the list and the SLO page, while a real backfill from Prometheus runs', () => {
  let prometheus: PrometheusProcess;
  let daemon: Daemon;

  beforeAll(async () => {
    prometheus = await startPrometheus('global:\n  scrape_interval: 1m\n');
    const space = workspace();
    space.write('api.yaml', `${sloSpec('api-availability', 'api')}  backfill:\n    source: prom\n`);
    // One query a second over day-long chunks: 30 days of two terms take about a minute, long enough to watch; no
    // retries, so the source going away shows as a failure at the next query.
    daemon = await startDaemon(space.config({}, { SLOE_EVALUATION_INTERVAL: '1s', SLOE_SOURCES: `[{ name: prom, url: "${prometheus.url}", retries: 0, timeout: 2s }]`, SLOE_PULL_QUERIES_PER_SECOND: '1', SLOE_PULL_CHUNK: '1d' }), { env: {}, logDestination: logSink().stream });
  }, 90_000);

  afterAll(async () => {
    await daemon?.stop();
    await prometheus?.stop();
  });

  const progress = async (): Promise<SloStatus['backfill']> => ((await (await fetch(`${daemon.url}/api/v1/slos/api-availability`)).json()) as SloStatus).backfill;

  it('shows the share filled so far, as the API reports it', async () => {
    // Bounded wait until the backfill has made some progress, so the bar has something to show.
    const deadline = Date.now() + 30_000;
    let before = await progress();
    while ((before?.progress ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      before = await progress();
    }
    expect(before?.state).toBe('running');
    await page.goto(`${daemon.url}/#/`);
    const compact = page.locator('tr[data-slo=api-availability] .backfill.compact');
    await compact.waitFor();
    expect(await compact.getAttribute('data-backfill')).toBe('running');

    await page.goto(`${daemon.url}/#/slo/api-availability`);
    const bar = page.locator('.backfill:not(.compact)');
    await bar.waitFor();
    const after = await progress();
    expect(after?.state).toBe('running');
    const shown = Number(await bar.getAttribute('data-progress'));
    // The page read the figure between the two API reads: it lies between them.
    expect(shown).toBeGreaterThanOrEqual((before?.progress ?? 1) - 1e-4);
    expect(shown).toBeLessThanOrEqual((after?.progress ?? 0) + 1e-4);
    expect(shown).toBeGreaterThan(0);
    expect(await bar.locator('.label').textContent()).toBe(`backfilling ${(shown * 100).toFixed(0)} %`);
    expect(await bar.textContent()).toContain('alerts wait until it is done');
    // Data is on its way from the source: the page does not ask for it to be sent.
    expect(await page.locator('text=No data yet?').count()).toBe(0);
    await page.screenshot({ path: join(RESULTS, 'backfill-progress.png'), fullPage: true });
  });

  it('shows a failed backfill with the source\'s reason when the source goes away', async () => {
    await prometheus.stop();
    const deadline = Date.now() + 60_000;
    let failed = await progress();
    while (failed?.state !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      failed = await progress();
    }
    expect(failed?.state).toBe('failed');
    expect(failed?.reason).toBeTruthy();
    // The page is already on this SLO (the test before): load it afresh rather than wait for its refresh.
    await page.goto(`${daemon.url}/#/slo/api-availability`);
    await page.reload();
    const bar = page.locator('.backfill[data-backfill=failed]');
    await bar.waitFor();
    expect(await bar.locator('.label').textContent()).toMatch(/^backfill failed at \d+ %$/);
    expect(await bar.getAttribute('title')).toContain(failed?.reason ?? 'no reason');
  });
});
