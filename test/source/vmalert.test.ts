/**
 * sloe's generated rules evaluated by a real `vmalert` against a real VictoriaMetrics: the test writes 26 hours of
 * request counters into VictoriaMetrics through its import API and feeds the very same samples to sloe's engine;
 * vmalert replays the rules sloe generates for the SLO over that history, writing its `slo:*` recordings back into
 * VictoriaMetrics. At the instants compared, the error ratio of every window, the period's events and the budget
 * remaining that VictoriaMetrics then holds agree with sloe's own figures, and both agree with an oracle computed
 * from the raw samples (all within 1 %).
 *
 * Why they can agree closely: MetricsQL's rate() counts from the last sample before the window (unlike Prometheus,
 * which extrapolates from the samples inside it), and with a sample every 30 s the span it divides by is exactly the
 * window, so rate·w is the exact increase that sloe counts; the period's figure is a sum of 1-minute recordings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, parseDuration } from '../../src/core/index.js';
import type { IncomingSeries, SloStatus } from '../../src/core/index.js';
import { generateRules } from '../../src/generate/index.js';
import { REQUESTS, harness, makeSlo, specsOf } from '../engine/fixtures.js';
import { replayWithVmalert } from './vmalert-replay.js';
import { startVictoriaMetrics } from './victoria-process.js';
import type { VictoriaProcess } from './victoria-process.js';

/** Two days ago at midnight: well inside VictoriaMetrics' retention, wholly in the past for vmalert's replay. */
const START = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
const HOURS = 26;
/** A scrape every 30 s, 7 s past the half minute, so no sample sits on a window's edge. */
const INTERVAL = 30_000;
const OFFSET = 7_000;
/** Request counts per scrape by status code: uneven traffic, a steady trickle of errors and bursts every few hours. */
const SERIES = [
  { code: '200', perScrape: (i: number) => 480 + ((i * 37) % 90) },
  { code: '201', perScrape: (i: number) => 20 + ((i * 11) % 7) },
  { code: '500', perScrape: (i: number) => 1 + ((i * 7) % 3) + (i % 331 < 20 ? 30 : 0) },
  { code: '503', perScrape: (i: number) => (Math.floor(i / 120) % 5 === 2 ? (i % 5) + 2 : 0) },
] as const;
const OBJECTIVE = 0.999;
const slo = makeSlo({ window: { kind: 'rolling', duration: DAY }, target: OBJECTIVE });
/** Instants compared: a whole period of 1-minute recordings lies behind each. */
const INSTANTS = [25, 25.5, 26].map((hours) => START + hours * HOUR);

/** Every sample written, per code: the oracle reads these. */
const written = new Map<string, { t: number; value: number }[]>(SERIES.map((series) => [series.code, []]));
const statuses = new Map<number, SloStatus>();
let vm: VictoriaProcess;

/** Events in (at - window, at] from the raw samples: the last value at or before `at` less the last at or before the window's start. */
function oracleIncrease(codes: readonly string[], window: number, at: number): number {
  const lastAtOrBefore = (samples: readonly { t: number; value: number }[], t: number) => samples.filter((sample) => sample.t <= t).at(-1)?.value ?? 0;
  return codes.reduce((sum, code) => sum + lastAtOrBefore(written.get(code)!, at) - lastAtOrBefore(written.get(code)!, at - window), 0);
}
/**
 * The period as sloe counts it, by its documented resolution (docs/figures.md, "Events and windows"): minute buckets
 * for the last 6 hours, and beyond them a window starts at the next whole hour.
 */
function sloePeriodIncrease(codes: readonly string[], at: number): number {
  const start = Math.ceil((at - DAY) / HOUR) * HOUR;
  return oracleIncrease(codes, at - start, at);
}
const ALL = SERIES.map((series) => series.code);
const BAD = ['500', '503'];

function within(actual: number, expected: number, what: string): void {
  expect(Number.isFinite(actual), `${what}: ${actual}`).toBe(true);
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(0.01 * Math.abs(expected));
}

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  const { engine, clock } = harness(specsOf(slo), START);
  const values = SERIES.map(() => 0);
  let lines: string[] = [];
  for (let scrape = 0; scrape <= (HOURS * HOUR) / INTERVAL; scrape++) {
    const t = START + scrape * INTERVAL + OFFSET;
    clock.now = t;
    const incoming: IncomingSeries[] = SERIES.map((series, index) => {
      values[index]! += scrape === 0 ? 1000 : series.perScrape(scrape);
      written.get(series.code)!.push({ t, value: values[index]! });
      lines.push(`${REQUESTS}{job="api",code="${series.code}"} ${values[index]!} ${t}`);
      return { labels: { __name__: REQUESTS, code: series.code, job: 'api' }, timestamps: [t], values: [values[index]!] };
    });
    engine.append(incoming, 'remote_write');
    const due = INSTANTS.find((instant) => instant >= t && instant < t + INTERVAL);
    if (due !== undefined) {
      clock.now = due;
      statuses.set(due, (await engine.evaluate(due)).statuses[0]!);
    }
    if (lines.length >= 20_000) {
      await vm.importLines(lines);
      lines = [];
    }
  }
  await vm.importLines(lines);
  const rules = generateRules([slo], {});
  expect(rules.problems).toEqual([]);
  await replayWithVmalert({ victoriaUrl: vm.url, ruleFiles: rules.files, from: START + 30 * MINUTE, to: START + HOURS * HOUR, timeoutMs: 120_000 });
}, 300_000);

