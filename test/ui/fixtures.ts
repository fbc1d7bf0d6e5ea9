import type { AlertStatus, SloStatus } from '../../src/core/index.js';
import type { IncidentView } from '../../src/review/index.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');

function alerts(longBurn: number, shortBurn: number, states: AlertStatus['state'][]): AlertStatus[] {
  const tiers = [
    ['page-fast', 'page', '1h', '5m', 14.4],
    ['page-slow', 'page', '6h', '30m', 6],
    ['ticket-fast', 'ticket', '1d', '2h', 3],
    ['ticket-slow', 'ticket', '3d', '6h', 1],
  ] as const;
  return tiers.map(([tier, severity, longWindow, shortWindow, threshold], index) => ({
    tier,
    severity,
    state: states[index] ?? 'inactive',
    longWindow,
    shortWindow,
    burnRateThreshold: threshold,
    longBurnRate: longBurn,
    shortBurnRate: shortBurn,
    ...(states[index] === 'firing' || states[index] === 'pending' ? { activeSince: new Date(NOW - 20 * 60_000).toISOString() } : {}),
  }));
}

function status(name: string, service: string, remaining: number, health: SloStatus['status'], burn: number, states: AlertStatus['state'][] = []): SloStatus {
  const objective = 0.999;
  const total = 1_000_000;
  const bad = Math.max(0, (1 - remaining) * (1 - objective) * total);
  return {
    name,
    slo: name,
    objectiveKey: '0',
    service,
    objective,
    window: '30d',
    budgetingMethod: 'Occurrences',
    sli: health === 'nodata' ? null : 1 - bad / total,
    events: { good: Math.round(total - bad), total: health === 'nodata' ? 0 : total },
    errorBudget: { total: 1 - objective, consumed: 1 - remaining, remaining },
    coverage: health === 'nodata' ? 0 : 1,
    burnRates: { '5m': burn * 1.1, '30m': burn, '1h': burn, '2h': burn * 0.9, '6h': burn * 0.8, '1d': burn * 0.7, '3d': burn * 0.6 },
    alerts: alerts(burn, burn * 1.1, states),
    timeToExhaustion: burn > 1 ? Math.round((remaining * 30 * 86_400) / burn) : null,
    status: health,
    labels: {},
    evaluatedAt: new Date(NOW).toISOString(),
  };
}

/** Four SLOs, deliberately not in budget order. */
export const STATUSES: SloStatus[] = [
  status('search-latency', 'search', 0.62, 'ok', 0.4),
  // A long display name, and data for 40 % of its period so its budget cell carries the coverage note: as wide as a
  // row of the example set gets.
  { ...status('checkout-availability', 'checkout', -0.08, 'exhausted', 16, ['firing', 'firing', 'firing', 'firing']), displayName: 'Checkout availability, cart to order confirmation', coverage: 0.4 },
  status('platform-api-availability', 'platform-api', 0.91, 'ok', 0.1),
  status('checkout-latency', 'checkout', 0.18, 'critical', 7.5, ['pending', 'firing', 'firing', 'firing']),
];

/** The budget order the list must show, lowest remaining first. */
export const BUDGET_ORDER = [...STATUSES].sort((a, b) => (a.errorBudget.remaining ?? Infinity) - (b.errorBudget.remaining ?? Infinity)).map((slo) => slo.name);

/** History over the 30-day period: the budget burns down from 100 % to the SLO's current figure. */
export function history(name: string): { t: string; sli: number; budgetRemaining: number; burnRates: Record<string, number> }[] {
  const slo = STATUSES.find((candidate) => candidate.name === name);
  if (!slo) return [];
  const points = 240;
  const start = NOW - 30 * 86_400_000;
  return Array.from({ length: points }, (_, index) => {
    const progress = index / (points - 1);
    const remaining = 1 - (1 - (slo.errorBudget.remaining ?? 1)) * progress ** 1.5;
    const wobble = Math.sin(index / 9);
    return {
      t: new Date(start + progress * 30 * 86_400_000).toISOString(),
      sli: 1 - (1 - slo.objective) * (1 - remaining + 0.2 * wobble + 0.3),
      budgetRemaining: remaining,
      burnRates: { '5m': Math.max(0, 2 + 3 * wobble), '1h': Math.max(0, 1.5 + 2 * wobble), '6h': 1 + wobble * 0.5, '3d': 0.9 },
    };
  });
}

