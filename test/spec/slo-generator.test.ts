import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';

const encoder = new TextEncoder();

function problems(text: string): string[] {
  return loadSpecs([{ path: 'slo.yaml', content: encoder.encode(text) }]).problems.map(formatProblem);
}

/** A valid slo-generator v2 SLO (Prometheus backend); tests replace a line to break it. */
const SLO = `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: shop-availability
  labels:
    service_name: shop
spec:
  backend: prometheus
  method: good_bad_ratio
  service_level_indicator:
    filter_good: http_requests_total{code!~"5.."}
    filter_valid: http_requests_total
  goal: 0.999
`;

function patch(from: string, to: string): string {
  expect(SLO).toContain(from);
  return SLO.replace(from, to);
}

describe('slo-generator sre.google.com/v2', () => {
  it('the base spec loads into an SLO of its service_name', () => {
    expect(problems(SLO)).toEqual([]);
    expect(loadSpecs([{ path: 'slo.yaml', content: encoder.encode(SLO) }]).specs.slos[0]).toMatchObject({ name: 'shop-availability', service: 'shop', objectives: [{ target: 0.999 }] });
  });

  it('refuses a backend that is not Prometheus, at the value', () => {
    expect(problems(patch('backend: prometheus', 'backend: cloud_monitoring'))).toEqual([
      "slo.yaml:8:12: 'spec.backend': sloe reads slo-generator's Prometheus backend (PromQL); backend 'cloud_monitoring' is not one",
    ]);
  });

  it('refuses a filter that is an expression, a field of another method and an unknown method', () => {
    expect(problems(patch('filter_valid: http_requests_total', 'filter_valid: sum(rate(http_requests_total[5m]))'))[0]).toMatch(/^slo\.yaml:12:19: 'spec\.service_level_indicator\.filter_valid' must be a counter selector/);
    expect(problems(patch('  goal: 0.999', '    threshold_bucket: 0.5\n  goal: 0.999'))).toEqual([
      "slo.yaml:13:5: 'spec.service_level_indicator.threshold_bucket' does not go with method good_bad_ratio; it takes filter_good, filter_bad, filter_valid",
    ]);
    expect(problems(patch('method: good_bad_ratio', 'method: good_bad_ratios'))[0]).toMatch(/^slo\.yaml:9:11: 'spec\.method': .*good_bad_ratio/);
  });

  it('refuses a query_sli expression without [window] and a goal outside (0, 1)', () => {
    const query = patch('method: good_bad_ratio', 'method: query_sli').replace(/ {4}filter_good.*\n.*\n/, '    expression: sum(rate(a[5m])) / sum(rate(b[5m]))\n');
    expect(problems(query)).toEqual(["slo.yaml:11:17: 'spec.service_level_indicator.expression' must use [window] as its range, as slo-generator's Prometheus backend substitutes it"]);
    expect(problems(patch('goal: 0.999', 'goal: 99.9'))).toEqual(["slo.yaml:13:9: 'spec.goal' must be between 0 and 1 (exclusive), got 99.9"]);
  });
});

describe('slo-generator error budget policies (shared configuration)', () => {
  const CONFIG = `error_budget_policies:
  default:
    steps:
      - name: 1 hour
        burn_rate_threshold: 9
        alert: true
        window: 3600
      - name: 7 days
        burn_rate_threshold: 1.5
        alert: false
        window: 604800
`;
  const load = (files: Record<string, string>, options: Parameters<typeof loadSpecs>[1] = {}) => loadSpecs(Object.entries(files).map(([path, text]) => ({ path, content: encoder.encode(text) })), options);
  const lines = (files: Record<string, string>, options: Parameters<typeof loadSpecs>[1] = {}) => load(files, options).problems.map(formatProblem);

  it('maps the steps of the policy an SLO uses, from another file, to tiers: alert true pages, alert false is a disabled ticket tier', () => {
    const result = load({ 'config.yaml': CONFIG, 'slo.yaml': SLO });
    expect(result.problems).toEqual([]);
    expect(result.specs.slos[0]!.alerting.tiers).toEqual([
      { name: '1-hour', severity: 'page', budgetFraction: 0.0125, longWindow: 3_600_000, shortWindow: 300_000, burnRateThreshold: 9, for: 0, disabled: false },
      { name: '7-days', severity: 'ticket', budgetFraction: 0.35, longWindow: 604_800_000, shortWindow: 50_400_000, burnRateThreshold: 1.5, for: 0, disabled: true },
    ]);
  });

  it('without any shared configuration an SLO keeps sloe\'s own table, whether it names `default` or not', () => {
    for (const text of [SLO, `${SLO}  error_budget_policy: default\n`]) {
      const result = load({ 'slo.yaml': text });
      expect(result.problems).toEqual([]);
      expect(result.specs.slos[0]!.alerting.tiers.map((tier) => tier.name)).toEqual(['page-fast', 'page-slow', 'ticket-fast', 'ticket-slow']);
    }
  });

  it('refuses a policy that is not loaded, at the value, naming the ones that are', () => {
    expect(lines({ 'config.yaml': CONFIG, 'slo.yaml': `${SLO}  error_budget_policy: defualt\n` })).toEqual([
      "slo.yaml:14:24: 'spec.error_budget_policy': unknown error budget policy 'defualt' (did you mean 'default'?); loaded: default",
    ]);
    expect(lines({ 'slo.yaml': `${SLO}  error_budget_policy: strict\n` })).toEqual([
      "slo.yaml:14:24: 'spec.error_budget_policy': unknown error budget policy 'strict'; no policies are loaded: load slo-generator's shared configuration (the file with error_budget_policies) with the SLOs",
    ]);
  });

  it('refuses steps that cannot be tiers, each at its field', () => {
    const broken = CONFIG.replace('burn_rate_threshold: 9', 'burn_rate_threshold: 0').replace('window: 3600', 'window: 90').replace('alert: false', 'alerting_burn_rate_threshold: 2');
    expect(lines({ 'config.yaml': broken })).toEqual([
      "config.yaml:5:30: 'error_budget_policies.default.steps[0].burn_rate_threshold' must be a positive burn rate, got 0",
      "config.yaml:7:17: 'error_budget_policies.default.steps[0].window' must be a whole number of minutes in seconds (60, 3600, ...), as sloe counts events per minute; got 90",
      expect.stringMatching(/^config\.yaml:10:9: unknown field 'alerting_burn_rate_threshold'/),
    ]);
    const twice = `${CONFIG}      - name: 1-Hour\n        burn_rate_threshold: 2\n        window: 7200\n`;
    expect(lines({ 'config.yaml': twice })).toEqual(["config.yaml:12:15: 'error_budget_policies.default.steps[2].name': step name '1-Hour' names the same alert tier (1-hour) as an earlier step; step names must differ in more than case and punctuation"]);
    expect(lines({ 'a.yaml': CONFIG, 'b.yaml': CONFIG })).toEqual(["b.yaml:2:3: error budget policy 'default' is defined twice; each name may be defined once across the loaded files"]);
  });

  it('refuses a step whose window is longer than the SLO period, at the step', () => {
    expect(lines({ 'config.yaml': CONFIG, 'slo.yaml': SLO }, { defaultSloPeriod: 86_400_000 })).toEqual([
      "config.yaml:11:17: error budget policy step '7 days': its window (7d) is longer than the SLO period (1d); a burn rate over it has no budget to measure against (set the period with --default-slo-period)",
    ]);
  });
});
