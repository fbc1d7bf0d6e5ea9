import type { AlertStatus, SloHealth, SloStatus } from '../../src/core/index.js';
import type { PolicyComponentOptions } from '../../src/policy/index.js';
import { MemoryDocumentStore } from '../../src/store/index.js';
import type { MemoryJournal } from '../../src/store/index.js';

/** The 30-day tier table of CONTRACT.md, as the engine reports it. */
const TIERS = [
  { tier: 'page-fast', severity: 'page', longWindow: '1h', shortWindow: '5m', burnRateThreshold: 14.4 },
  { tier: 'page-slow', severity: 'page', longWindow: '6h', shortWindow: '30m', burnRateThreshold: 6 },
  { tier: 'ticket-fast', severity: 'ticket', longWindow: '1d', shortWindow: '2h', burnRateThreshold: 3 },
  { tier: 'ticket-slow', severity: 'ticket', longWindow: '3d', shortWindow: '6h', burnRateThreshold: 1 },
] as const;

export interface StatusFigures {
  readonly name: string;
  readonly service: string;
  readonly objective?: number;
  /** Fraction of the error budget consumed over the period (remaining = 1 - consumed). */
  readonly consumed?: number;
  /** One burn rate for every window (what a steady error rate gives). */
  readonly burnRate?: number;
  /** Tier names firing (`page-fast`, `ticket-slow`, ...). */
  readonly firing?: readonly string[];
  readonly total?: number;
  readonly labels?: Record<string, string>;
  readonly evaluatedAt?: string;
  /** Share of the period with data (`SloStatus.coverage`); default 1, a period with data throughout. */
  readonly coverage?: number;
}

/** An SloStatus shaped as the engine makes it, with the status derived by CONTRACT.md's first-match rules. */
export function sloStatus(figures: StatusFigures): SloStatus {
  const objective = figures.objective ?? 0.999;
  const consumed = figures.consumed ?? 0;
  const total = figures.total ?? 1_000_000;
  const burnRate = figures.burnRate ?? 0;
  const firing = new Set(figures.firing ?? []);
  const budget = 1 - objective;
  const bad = Math.round(consumed * budget * total);
  const alerts: AlertStatus[] = TIERS.map((tier) => ({
    ...tier,
    state: firing.has(tier.tier) ? 'firing' : 'inactive',
    longBurnRate: total === 0 ? null : burnRate,
    shortBurnRate: total === 0 ? null : burnRate,
  }));
  const remaining = 1 - consumed;
  const severities = alerts.filter((alert) => alert.state === 'firing').map((alert) => alert.severity);
  const status: SloHealth =
    total === 0 ? 'nodata' : remaining <= 0 ? 'exhausted' : severities.includes('page') ? 'critical' : severities.includes('ticket') || remaining < 0.25 ? 'warning' : 'ok';
  const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
  const status_: SloStatus = {
    name: figures.name,
    slo: figures.name,
    objectiveKey: 'default',
    service: figures.service,
    objective,
    window: '30d',
    budgetingMethod: 'Occurrences',
    sli: total === 0 ? null : (total - bad) / total,
    events: { good: total - bad, total },
    // The share of the period with data, as the engine reports it.
    coverage: total === 0 ? 0 : (figures.coverage ?? 1),
    errorBudget: { total: budget, consumed, remaining },
    burnRates: Object.fromEntries(windows.map((window) => [window, total === 0 ? null : burnRate])),
    alerts,
    timeToExhaustion: null,
    status,
    ...(total === 0 ? { reason: 'no events in the window' } : {}),
    labels: figures.labels ?? {},
    evaluatedAt: figures.evaluatedAt ?? '2026-11-26T12:00:00.000Z',
  };
  return status_;
}

/**
 * What every policy component in the tests is built from: fixed statuses, no policies of its own (the built-in
 * default applies), in-memory journal and documents, no webhooks. Tests spread their own parts over it.
 */
export function policyTestOptions(statuses: SloStatus[], journal: MemoryJournal) {
  return {
    statuses: { latest: () => statuses, get: (name: string) => statuses.find((status) => status.name === name) },
    policies: [],
    journal,
    documents: new MemoryDocumentStore(),
    webhooks: [],
    source: 'urn:sloe:test',
  } satisfies Partial<PolicyComponentOptions>;
}
