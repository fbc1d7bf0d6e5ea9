import { describe, expect, it } from 'vitest';
import { ALL_FIXTURES, checkoutAvailability, platformApi, wifiSatisfaction } from '../../../test/generate/fixtures.js';
import { generateDashboards, renderDashboard, serviceDashboardUid } from './generate.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  fieldConfig?: { defaults: { thresholds?: { steps: { value: number | null }[] } } };
  options?: { content?: string };
}

function panels(dashboard: Readonly<Record<string, unknown>>): Panel[] {
  return dashboard.panels as Panel[];
}

function exprs(dashboard: Readonly<Record<string, unknown>>): string[] {
  return panels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
}

describe('generateDashboards', () => {
  it('makes an overview and one dashboard per service, sorted', () => {
    expect(generateDashboards(ALL_FIXTURES).map((file) => [file.fileName, file.uid])).toEqual([
      ['overview.json', 'sloe-overview'],
      ['service-checkout.json', 'sloe-checkout'],
      ['service-home-wifi.json', 'sloe-home-wifi'],
      ['service-platform-api.json', 'sloe-platform-api'],
    ]);
  });

  it('the overview has a data source and a service variable and reads every SLO figure', () => {
    const overview = generateDashboards(ALL_FIXTURES)[0]!.dashboard;
    const variables = (overview.templating as { list: { name: string; type: string; query?: unknown }[] }).list;
    expect(variables.map((variable) => [variable.name, variable.type])).toEqual([['datasource', 'datasource'], ['service', 'query']]);
    const all = exprs(overview).join('\n');
    for (const metric of ['slo:objective:ratio', 'slo:period_sli:ratio', 'slo:period_error_budget_remaining:ratio', 'slo:current_burn_rate:ratio', 'slo:period_burn_rate:ratio', 'ALERTS{alertstate="firing"', 'slo:alert_firing:bool']) {
      expect(all).toContain(metric);
    }
    expect(all).toContain('slo_service=~"$service"');
  });

  it('a service dashboard shows each objective with burn rate thresholds from its tiers and its runbook', () => {
    const files = generateDashboards([platformApi]);
    const service = files[1]!.dashboard;
    const rows = panels(service).filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(['api-availability:three-nines: 99.9% over calendar-week', 'api-availability:two-nines: 99% over calendar-week']);
    const burn = panels(service).find((panel) => panel.title.startsWith('Burn rate per window'));
    expect(burn?.targets?.[0]?.expr).toBe('slo:burn_rate:ratio{slo_service="platform-api", slo_name="api-availability:three-nines"}');
    // The disabled 3d tier is not drawn; the others' thresholds are (the 7-day table keeps f, so B stays 14.4, 6, 3).
    expect(burn?.fieldConfig?.defaults.thresholds?.steps.map((step) => step.value)).toEqual([null, 3, 6, 14.4]);
    const about = panels(service).find((panel) => panel.title === 'About this SLO');
    expect(about?.options?.content).toContain('[Runbook](https://runbooks.example.com/slo)');
    expect(about?.options?.content).toContain('ticket-slow (disabled)');
  });

  it('shows event rates for event-based SLIs only', () => {
    const [, checkout, wifi] = generateDashboards([checkoutAvailability, wifiSatisfaction]);
    expect(exprs(checkout!.dashboard)).toContain('slo:events_total:increase5m{slo_service="checkout", slo_name="checkout-availability"} / 300');
    expect(exprs(wifi!.dashboard).some((expr) => expr.includes('slo:events_'))).toBe(false);
  });

  it('uses the Sloth label keys with the Sloth profile', () => {
    const overview = generateDashboards([checkoutAvailability], { labelProfile: 'sloth' })[0]!.dashboard;
    expect(exprs(overview).join('\n')).toContain('sloth_service=~"$service"');
  });

  it('keeps uids within Grafana\'s 40 characters, stable and distinct', () => {
    const long = 'a-very-long-service-name-that-goes-on-and-on';
    expect(serviceDashboardUid(long).length).toBeLessThanOrEqual(40);
    expect(serviceDashboardUid(long)).toBe(serviceDashboardUid(long));
    expect(serviceDashboardUid(long)).not.toBe(serviceDashboardUid(`${long}-2`));
  });

  it('renders the same bytes every time', () => {
    const first = generateDashboards(ALL_FIXTURES).map(renderDashboard);
    expect(generateDashboards(ALL_FIXTURES).map(renderDashboard)).toEqual(first);
  });
});
