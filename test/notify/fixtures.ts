import type { Alerting, AlertStateName, AlertStatus, SloStatus } from '../../src/core/index.js';
import { DEFAULT_TIERS, HOUR, formatDuration } from '../../src/core/index.js';
import type { AlertNotification, DeliveryResult, Notifier, ReceiverKind } from '../../src/notify/index.js';

export type TierStates = Partial<Record<'page-fast' | 'page-slow' | 'ticket-fast' | 'ticket-slow', AlertStateName>>;

const THRESHOLDS: Record<string, number> = { 'page-fast': 14.4, 'page-slow': 6, 'ticket-fast': 3, 'ticket-slow': 1 };

/** The four default tiers of a 30-day SLO in the given states (inactive unless said), burning at `burnRate`. */
export function tiers(states: TierStates, burnRate = 20, activeSince?: number): AlertStatus[] {
  return DEFAULT_TIERS.map((template) => {
    const state = states[template.name as keyof TierStates] ?? 'inactive';
    const active = state === 'firing' || state === 'pending';
    return {
      tier: template.name,
      severity: template.severity,
      state,
      longWindow: formatDuration(template.longWindow),
      shortWindow: formatDuration(template.longWindow / 12),
      burnRateThreshold: THRESHOLDS[template.name] ?? 1,
      longBurnRate: burnRate,
      shortBurnRate: burnRate * 1.1,
      ...(active && activeSince !== undefined ? { activeSince: new Date(activeSince).toISOString() } : {}),
    };
  });
}

/** A 99.9 % / 30-day objective's status as the engine reports it. */
export function status(name: string, states: TierStates, options: { service?: string; burnRate?: number; at?: number; remaining?: number; health?: SloStatus['status']; activeSince?: number } = {}): SloStatus {
  const remaining = options.remaining ?? 0.8;
  const anyPage = Object.entries(states).some(([tier, state]) => tier.startsWith('page') && state === 'firing');
  return {
    name,
    slo: name.split(':')[0] ?? name,
    objectiveKey: 'default',
    service: options.service ?? 'checkout',
    objective: 0.999,
    window: '30d',
    budgetingMethod: 'Occurrences',
    sli: options.health === 'nodata' ? null : 0.998,
    events: options.health === 'nodata' ? { good: 0, total: 0 } : { good: 998_000, total: 1_000_000 },
    errorBudget: { total: 0.001, consumed: 1 - remaining, remaining },
    coverage: options.health === 'nodata' ? 0 : 1,
    burnRates: { '5m': (options.burnRate ?? 20) * 1.1, '1h': options.burnRate ?? 20 },
    alerts: tiers(states, options.burnRate ?? 20, options.activeSince),
    timeToExhaustion: anyPage ? 5400 : null,
    status: options.health ?? (anyPage ? 'critical' : 'ok'),
    labels: { team: 'payments' },
    evaluatedAt: new Date(options.at ?? Date.UTC(2026, 10, 26, 12)).toISOString(),
  };
}

export function alerting(overrides: Partial<Alerting> = {}): Alerting {
  return {
    name: 'CheckoutAvailabilityBurn',
    labels: { category: 'availability' },
    annotations: {},
    runbookUrl: 'https://runbooks.example.com/checkout',
    dashboardUrl: 'https://grafana.example.com/d/checkout',
    tiers: [],
    minEvents: 0,
    keepFiringFor: 0,
    noDataFor: HOUR,
    ...overrides,
  };
}

/** An in-process receiver that records what it got and answers from a script (then `delivered`). */
export class RecordingNotifier implements Notifier {
  readonly received: AlertNotification[] = [];
  readonly script: DeliveryResult[] = [];
  constructor(
    readonly name: string,
    readonly kind: ReceiverKind = 'webhook',
    readonly leased = false,
    readonly severities?: readonly string[],
  ) {}

  send(notification: AlertNotification): Promise<DeliveryResult> {
    this.received.push(notification);
    return Promise.resolve(this.script.shift() ?? { outcome: 'delivered', status: 200 });
  }

  states(): string[] {
    return this.received.map((notification) => `${notification.incident} ${notification.state}`);
  }
}
