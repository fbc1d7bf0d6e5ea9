/**
 * The period figures of a 30-day SLO under `promtool test rules`, against an oracle computed from the raw samples.
 *
 * The SLO is the checkout fixture (99.9 %, budget 0.001, 30d, default tiers, minEvents 100), its rules generated for a
 * one-hour evaluation interval. Its request counters run 41 days at one sample a minute (the base window is 5m, and
 * `rate()` needs two samples in it): 10 days healthy at 1000 requests a minute, six hours at 2 % errors (a 20x
 * burn), then 0.05 % errors (0.5x). Every change of rate happens just after an hour mark, so each hourly evaluation's
 * 5m window lies inside one phase.
 *
 * The oracle: each counter is built minute by minute from the phases, and the events in the period ending at T are
 * the counter at T minus the counter 30 days earlier (no resets, so the increase is the difference of two raw
 * samples). The period's error ratio is bad / total, its burn rate that over the budget, the budget remaining one
 * minus the burn rate and the SLI one minus the error ratio. promtool must report every one of them within 1e-9
 * (relative for the counts), and the alerts must fire and resolve on the timeline worked out below.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRules } from '../../src/generate/index.js';
import type { RuleFile } from '../../src/generate/index.js';
import { checkoutAvailability } from './fixtures.js';
import { counter, expectedAlert, promtool, writeRulesTest } from './promtool.js';

const dir = mkdtempSync(join(tmpdir(), 'sloe-promtool-30d-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MINUTE = 1;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PERIOD = 30 * DAY;
const BUDGET = 0.001;

/** Requests and errors per minute, each phase for so many minutes (the first starts after the sample at minute 0). */
const PHASES = [
  { minutes: 10 * DAY, ok: 1000, errors: 0 },
  { minutes: 6 * HOUR, ok: 980, errors: 20 },
  { minutes: 31 * DAY - 6 * HOUR, ok: 999.5, errors: 0.5 },
] as const;
const BURN_START = 10 * DAY;
const END = PHASES.reduce((sum, phase) => sum + phase.minutes, 0);

/** The raw counter at every minute 0..END: the plain oracle's input. */
function samples(perMinute: (phase: (typeof PHASES)[number]) => number): number[] {
  const values = [0];
  for (const phase of PHASES) for (let minute = 0; minute < phase.minutes; minute++) values.push(values[values.length - 1]! + perMinute(phase));
  return values;
}
const okCounter = samples((phase) => phase.ok);
const errorCounter = samples((phase) => phase.errors);

/** The same counters in promtool's notation (`counter` counts steps: a phase of n minutes is n increments). */
function notation(perMinute: (phase: (typeof PHASES)[number]) => number): string {
  return counter(PHASES.map((phase) => ({ perStep: perMinute(phase), steps: phase.minutes })));
}

/** The period's figures at minute `at`, from two raw samples of each counter. */
function oracle(at: number): { good: number; total: number; errorRatio: number } {
  const errors = errorCounter[at]! - errorCounter[at - PERIOD]!;
  const total = errors + okCounter[at]! - okCounter[at - PERIOD]!;
  return { good: total - errors, total, errorRatio: errors / total };
}

const IDS = { slo_id: 'checkout-checkout-availability', slo_service: 'checkout', slo_name: 'checkout-availability' };
const SELECTOR = `{slo_id="${IDS.slo_id}"}`;
const SERIES_LABELS = `{owner="shop-team", slo_id="${IDS.slo_id}", slo_name="${IDS.slo_name}", slo_service="${IDS.slo_service}"`;
const ALERT = checkoutAvailability.alerting.name;
const OK = 'http_requests_total{job="checkout",code="200"}';
const ERROR = 'http_requests_total{job="checkout",code="500"}';

/** One promtool check that `expr` is within `tolerance` of `expected`: the comparison yields 1 when it is, 0 when not. */
function near(at: number, expr: string, expected: number, tolerance: number): Record<string, unknown> {
  return {
    expr: `abs(${expr}${SELECTOR} - ${expected}) < bool ${tolerance}`,
    eval_time: `${at}m`,
    // Every period figure is derived from the 30d error ratio and keeps its window label.
    exp_samples: [{ labels: `${SERIES_LABELS}, slo_window="30d"}`, value: 1 }],
  };
}

/** Every period figure at minute `at`, as the oracle has it. */
function periodChecks(at: number, figures = oracle(at)): Record<string, unknown>[] {
  const burnRate = figures.errorRatio / BUDGET;
  return [
    near(at, 'slo:events_total:increase30d', figures.total, figures.total * 1e-9),
    near(at, 'slo:events_good:increase30d', figures.good, figures.total * 1e-9),
    near(at, 'slo:sli_error:ratio_rate30d', figures.errorRatio, 1e-9),
    near(at, 'slo:period_burn_rate:ratio', burnRate, 1e-9),
    near(at, 'slo:period_error_budget_remaining:ratio', 1 - burnRate, 1e-9),
    near(at, 'slo:period_sli:ratio', 1 - figures.errorRatio, 1e-9),
  ];
}

function firing(file: RuleFile, tier: string, value: string): Record<string, unknown> {
  return expectedAlert(file, tier, value, { owner: 'shop-team', ...IDS });
}