afterAll(async () => {
  await vm?.stop();
});

/** The one value of an instant query at `at`; fails naming the query when VictoriaMetrics holds none. */
async function recorded(promql: string, at: number): Promise<number> {
  const { result } = await vm.query(promql, at);
  expect(result, `${promql} at ${new Date(at).toISOString()}`).toHaveLength(1);
  return Number(result[0]!.value[1]);
}

describe('sloe rules in a real vmalert over VictoriaMetrics agree with sloe and with the samples', () => {
  it.each(INSTANTS.map((at) => [new Date(at).toISOString(), at] as const))('every window\'s error ratio at %s', async (iso, at) => {
    const status = statuses.get(at)!;
    expect(status, 'sloe evaluated at this instant').toBeDefined();
    // The alert windows of a one-day period; the period itself is compared in the next test.
    const windows = Object.keys(status.burnRates);
    expect(windows).toEqual(['1m', '2m', '4m', '12m', '48m', '2h24m']);
    for (const window of [...windows, '1d']) {
      const ms = parseDuration(window)!;
      const oracle = oracleIncrease(BAD, ms, at) / oracleIncrease(ALL, ms, at);
      expect(oracle, `${window}: the data has errors in every window`).toBeGreaterThan(0);
      const fromVmalert = await recorded(`slo:sli_error:ratio_rate${window}{slo_name="${slo.name}"}`, at);
      within(fromVmalert, oracle, `vmalert ${window} at ${iso}`);
      // sloe's own period figure is compared, at its documented resolution, in the next test.
      if (window === '1d') continue;
      const fromSloe = status.burnRates[window]! * (1 - OBJECTIVE);
      within(fromSloe, oracle, `sloe ${window} at ${iso}`);
      within(fromVmalert, fromSloe, `vmalert against sloe ${window} at ${iso}`);
    }
  });

  it.each(INSTANTS.map((at) => [new Date(at).toISOString(), at] as const))('the period\'s events and budget remaining at %s', async (iso, at) => {
    const status = statuses.get(at)!;
    const total = oracleIncrease(ALL, DAY, at);
    const bad = oracleIncrease(BAD, DAY, at);
    const remaining = 1 - bad / total / (1 - OBJECTIVE);
    // The data spends more than the budget in a day: remaining is negative, and compared as such.
    expect(remaining).toBeLessThan(0);
    within(await recorded(`slo:events_total:increase1d{slo_name="${slo.name}"}`, at), total, `vmalert period total at ${iso}`);
    within(await recorded(`slo:events_good:increase1d{slo_name="${slo.name}"}`, at), total - bad, `vmalert period good at ${iso}`);
    const fromVmalert = await recorded(`slo:period_error_budget_remaining:ratio{slo_name="${slo.name}"}`, at);
    within(fromVmalert, remaining, `vmalert budget remaining at ${iso}`);
    within(await recorded(`slo:current_burn_rate:ratio{slo_name="${slo.name}"}`, at), status.burnRates['1m']!, `current burn rate at ${iso}`);

    const sloeTotal = sloePeriodIncrease(ALL, at);
    const sloeBad = sloePeriodIncrease(BAD, at);
    within(status.events.total, sloeTotal, `sloe period total at ${iso}`);
    within(status.events.good, sloeTotal - sloeBad, `sloe period good at ${iso}`);
    within(status.errorBudget.remaining!, 1 - sloeBad / sloeTotal / (1 - OBJECTIVE), `sloe budget remaining at ${iso}`);
    // On the hour sloe's period is the exact day and both engines agree; at the half hour sloe's starts half an hour
    // later (its documented hour resolution), 2 % of a one-day period and 0.07 % of a 30-day one.
    if (at % HOUR === 0) {
      within(status.events.total, total, `sloe period total against the samples at ${iso}`);
      within(fromVmalert, status.errorBudget.remaining!, `vmalert against sloe budget remaining at ${iso}`);
    } else {
      expect(Math.abs(status.events.total - total) / total).toBeGreaterThan(0.01);
    }
  });
});
