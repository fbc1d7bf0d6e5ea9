import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../core/index.js';
import { checkoutAvailability, checkoutLatency, platformApi, queueDepth, wifiSatisfaction } from '../../../test/generate/fixtures.js';
import { generateRules } from './generate.js';
import type { AlertingRule, RecordingRule, RuleFile } from './types.js';

function records(file: RuleFile | undefined): RecordingRule[] {
  return (file?.groups ?? []).flatMap((group) => group.rules).filter((rule): rule is RecordingRule => 'record' in rule);
}
function alerts(file: RuleFile | undefined): AlertingRule[] {
  return (file?.groups ?? []).flatMap((group) => group.rules).filter((rule): rule is AlertingRule => 'alert' in rule);
}

describe('generateRules', () => {
  it('files rules per service, sorted, with safe file names', () => {
    const { files, problems } = generateRules([wifiSatisfaction, checkoutAvailability, checkoutLatency]);
    expect(problems).toEqual([]);
    expect(files.map((file) => file.fileName)).toEqual(['checkout.rules.yaml', 'home-wifi.rules.yaml']);
  });

  it('records the SLI error ratio and event counts for every tier window and the period', () => {
    const file = generateRules([checkoutAvailability]).files[0];
    const names = records(file).map((rule) => rule.record);
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']) {
      expect(names).toContain(`slo:sli_error:ratio_rate${window}`);
      expect(names).toContain(`slo:events_good:increase${window}`);
      expect(names).toContain(`slo:events_total:increase${window}`);
    }
    for (const name of ['slo:objective:ratio', 'slo:error_budget:ratio', 'slo:period_error_budget_remaining:ratio', 'slo:current_burn_rate:ratio', 'slo:period_burn_rate:ratio', 'slo:info']) {
      expect(names).toContain(name);
    }
  });

  it('computes the period SLI from recorded event counts, not from an average of short ratios', () => {
    const period = records(generateRules([checkoutAvailability]).files[0]).find((rule) => rule.record === 'slo:sli_error:ratio_rate30d');
    expect(period?.expr).toContain('slo:events_good:increase30d');
    expect(period?.expr).toContain('slo:events_total:increase30d');
    expect(period?.expr).not.toContain('count_over_time');
  });

  it('counts latency events from the threshold bucket and the +Inf bucket', () => {
    const good = records(generateRules([checkoutLatency]).files[0]).find((rule) => rule.record === 'slo:events_good:increase5m');
    const total = records(generateRules([checkoutLatency]).files[0]).find((rule) => rule.record === 'slo:events_total:increase5m');
    expect(good?.expr).toBe('sum(increase(http_request_duration_seconds_bucket{job="checkout", le="0.3"}[5m]))');
    expect(total?.expr).toBe('sum(increase(http_request_duration_seconds_bucket{job="checkout", le="+Inf"}[5m]))');
  });

  it('counts threshold samples meeting the objective as good events', () => {
    const good = records(generateRules([queueDepth]).files[0]).find((rule) => rule.record === 'slo:events_good:increase1h');
    expect(good?.expr).toBe('sum(sum_over_time(((max(checkout_queue_depth)) <= bool 100)[1h:]))');
  });

  it('uses a raw ratio query as the error ratio and averages it over the period', () => {
    const rules = records(generateRules([wifiSatisfaction]).files[0]);
    expect(rules.some((rule) => rule.record.startsWith('slo:events_'))).toBe(false);
    expect(rules.find((rule) => rule.record === 'slo:sli_error:ratio_rate1h')?.expr).toContain('client_satisfaction_ratio[1h]');
    expect(rules.find((rule) => rule.record === 'slo:sli_error:ratio_rate30d')?.expr).toContain('count_over_time(slo:sli_error:ratio_rate5m');
  });

  it('writes one page or ticket alert per enabled tier with its windows, threshold, for and the minimum-traffic guard', () => {
    const rules = alerts(generateRules([checkoutAvailability]).files[0]);
    const tiers = rules.filter((rule) => rule.labels.slo_tier !== 'nodata');
    expect(tiers.map((rule) => [rule.labels.severity, rule.labels.slo_tier, rule.for])).toEqual([
      ['page', 'page-fast', '2m'],
      ['page', 'page-slow', '15m'],
      ['ticket', 'ticket-fast', '1h'],
      ['ticket', 'ticket-slow', '3h'],
    ]);
    const pageFast = tiers[0]!;
    expect(pageFast.alert).toBe('CheckoutAvailabilityBudgetBurn');
    expect(pageFast.expr).toContain('slo:sli_error:ratio_rate5m{slo_id="checkout-checkout-availability"');
    expect(pageFast.expr).toContain('slo:sli_error:ratio_rate1h{');
    expect(pageFast.expr).toContain('> (14.4 * 0.001)');
    expect(pageFast.expr).toContain('slo:events_total:increase1h{slo_id="checkout-checkout-availability", slo_service="checkout", slo_name="checkout-availability"} >= 100');
    expect(pageFast.labels.team).toBe('shop');
    expect(pageFast.annotations.runbook_url).toBe('https://runbooks.example.com/slo');
    expect(pageFast.annotations.dashboard_url).toBe('https://grafana.example.com/d/sloe-checkout');
    expect(pageFast.annotations.description).toContain('14.4x');
    expect(pageFast.annotations.description).toContain('2% of the 30d error budget is spent within 1h');
  });

  it('adds an absent-data alert that waits noDataFor', () => {
    const absent = alerts(generateRules([checkoutAvailability]).files[0]).find((rule) => rule.labels.slo_tier === 'nodata');
    expect(absent?.alert).toBe('CheckoutAvailabilityBudgetBurnNoData');
    expect(absent?.expr).toBe('absent(slo:events_total:increase5m{slo_id="checkout-checkout-availability", slo_service="checkout", slo_name="checkout-availability"})');
    expect(absent?.for).toBe('10m');
  });

  it('leaves disabled tiers out, scales windows to the period and names each objective', () => {
    const file = generateRules([platformApi]).files[0];
    const tierAlerts = alerts(file).filter((rule) => rule.labels.slo_tier !== 'nodata');
    expect(tierAlerts.map((rule) => rule.labels.slo_tier)).toEqual(['page-fast', 'page-slow', 'ticket-fast', 'page-fast', 'page-slow', 'ticket-fast']);
    const names = new Set(records(file).map((rule) => rule.labels.slo_name));
    expect(names).toEqual(new Set(['api-availability:three-nines', 'api-availability:two-nines']));
    // A 7-day period: 1h * 7/30 = 14m, 6h → 1h24m, 1d → 5h36m. The disabled 3d tier (3d → 16h48m) alerts on
    // nothing but its window is still recorded: the API reports a burn rate for every window of the period.
    const windows = new Set(records(file).map((rule) => rule.labels.slo_window).filter(Boolean));
    expect(windows).toEqual(new Set(['1m', '14m', '7m', '1h24m', '28m', '5h36m', '16h48m', '7d']));
  });

  it('split mode moves windows of a day or more and the period to a group with a longer interval', () => {
    const groups = generateRules([checkoutAvailability], { split: true, interval: MINUTE, longInterval: 5 * MINUTE }).files[0]!.groups;
    const long = groups.find((group) => group.name.includes('long-window'));
    expect(long?.interval).toBe('5m');
    const longWindows = new Set(long?.rules.map((rule) => rule.labels.slo_window));
    expect(longWindows).toEqual(new Set(['1d', '3d', '30d']));
    const short = groups.find((group) => group.name.includes('sli-recordings'));
    expect(short?.interval).toBe('1m');
    expect(short?.rules.some((rule) => ['1d', '3d', '30d'].includes(rule.labels.slo_window ?? ''))).toBe(false);
  });

  it('the Sloth profile uses sloth_* keys, Sloth group names and sloth_severity', () => {
    const file = generateRules([checkoutAvailability], { labelProfile: 'sloth' }).files[0];
    expect(file?.groups[0]?.name).toBe('sloth-slo-sli-recordings-checkout-availability');
    const rule = records(file)[0]!;
    expect(Object.keys(rule.labels)).toEqual(['owner', 'sloth_id', 'sloth_service', 'sloth_slo', 'sloth_window']);
    expect(records(file).some((record) => record.record === 'sloth_slo_info')).toBe(true);
    expect(alerts(file)[0]?.labels.sloth_severity).toBe('page');
    expect(alerts(file)[0]?.expr).toContain('max without (sloth_window)');
  });

  it('reports what rules cannot express and generates nothing for that SLO', () => {
    const broken = { ...checkoutAvailability, labels: { 'bad-key': 'x', slo_name: 'clash' }, objectives: [{ key: 'default', target: 1.5 }] };
    const { files, problems } = generateRules([broken, checkoutLatency]);
    expect(files.map((file) => file.groups.map((group) => group.name))).toEqual([[
      'sloe-slo-sli-recordings-checkout-checkout-latency',
      'sloe-slo-meta-recordings-checkout-checkout-latency',
      'sloe-slo-alerts-checkout-checkout-latency',
    ]]);
    expect(problems.map((problem) => problem.message)).toEqual([
      'slo checkout-availability: objective default: target 1.5 must be between 0 and 1 (exclusive)',
      'slo checkout-availability: labels.bad-key: not a Prometheus label name (expected [a-zA-Z_][a-zA-Z0-9_]*)',
      'slo checkout-availability: labels.slo_name: reserved for the labels sloe generates',
    ]);
  });

  it('calendar windows use their nominal period', () => {
    const monthly = { ...checkoutLatency, window: { kind: 'calendar' as const, unit: 'month' as const, timeZone: 'UTC' } };
    const names = records(generateRules([monthly]).files[0]).map((rule) => rule.record);
    expect(names).toContain('slo:sli_error:ratio_rate30d');
  });
});
