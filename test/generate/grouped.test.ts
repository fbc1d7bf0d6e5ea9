import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDashboards, generateRules, renderRuleFile } from '../../src/generate/index.js';
import type { AlertingRule, RecordingRule, RuleFile } from '../../src/generate/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { counter, promtool } from './promtool.js';

/**
 * A grouped SLO (`spec.groupBy: [route]`) through the rule generator and the real promtool: every recording is
 * `sum by (route)`, each route keeps its own SLI and budget, and only the route that burns pages, its alert naming it.
 */
const dir = mkdtempSync(join(tmpdir(), 'sloe-grouped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: checkout-availability
  labels:
    owner: shop-team
spec:
  service: checkout
  window: 30d
  groupBy: [route]
  objectives:
    - target: 0.999
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
      total: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
  alerting:
    name: CheckoutAvailabilityBudgetBurn
    labels:
      team: shop
`;

function load(text: string) {
  const result = loadSpecs([{ path: 'grouped.yaml', content: new TextEncoder().encode(text) }]);
  expect(result.problems).toEqual([]);
  return result.specs.slos;
}

function rulesOf(file: RuleFile) {
  const all = file.groups.flatMap((group) => group.rules);
  return { recordings: all.filter((rule): rule is RecordingRule => 'record' in rule), alerts: all.filter((rule): rule is AlertingRule => 'alert' in rule) };
}

describe('rules of a grouped SLO', () => {
  it('loads spec.groupBy from sloe/v1 and refuses a label that is not one', () => {
    expect(load(SPEC)[0]?.groupBy).toEqual(['route']);
    const bad = loadSpecs([{ path: 'bad.yaml', content: new TextEncoder().encode(SPEC.replace('groupBy: [route]', 'groupBy: [route, "re-gion", route]')) }]);
    expect(bad.problems.map((problem) => `${problem.line}:${problem.message}`)).toEqual([
      expect.stringMatching(/^11:.*'re-gion' is not a Prometheus label name/),
      expect.stringMatching(/^11:.*'route' is listed twice/),
    ]);
  });

  it('records every count by the group labels and matches alerts on them too', () => {
    const slos = load(SPEC);
    const { recordings, alerts } = rulesOf(generateRules(slos).files[0]!);
    const counts = recordings.filter((rule) => rule.record.startsWith('slo:events_') && !rule.expr.startsWith('sum_over_time'));
    expect(counts.length).toBeGreaterThan(0);
    for (const rule of counts) {
      expect(rule.expr).toContain('sum by (route) (rate(');
      expect(rule.expr).not.toMatch(/\bsum\(/);
    }
    const withMinEvents = generateRules([{ ...slos[0]!, alerting: { ...slos[0]!.alerting, minEvents: 100 } }]).files[0]!;
    for (const alert of rulesOf(withMinEvents).alerts.filter((rule) => rule.labels.slo_tier !== 'nodata')) expect(alert.expr).toContain('and on(slo_id, slo_service, slo_name, route)');
    expect(alerts[0]?.annotations.summary).toContain('for route={{ $labels.route }}');
  });

  it('refuses group labels that would clash with the labels sloe writes', () => {
    const slo = load(SPEC)[0]!;
    for (const [label, message] of [['slo_name', /reserved/], ['owner', /SLO's own labels/], ['le', /bucket bound/]] as const) {
      const generated = generateRules([{ ...slo, groupBy: [label] }]);
      expect(generated.files).toEqual([]);
      expect(generated.problems.map((problem) => problem.message)).toEqual([expect.stringMatching(message)]);
    }
  });

  it('passes promtool check rules, and under promtool test rules only the burning route pages', () => {
    const file = generateRules(load(SPEC)).files[0]!;
    writeFileSync(join(dir, 'grouped.rules.yaml'), renderRuleFile(file));
    const check = promtool(['check', 'rules', 'grouped.rules.yaml'], dir);
    expect(check.status, check.output).toBe(0);

    const pageFast = rulesOf(file).alerts.find((rule) => rule.labels.slo_tier === 'page-fast')!;
    const fill = (text: string) => text.replace('{{ $labels.route }}', '/pay').replace('{{ $value | humanizePercentage }}', '5%');
    const identity = { slo_id: 'checkout-checkout-availability', slo_service: 'checkout', slo_name: 'checkout-availability' };
    const series = (route: string, code: string) => `http_requests_total{job="checkout",route="${route}",code="${code}"}`;
    // Two hours healthy on both routes at 1000 req/min, then /pay fails 5 % of its requests (50x a 0.1 % budget):
    // page-fast (1h and 5m over 14.4x) is active 17.3 minutes in and fires 2 minutes later; page-slow (6h, 6x over
    // the 145 minutes of data, then for: 15m) and the ticket tiers (for: 1h and 3h) are still pending at 25 minutes.
    const test = {
      interval: '1m',
      input_series: [
        { series: series('/cart', '200'), values: counter([{ perStep: 1000, steps: 151 }]) },
        { series: series('/cart', '500'), values: counter([{ perStep: 0, steps: 151 }]) },
        { series: series('/pay', '200'), values: counter([{ perStep: 1000, steps: 121 }, { perStep: 950, steps: 30 }]) },
        { series: series('/pay', '500'), values: counter([{ perStep: 0, steps: 121 }, { perStep: 50, steps: 30 }]) },
      ],
      promql_expr_test: [
        {
          // Rounded: 1 - 950/1000 is 0.050000000000000044 in binary floating point.
          expr: 'round(slo:sli_error:ratio_rate5m, 0.0001)',
          eval_time: '145m',
          exp_samples: [
            { labels: `{owner="shop-team", route="/cart", slo_id="${identity.slo_id}", slo_name="${identity.slo_name}", slo_service="checkout", slo_window="5m"}`, value: 0 },
            { labels: `{owner="shop-team", route="/pay", slo_id="${identity.slo_id}", slo_name="${identity.slo_name}", slo_service="checkout", slo_window="5m"}`, value: 0.05 },
          ],
        },
      ],
      alert_rule_test: [
        { eval_time: '130m', alertname: 'CheckoutAvailabilityBudgetBurn', exp_alerts: [] },
        {
          eval_time: '145m',
          alertname: 'CheckoutAvailabilityBudgetBurn',
          exp_alerts: [
            {
              exp_labels: { owner: 'shop-team', route: '/pay', ...identity, ...pageFast.labels },
              exp_annotations: Object.fromEntries(Object.entries(pageFast.annotations).map(([key, text]) => [key, fill(text)])),
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'grouped.test.yaml'), stringify({ rule_files: ['grouped.rules.yaml'], evaluation_interval: '1m', group_eval_order: file.groups.map((group) => group.name), tests: [test] }, { lineWidth: 0 }));
    const result = promtool(['test', 'rules', 'grouped.test.yaml'], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  }, 60_000);
});

describe('dashboards of a grouped SLO and of every window', () => {
  it('adds a drop-down per group label and a table of groups sorted by budget left', () => {
    const files = generateDashboards(load(SPEC));
    const service = files.find((file) => file.fileName === 'service-checkout.json')!.dashboard as { templating: { list: { name: string; query: unknown; includeAll?: boolean }[] }; panels: { title?: string; targets?: { expr: string }[]; transformations?: { id: string; options: unknown }[] }[] };
    const variable = service.templating.list.find((entry) => entry.name === 'route');
    expect(variable?.query).toBe('label_values(slo:period_error_budget_remaining:ratio{slo_service="checkout"}, route)');
    expect(variable?.includeAll).toBe(true);
    const table = service.panels.find((panel) => panel.title?.startsWith('Groups by error budget remaining'));
    expect(table?.targets?.[0]?.expr).toBe('sort(slo:period_error_budget_remaining:ratio{slo_service="checkout", slo_name="checkout-availability", route=~"$route"})');
    expect(table?.transformations).toContainEqual({ id: 'sortBy', options: { sort: [{ field: 'Budget remaining', desc: false }] } });
    // Headline figures sum the selected groups' events, the aggregate the API reports for the SLO.
    const budget = service.panels.find((panel) => panel.title === 'Error budget remaining (selected groups)');
    expect(budget?.targets?.[0]?.expr).toContain('sum(slo:events_good:increase30d{slo_service="checkout", slo_name="checkout-availability", route=~"$route"})');
  });

  it('shows a burn rate for every window the API reports, also with every tier disabled', () => {
    const slo = load(SPEC)[0]!;
    const quiet = { ...slo, groupBy: undefined, alerting: { ...slo.alerting, tiers: slo.alerting.tiers.map((tier) => ({ ...tier, disabled: true })) } };
    const service = generateDashboards([quiet]).find((file) => file.fileName === 'service-checkout.json')!.dashboard as { panels: { title?: string; targets?: { expr: string; legendFormat?: string }[] }[] };
    const bars = service.panels.find((panel) => panel.title === 'Burn rate now, every window of the period');
    // The 30-day period's windows, as `burnRates` keys in GET /api/v1/slos/{name}.
    expect(bars?.targets?.map((target) => target.legendFormat)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(bars?.targets?.[0]?.expr).toBe('slo:burn_rate:ratio{slo_service="checkout", slo_name="checkout-availability", slo_window="5m"}');
    const recorded = new Set(rulesOf(generateRules([quiet]).files[0]!).recordings.filter((rule) => rule.record === 'slo:burn_rate:ratio').map((rule) => rule.labels.slo_window));
    expect(recorded).toEqual(new Set(['5m', '30m', '1h', '2h', '6h', '1d', '3d']));
  });
});
