import { rmSync } from 'node:fs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/api/errors.js';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { Report, ReviewComponent } from '../../src/review/index.js';
import type { SqliteStore } from '../../src/store/index.js';
import { BURN, OBJECTIVE, PERIOD_MINUTES, REQUESTS_PER_MINUTE, SLO_NAME, startReviewRig } from './stream.js';
import type { Stream } from './stream.js';

// The known stream, across a month's end: three clean days up to 2026-11-30 22:00 UTC, 30 clean minutes, an hour at
// 30× (22:30 to 23:30, all in November), then an hour clean into December.
const START = Date.UTC(2026, 10, 30, 22, 0);
const FROM = START - DAY;
const TO = START + 150 * MINUTE;

let dir: string;
let store: SqliteStore;
let stream: Stream;
let reviews: ReviewComponent;
let http: Hono;

beforeAll(async () => {
  ({ dir, store, reviews, stream } = await startReviewRig('sloe-report-', START));
  await stream.run(30, 0);
  await stream.run(60, BURN);
  // One minute past the range's end: a minute's increase lands once the next sample shows it, so [FROM, TO) is complete.
  await stream.run(61, 0);
  // What the gate decided meanwhile, as the policy journals it: an audit entry per distinct verdict (repeats counted)
  // and the freeze and thaw of the service.
  store.journal.append('decision', { at: START + 40 * MINUTE, subject: 'api', data: { service: 'api', decision: 'allow', environment: 'production', count: 3, firstAt: new Date(START + 10 * MINUTE).toISOString(), lastAt: new Date(START + 40 * MINUTE).toISOString(), caller: 'api ci', reasons: [] } });
  store.journal.append('decision', { at: START + 80 * MINUTE, subject: 'api', data: { service: 'api', decision: 'deny', environment: 'production', count: 5, firstAt: new Date(START + 62 * MINUTE).toISOString(), lastAt: new Date(START + 80 * MINUTE).toISOString(), caller: 'api ci', reasons: ['page alert firing'] } });
  store.journal.append('decision', { at: START - 2 * DAY, subject: 'api', data: { service: 'api', decision: 'deny', count: 7, lastAt: new Date(START - 2 * DAY).toISOString() } });
  store.journal.append('freeze', { at: START + 62 * MINUTE, subject: 'api', data: { type: 'freeze', environment: 'production', reasons: ['page alert firing'] } });
  store.journal.append('freeze', { at: START + 100 * MINUTE, subject: 'api', data: { type: 'thaw', environment: 'production', frozenReasons: ['page alert firing'] } });
  http = new Hono();
  http.onError(errorResponse);
  for (const routes of reviews.routes ?? []) http.route('/', routes);
}, 60_000);