describe('a 30-day SLO under promtool test rules, against figures computed from the raw samples', () => {
  const file = generateRules([checkoutAvailability], { interval: 60 * 60_000 }).files[0]!;
  const series = [{ series: OK, values: notation((phase) => phase.ok) }, { series: ERROR, values: notation((phase) => phase.errors) }];

  it('has the samples the oracle reads', () => {
    expect(okCounter).toHaveLength(END + 1);
    // Spot values worked out by hand: 10 days at 1000/min, then 6 h at 980/min.
    expect(okCounter[BURN_START]).toBe(14_400_000);
    expect(errorCounter[BURN_START + 6 * HOUR]).toBe(7200);
    // At 30 days the period is 10 d healthy, 6 h at 2 %, 19 d 18 h at 0.05 %: 7200 + 0.5 × 28 440 errors in 43.2 M requests.
    expect(oracle(PERIOD)).toEqual({ good: 43_200_000 - 21_420, total: 43_200_000, errorRatio: 21_420 / 43_200_000 });
  });

  it('records the period error ratio, burn rate, budget remaining and SLI the oracle computes, and the alerts fire on time', () => {
    // Alerts are evaluated hourly. From the burn's start B (10 d), with k hours of 2 % errors:
    // page-fast (1h/5m above 14.4x) is active at B+1h, fires at B+2h (for 2m); page-slow (6h/30m, 6x) needs
    // 3.33k > 6, active at B+2h, fires at B+3h (for 15m); ticket-fast (1d/2h, 3x) needs 0.833k > 3, active at B+4h,
    // fires at B+5h (for 1h); ticket-slow (3d/6h, 1x) needs 0.278k > 1, active at B+4h, fires at B+7h (for 3h).
    // The burn stops at B+6h: the page tiers' short windows are clean at B+7h, ticket-fast's 2h one at B+8h,
    // ticket-slow's 6h one at B+12h. The value is the short window's error ratio: 2 % while it burns; at B+7h
    // ticket-fast's 2h holds 1200 + 30 errors in 120 000 (1.025 %), ticket-slow's 6h 6000 + 30 in 360 000 (1.675 %);
    // at B+8h ticket-slow's 6h holds 4800 + 60 in 360 000 (1.35 %).
    const at = (hours: number): string => `${BURN_START + hours * HOUR}m`;
    const alerts = [
      { eval_time: at(0), alertname: ALERT, exp_alerts: [] },
      { eval_time: at(1), alertname: ALERT, exp_alerts: [] },
      { eval_time: at(2), alertname: ALERT, exp_alerts: [firing(file, 'page-fast', '2%')] },
      { eval_time: at(3), alertname: ALERT, exp_alerts: [firing(file, 'page-fast', '2%'), firing(file, 'page-slow', '2%')] },
      { eval_time: at(4), alertname: ALERT, exp_alerts: [firing(file, 'page-fast', '2%'), firing(file, 'page-slow', '2%')] },
      { eval_time: at(5), alertname: ALERT, exp_alerts: [firing(file, 'page-fast', '2%'), firing(file, 'page-slow', '2%'), firing(file, 'ticket-fast', '2%')] },
      { eval_time: at(7), alertname: ALERT, exp_alerts: [firing(file, 'ticket-fast', '1.025%'), firing(file, 'ticket-slow', '1.675%')] },
      { eval_time: at(8), alertname: ALERT, exp_alerts: [firing(file, 'ticket-slow', '1.35%')] },
      { eval_time: at(12), alertname: ALERT, exp_alerts: [] },
      { eval_time: `${END}m`, alertname: ALERT, exp_alerts: [] },
    ];
    // The period figures: at 30 d (the whole burn inside), the moment the burn's last hour leaves the period (30 d
    // after B+6h: an evaluation too many in the period's sum would count that hour), and at the end (0.05 % only).
    const checks = [PERIOD, BURN_START + 6 * HOUR + PERIOD, END].flatMap((minute) => periodChecks(minute));
    const path = writeRulesTest(dir, 'period', file, '1h', [{ interval: '1m', input_series: series, alert_rule_test: alerts, promql_expr_test: checks }]);
    const result = promtool(['test', 'rules', path], dir, 300_000);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  }, 400_000);

  it('fails when a figure is off by one evaluation, so the checks can fail', () => {
    // 30 d after the burn's end, a sum over one evaluation too many would hold the burn's last hour: 1200 errors
    // more in 60 000 requests more. promtool must reject that figure.
    const at = BURN_START + 6 * HOUR + PERIOD;
    const right = oracle(at);
    const wrong = { good: right.good + 58_800, total: right.total + 60_000, errorRatio: (right.total - right.good + 1200) / (right.total + 60_000) };
    expect(wrong.errorRatio - right.errorRatio).toBeGreaterThan(1e-5);
    const path = writeRulesTest(dir, 'off-by-one', file, '1h', [{ interval: '1m', input_series: series, promql_expr_test: [near(at, 'slo:sli_error:ratio_rate30d', wrong.errorRatio, 1e-9)] }]);
    const result = promtool(['test', 'rules', path], dir, 300_000);
    expect(result.output).toContain('slo:sli_error:ratio_rate30d');
    expect(result.status).not.toBe(0);
  }, 400_000);
});
