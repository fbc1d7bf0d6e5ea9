import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRules } from '../../src/generate/index.js';
import type { RuleFile } from '../../src/generate/index.js';
import { checkoutAvailability } from './fixtures.js';
import { counter, expectedAlert, promtool, writeRulesTest } from './promtool.js';

/**
 * `promtool test rules` over the generated rules of a 99.9 % SLO (budget 0.1 %, 30-day period, default tiers):
 * synthetic request counters burn the budget at a chosen rate after a healthy history, and the alerts must fire
 * when the SRE Workbook's arithmetic says: a tier with threshold B over a long window w becomes active once the
 * burning share p of w satisfies p · rate > B, then waits its `for`.
 */
const dir = mkdtempSync(join(tmpdir(), 'sloe-promtool-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALERT = checkoutAvailability.alerting.name;
const OK = 'http_requests_total{job="checkout",code="200"}';
const ERROR = 'http_requests_total{job="checkout",code="500"}';

/** What promtool should report for a firing tier of the checkout SLO (the no-data alert has no series labels). */
function expected(file: RuleFile, tier: string, value: string): Record<string, unknown> {
  const ids = { slo_id: 'checkout-checkout-availability', slo_service: 'checkout', slo_name: 'checkout-availability' };
  return expectedAlert(file, tier, value, tier === 'nodata' ? ids : { owner: 'shop-team', ...ids });
}

function writeRulesAndTest(name: string, file: RuleFile, evaluationInterval: string, tests: unknown[]): string {
  return writeRulesTest(dir, name, file, evaluationInterval, tests);
}

describe('generated alerts under promtool test rules', () => {
  it('20x burns page within the hour, 0.5x fires nothing, and a stopped series fires the absent alert', () => {
    const file = generateRules([checkoutAvailability]).files[0]!;
    // 6h healthy at 1000 req/min, then 20x the budget: 2 % errors. Page-fast (1h, 14.4) is active once
    // 72 % of the hour burned (43.2 min), then waits for: 2m. Page-slow (6h, 6) would need 1.8 h.
    const burn20 = {
      interval: '1m',
      input_series: [
        { series: OK, values: counter([{ perStep: 1000, steps: 361 }, { perStep: 980, steps: 60 }]) },
        { series: ERROR, values: counter([{ perStep: 0, steps: 361 }, { perStep: 20, steps: 60 }]) },
      ],
      alert_rule_test: [
        { eval_time: '360m', alertname: ALERT, exp_alerts: [] },
        { eval_time: '402m', alertname: ALERT, exp_alerts: [] },
        { eval_time: '408m', alertname: ALERT, exp_alerts: [expected(file, 'page-fast', '2%')] },
      ],
    };
    // 0.05 % errors from the start: every window sees the same half-the-sustainable ratio, which is below every
    // threshold (the lowest is 1x over 3d), so six hours show what any longer run would.
    const burnHalf = {
      interval: '1m',
      input_series: [
        { series: OK, values: counter([{ perStep: 9995, steps: 361 }]) },
        { series: ERROR, values: counter([{ perStep: 5, steps: 361 }]) },
      ],
      alert_rule_test: ['10m', '1h', '3h', '6h'].map((time) => ({ eval_time: time, alertname: ALERT, exp_alerts: [] })),
    };
    // Traffic stops after 60 minutes: the 5m event count disappears about 5 minutes later, then noDataFor (10m).
    const stopped = {
      interval: '1m',
      input_series: [
        { series: OK, values: counter([{ perStep: 1000, steps: 61 }]) },
        { series: ERROR, values: counter([{ perStep: 0, steps: 61 }]) },
      ],
      alert_rule_test: [
        { eval_time: '60m', alertname: `${ALERT}NoData`, exp_alerts: [] },
        { eval_time: '70m', alertname: `${ALERT}NoData`, exp_alerts: [] },
        { eval_time: '80m', alertname: `${ALERT}NoData`, exp_alerts: [expected(file, 'nodata', '')] },
        { eval_time: '80m', alertname: ALERT, exp_alerts: [] },
      ],
    };
    const path = writeRulesAndTest('fast', file, '1m', [burn20, burnHalf, stopped]);
    const result = promtool(['test', 'rules', path], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  }, 90_000);

  it('2x burns only the slow ticket tier, after a day and a half', () => {
    // Evaluated every 5 minutes to keep three days of history cheap.
    const file = generateRules([checkoutAvailability], { interval: 5 * 60_000 }).files[0]!;
    // 3 days healthy at 5000 req per 5 minutes, then 0.2 % errors. Ticket-slow (3d, 1) is active once half of the
    // 3 days burned (36 h), then waits for: 3h; ticket-fast (1d, 3) and both page tiers never trigger at 2x.
    const burn2 = {
      interval: '5m',
      input_series: [
        { series: OK, values: counter([{ perStep: 5000, steps: 865 }, { perStep: 4990, steps: 576 }]) },
        { series: ERROR, values: counter([{ perStep: 0, steps: 865 }, { perStep: 10, steps: 576 }]) },
      ],
      alert_rule_test: [
        { eval_time: '4320m', alertname: ALERT, exp_alerts: [] },
        { eval_time: '5400m', alertname: ALERT, exp_alerts: [] },
        { eval_time: '6600m', alertname: ALERT, exp_alerts: [] },
        { eval_time: '6720m', alertname: ALERT, exp_alerts: [expected(file, 'ticket-slow', '0.2%')] },
      ],
    };
    const path = writeRulesAndTest('slow', file, '5m', [burn2]);
    const result = promtool(['test', 'rules', path], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  }, 90_000);

  it('promtool fails the test when an expected alert is missing, so these checks can fail', () => {
    const file = generateRules([checkoutAvailability]).files[0]!;
    const quiet = {
      interval: '1m',
      input_series: [{ series: OK, values: counter([{ perStep: 1000, steps: 61 }]) }, { series: ERROR, values: counter([{ perStep: 0, steps: 61 }]) }],
      alert_rule_test: [{ eval_time: '60m', alertname: ALERT, exp_alerts: [expected(file, 'page-fast', '2%')] }],
    };
    const result = promtool(['test', 'rules', writeRulesAndTest('negative', file, '1m', [quiet])], dir);
    expect(result.status).not.toBe(0);
  });
});