afterAll(async () => {
  await stream.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function report(query: string): Promise<Report> {
  const response = await http.request(`/api/v1/reports?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

describe('GET /api/v1/reports over a known stream', () => {
  it('budget spent, SLI, compliance per calendar month, the incident with its cost, TTD and TTR: against hand computation', async () => {
    const body = await report(`service=api&from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`);
    expect(body.from).toBe(new Date(FROM).toISOString());
    expect(body.services.map((service) => service.service)).toEqual(['api']);
    const [service] = body.services;
    const slo = service?.slos[0];
    if (!service || !slo) throw new Error('no SLO in the report');
    expect(slo.name).toBe(SLO_NAME);
    // 1590 minutes of 1000 requests; 60 of them with 30 errors.
    const minutes = (TO - FROM) / MINUTE;
    const bad = 60 * REQUESTS_PER_MINUTE * BURN * (1 - OBJECTIVE);
    expect(slo.events.total).toBeCloseTo(minutes * REQUESTS_PER_MINUTE, 0);
    expect(slo.events.total - slo.events.good).toBeCloseTo(bad, 0);
    expect(slo.sli).toBeCloseTo(1 - bad / (minutes * REQUESTS_PER_MINUTE), 9);
    expect(slo.coverage).toBe(1);
    // 1800 bad requests against a period's allowance of 0.001 × 1000 × 43 200 = 43 200: 4.17 %.
    expect(slo.budgetSpent).toBeCloseTo(bad / ((1 - OBJECTIVE) * REQUESTS_PER_MINUTE * PERIOD_MINUTES), 6);
    expect(slo.budgetSpent).toBeCloseTo(0.041667, 5);
    // The budget left at the end of the range: its 30-day period holds the 4470 minutes since the stream began
    // (three days and 150 minutes) and the 1800 bad requests: 1 − 1800 / (0.001 × 4 470 000).
    expect(slo.budgetRemaining).toBeCloseTo(1 - bad / ((1 - OBJECTIVE) * 4470 * REQUESTS_PER_MINUTE), 6);
    // Compliance: November's part holds 1560 minutes and every bad request (SLI 0.99885: missed), December's 30 clean ones.
    expect(slo.compliance.map((period) => [period.period, period.partial, period.met])).toEqual([
      ['2026-11', true, false],
      ['2026-12', true, true],
    ]);
    expect(slo.compliance[0]?.sli).toBeCloseTo(1 - bad / (1560 * REQUESTS_PER_MINUTE), 9);
    expect(slo.compliance[1]?.events.total).toBeCloseTo(30 * REQUESTS_PER_MINUTE, 0);
    // The budget chart spans the range, ending with the remaining figure at its end, and falls during the burn.
    expect(slo.budget.at(-1)?.t).toBe(new Date(TO).toISOString());
    expect(slo.budget.length).toBeGreaterThan(100);
    const remaining = slo.budget.map((point) => point.remaining ?? Number.NaN);
    expect(Math.min(...remaining)).toBeLessThan((remaining[0] ?? 0) - 0.3);
    // The incident: its cost is the same hour at 30×; detected by the page 2 minutes after pending.
    expect(slo.incidents).toHaveLength(1);
    const [incident] = slo.incidents;
    expect(incident?.budgetSpent).toBeCloseTo(0.041667, 3);
    expect(slo.incidentBudgetSpent).toBeCloseTo(incident?.budgetSpent ?? 0, 9);
    expect(incident?.timeToDetectSeconds).toBe(120);
    const startedAt = Date.parse(incident?.startedAt ?? '');
    expect((startedAt - (START + 30 * MINUTE)) / MINUTE).toBeGreaterThanOrEqual(28);
    expect(service.medianTimeToDetectSeconds).toBe(120);
    expect(service.medianTimeToResolveSeconds).toBe(incident?.timeToResolveSeconds);
    // Gate activity in the range only (the deny two days earlier is outside), repeats counted.
    expect(service.gate.decisions).toMatchObject({ allow: 3, warn: 0, deny: 5 });
    expect(service.gate.freezes.map((freeze) => freeze.type)).toEqual(['freeze', 'thaw']);
  });

  it('Markdown: the same figures as tables', async () => {
    const response = await http.request(`/api/v1/reports?service=api&format=markdown&from=${FROM / 1000}&to=${TO / 1000}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = await response.text();
    expect(text).toMatch(/^# SLO report 2026-11-29 22:00Z to 2026-12-01 00:30Z/);
    expect(text).toContain('| api-availability | 99.90 % | 99.887 % | 4.2 % | 59.7 % | 100 % | 1 | 4.2 % |');
    expect(text).toContain('| api-availability | 2026-11 (part) | 99.885 % | 99.90 % | MISSED |');
    expect(text).toMatch(/\| api-availability \| 2026-11-30 22:5\dZ \| page \| 4\.1\d % \| 30\.0× \| 2m \| \d+m \|/);
    expect(text).toContain('Gate decisions: 3 allow, 0 warn, 5 deny.');
  });

  it('a range without the burn spends nothing; selections and bad parameters', async () => {
    const quietDay = await report(`from=${new Date(FROM).toISOString()}&to=${new Date(START).toISOString()}`);
    expect(quietDay.services[0]?.slos[0]?.budgetSpent).toBe(0);
    expect(quietDay.services[0]?.slos[0]?.incidents).toEqual([]);
    expect((await report('service=nope')).services).toEqual([]);
    expect((await report(`slo=${SLO_NAME}&to=${TO / 1000}`)).services[0]?.slos.map((slo) => slo.name)).toEqual([SLO_NAME]);
    // Before the first data: no events, so no SLI or spend (unknown, not healthy).
    const before = await report(`from=${(START - 10 * DAY) / 1000}&to=${(START - 5 * DAY) / 1000}`);
    expect(before.services[0]?.slos[0]).toMatchObject({ sli: null, budgetSpent: null, coverage: 0 });
    for (const query of ['from=yesterday', `from=${TO / 1000}&to=${FROM / 1000}`, 'format=pdf']) {
      const response = await http.request(`/api/v1/reports?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
  });

  it('the budget left at the end of a 30-day range (the default) is the figure at its end, not at its last whole hour', async () => {
    // The chart's points are 6 hours apart over 30 days; the end's figure must still be read at the minute, as the
    // live status is: 4470 minutes in the period at 00:30, not the 4440 of 00:00 (59.46 % instead of 59.73 %).
    const body = await report(`service=api&from=${(TO - 30 * DAY) / 1000}&to=${TO / 1000}`);
    const slo = body.services[0]?.slos[0];
    const bad = 60 * REQUESTS_PER_MINUTE * BURN * (1 - OBJECTIVE);
    expect(slo?.budgetRemaining).toBeCloseTo(1 - bad / ((1 - OBJECTIVE) * 4470 * REQUESTS_PER_MINUTE), 6);
    expect(slo?.budget.at(-1)).toEqual({ t: new Date(TO).toISOString(), remaining: slo?.budgetRemaining });
  });

  it('a day of a longer range with the coarse (hour) buckets gives the same spend', async () => {
    const body = await report(`from=${(START - 2 * DAY - 2 * HOUR) / 1000}&to=${TO / 1000}`);
    expect(body.services[0]?.slos[0]?.budgetSpent).toBeCloseTo(0.041667, 5);
  });
});