export const DECISIONS = [
  { id: '2', service: 'checkout', environment: 'production', action: 'deploy', decision: 'deny', allowed: false, reasons: ['checkout-availability: error budget exhausted (-8.0 % left); rule budget-exhausted of policy release-policy denies deploys to production while it is spent; 1,000,000 events in the period make an error budget of 1,000 bad events'], slos: ['checkout-availability'], policy: 'release-policy', evaluatedAt: new Date(NOW).toISOString(), decidedAt: new Date(NOW).toISOString(), via: 'gate' },
  { id: '1', service: 'checkout', environment: 'staging', action: 'deploy', decision: 'warn', allowed: true, reasons: ['checkout-latency: budget below 25 %'], slos: ['checkout-latency'], policy: 'release-policy', evaluatedAt: new Date(NOW - 3_600_000).toISOString(), decidedAt: new Date(NOW - 3 * 3_600_000).toISOString(), via: 'flagger', count: 3, firstAt: new Date(NOW - 3 * 3_600_000).toISOString(), lastAt: new Date(NOW - 3_600_000).toISOString(), lastId: '7' },
];

export const FREEZES = [
  { service: 'checkout', environment: 'production', policy: 'release-policy', decision: 'deny', since: new Date(NOW - 7_200_000).toISOString(), reasons: ['checkout-availability: error budget exhausted'], slos: [] },
];

const iso = (ms: number): string => new Date(ms).toISOString();
const DAY_AGO = NOW - 86_400_000;

/** Two incidents of checkout-availability as `GET /api/v1/incidents` answers (IncidentView: ISO times). */
export const INCIDENTS: IncidentView[] = [
  {
    id: `checkout-availability@${DAY_AGO}`,
    objective: 'checkout-availability',
    slo: 'checkout-availability',
    objectiveKey: 'main',
    service: 'checkout',
    startedAt: iso(DAY_AGO),
    burnStartedAt: iso(DAY_AGO - 120_000),
    detectedAt: iso(DAY_AGO + 240_000),
    resolvedAt: iso(DAY_AGO + 3_600_000),
    timeToDetectSeconds: 240,
    timeToResolveSeconds: 3_600,
    peakBurnRate: 31.5,
    budgetSpent: 0.042,
    severity: 'page',
    final: true,
    timeline: [
      { at: iso(DAY_AGO), kind: 'transition', text: 'page-fast pending' },
      { at: iso(DAY_AGO + 120_000), kind: 'transition', text: 'page-fast firing' },
      { at: iso(DAY_AGO + 240_000), kind: 'notification', text: 'page sent to pagerduty' },
      { at: iso(DAY_AGO + 3_600_000), kind: 'transition', text: 'page-fast resolved' },
    ],
  },
  {
    id: `checkout-availability@${NOW - 1_800_000}`,
    objective: 'checkout-availability',
    slo: 'checkout-availability',
    objectiveKey: 'main',
    service: 'checkout',
    startedAt: iso(NOW - 1_800_000),
    burnStartedAt: iso(NOW - 1_800_000),
    detectedAt: null,
    resolvedAt: null,
    timeToDetectSeconds: null,
    timeToResolveSeconds: null,
    peakBurnRate: 4.2,
    budgetSpent: 0.003,
    severity: null,
    final: false,
    timeline: [{ at: iso(NOW - 1_800_000), kind: 'transition', text: 'ticket-fast pending' }],
  },
];
