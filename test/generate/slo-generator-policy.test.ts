/**
 * slo-generator's error budget policy steps as sloe generates them, under `promtool test rules`: after two healthy
 * hours, 2.5 % of requests fail (25× the budget of a 99.9 % SLO). With the documented default policy (1 hour at 9×,
 * 12 hours at 3× alerting; 7 and 28 days not alerting), the hand-computed timeline, b the minutes of burning, is:
 * - the 1-hour step pages once its 1h error ratio passes 9 × 0.1 %: (b / 60) · 2.5 % > 0.9 % for b > 21.6, so from
 *   b = 22 (its 5m short window is at 2.5 % from b = 5);
 * - the 12-hours step pages once its 12h ratio passes 0.3 %: the series began at t = 0, so the 12h ratio is the ratio
 *   since then, 25 b / ((120 + b) · 1000) > 0.003 for b > 16.4, so from b = 17 (its 1h short window passes 0.3 % at
 *   b > 7.2);
 * - the 7-days and 28-days steps never alert (alert: false).
 * Every threshold falls between two evaluations, so floating-point rounding cannot move an alert by a minute.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRules, renderRuleFile } from '../../src/generate/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { counter, promtool } from './promtool.js';

const INPUT = 'test/spec/golden/slogenerator-policy.in.yaml';
const dir = mkdtempSync(join(tmpdir(), 'sloe-slo-generator-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEALTHY = 120; // minutes
const BURNING = 60;
/** Cumulative requests at minute k: 1000 a minute, none failing and then 25 failing. */
const bad = (k: number): number => Math.max(0, k - HEALTHY) * 25;
const good = (k: number): number => 1000 * k - bad(k);

/** Firing tiers of the SLO's alert at minute `at`, as promtool's ALERTS series says. */
const firing = (at: number, tiers: readonly string[]) => ({
  expr: 'count by (slo_tier) (ALERTS{alertname="ShopAvailability", alertstate="firing"})',
  eval_time: `${at}m`,
  exp_samples: tiers.map((tier) => ({ labels: `{slo_tier="${tier}"}`, value: 1 })),
});

describe('slo-generator policy steps as alert tiers under promtool test rules', () => {
  const loaded = loadSpecs([{ path: INPUT, content: readFileSync(INPUT) }]);
  const slo = loaded.specs.slos.find((candidate) => candidate.name === 'shop-availability')!;

  it('pages on the alerting steps when the hand-computed burn says, and never on the others', () => {
    expect(loaded.problems).toEqual([]);
    const rules = generateRules([slo]);
    expect(rules.problems).toEqual([]);
    const file = rules.files[0]!;
    const alertTiers = file.groups.flatMap((group) => group.rules).flatMap((rule) => ('alert' in rule && rule.labels.slo_tier !== undefined ? [rule.labels.slo_tier] : []));
    // The disabled steps have no alert rule; the no-data alert is sloe's own (its name is the SLO's alert name + NoData).
    expect(alertTiers).toEqual(['1-hour', '12-hours', 'nodata']);
    writeFileSync(join(dir, 'policy.rules.yaml'), renderRuleFile(file));
    const values = (at: (k: number) => number) => counter([{ perStep: at(1), steps: HEALTHY }, { perStep: at(HEALTHY + 1) - at(HEALTHY), steps: BURNING }]);
    const test = {
      rule_files: ['policy.rules.yaml'],
      evaluation_interval: '1m',
      // promtool evaluates the groups in map order unless told; recordings first, as their alerts read them.
      group_eval_order: file.groups.map((group) => group.name),
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: 'http_requests_total{handler="/checkout",code="200"}', values: values(good) },
            { series: 'http_requests_total{handler="/checkout",code="500"}', values: values(bad) },
          ],
          promql_expr_test: [firing(HEALTHY, []), firing(HEALTHY + 16, []), firing(HEALTHY + 17, ['12-hours']), firing(HEALTHY + 21, ['12-hours']), firing(HEALTHY + 22, ['1-hour', '12-hours']), firing(HEALTHY + BURNING, ['1-hour', '12-hours'])],
        },
      ],
    };
    writeFileSync(join(dir, 'policy.test.yaml'), stringify(test, { lineWidth: 0 }));
    const result = promtool(['test', 'rules', join(dir, 'policy.test.yaml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });
});
