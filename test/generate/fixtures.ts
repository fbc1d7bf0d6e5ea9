import { DAY, MINUTE, tiersForPeriod } from '../../src/core/index.js';
import type { Alerting, Slo, Sli } from '../../src/core/index.js';

/** SLOs built straight from the model, one of each SLI kind, for the generator's tests. */
export function alerting(name: string, overrides: Partial<Alerting> = {}, period = 30 * DAY): Alerting {
  return {
    name,
    labels: { team: 'shop' },
    annotations: {},
    runbookUrl: 'https://runbooks.example.com/slo',
    tiers: tiersForPeriod(period),
    minEvents: 0,
    keepFiringFor: 0,
    noDataFor: 10 * MINUTE,
    ...overrides,
  };
}

export function slo(name: string, service: string, sli: Sli, overrides: Partial<Slo> = {}): Slo {
  return {
    name,
    service,
    labels: { owner: 'shop-team' },
    sli,
    objectives: [{ key: 'default', target: 0.999 }],
    window: { kind: 'rolling', duration: 30 * DAY },
    budgetingMethod: 'Occurrences',
    alerting: alerting(`${name.replace(/(^|-)(\w)/g, (_, _dash: string, letter: string) => letter.toUpperCase())}BudgetBurn`),
    exclusions: [],
    maintenance: [],
    ...overrides,
  };
}

export const checkoutAvailability = slo('checkout-availability', 'checkout', {
  kind: 'ratio',
  bad: { promql: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))' },
  total: { promql: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))' },
}, { alerting: alerting('CheckoutAvailabilityBudgetBurn', { minEvents: 100, dashboardUrl: 'https://grafana.example.com/d/sloe-checkout' }) });

export const checkoutLatency = slo('checkout-latency', 'checkout', {
  kind: 'latency',
  histogram: { promql: 'http_request_duration_seconds_bucket{job="checkout"}' },
  threshold: 0.3,
}, { objectives: [{ key: 'default', target: 0.99 }] });

export const queueDepth = slo('queue-depth', 'checkout', { kind: 'threshold', metric: { promql: 'max(checkout_queue_depth)' } }, {
  objectives: [{ key: 'default', target: 0.95, op: 'lte', value: 100 }],
  budgetingMethod: 'Timeslices',
});

export const wifiSatisfaction = slo('wifi-satisfaction', 'home-wifi', {
  kind: 'rawRatio',
  meaning: 'bad',
  query: { promql: '1 - (sum(sum_over_time(client_satisfaction_ratio[{{.window}}])) / sum(count_over_time(client_satisfaction_ratio[{{.window}}])))' },
}, { objectives: [{ key: 'default', target: 0.95 }] });

export const platformApi = slo('api-availability', 'platform-api', {
  kind: 'ratio',
  good: { promql: 'platform_api_requests_total{code!~"5.."}' },
  total: { promql: 'platform_api_requests_total' },
}, {
  objectives: [
    { key: 'three-nines', displayName: 'three nines', target: 0.999 },
    { key: 'two-nines', displayName: 'two nines', target: 0.99 },
  ],
  window: { kind: 'calendar', unit: 'week', timeZone: 'Europe/Berlin' },
  alerting: { ...alerting('PlatformApiBudgetBurn', {}, 7 * DAY), tiers: tiersForPeriod(7 * DAY).map((tier) => (tier.name === 'ticket-slow' ? { ...tier, disabled: true } : tier)) },
});

export const ALL_FIXTURES: readonly Slo[] = [checkoutAvailability, checkoutLatency, queueDepth, wifiSatisfaction, platformApi];
