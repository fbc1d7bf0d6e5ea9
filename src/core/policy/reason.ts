import { objectiveIdentity } from '../groups.js';
import type { PolicyRule } from '../model.js';
import type { SloStatus } from '../status.js';

/** Placeholders a rule's reason template may use; anything else in braces is left as written. */
export const REASON_PLACEHOLDERS = [
  'slo',
  'service',
  'objective',
  'sli',
  'budgetRemaining',
  'burnRate',
  'window',
  'period',
  'alerts',
  'status',
  'environment',
  'action',
  'rule',
  'policy',
] as const;

export type ReasonPlaceholder = (typeof REASON_PLACEHOLDERS)[number];

/** A ratio as a percentage with enough digits to be honest near the edges: `12.5%`, `-3.2%`, `99.95%`. */
export function percent(ratio: number | null, digits = 1): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a';
  return `${(ratio * 100).toFixed(digits).replace(/\.?0+$/, '')}%`;
}

function rate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${Number(value.toFixed(2))}x`;
}

/**
 * The burn rate a reason quotes: the window the rule tests when it tests one; else the long window of the
 * firing alert the rule matched; else the fastest-burning window the SLO reports.
 */
export function quotedBurnRate(status: SloStatus, rule: PolicyRule | undefined): { window: string; value: number | null } {
  const tested = rule?.when.burnRateAbove;
  if (tested) return { window: tested.window, value: status.burnRates[tested.window] ?? null };
  const severities = rule?.when.alertFiring;
  if (severities) {
    const alert = status.alerts.find((candidate) => candidate.state === 'firing' && (severities.includes(candidate.severity) || severities.includes(candidate.tier)));
    if (alert) return { window: alert.longWindow, value: alert.longBurnRate };
  }
  let worst: { window: string; value: number | null } = { window: 'n/a', value: null };
  for (const [window, value] of Object.entries(status.burnRates)) {
    if (value !== null && (worst.value === null || value > worst.value)) worst = { window, value };
  }
  return worst;
}

export interface ReasonContext {
  readonly status: SloStatus;
  readonly rule: PolicyRule | undefined;
  readonly ruleName: string;
  readonly policy: string;
  readonly environment: string;
  readonly action: string;
}

/**
 * Fills a reason template. `{burnRate}` and `{window}` quote the burn rate of `quotedBurnRate` and its window;
 * `{period}` is the SLO's own window (`30d`, `calendar-month`).
 */
export function fillReason(template: string, context: ReasonContext): string {
  const { status } = context;
  const burn = quotedBurnRate(status, context.rule);
  const firing = status.alerts.filter((alert) => alert.state === 'firing');
  const values: Record<ReasonPlaceholder, string> = {
    // A group judged in its SLO's place is named with its labels: checkout-availability{route="/v1/orders"}.
    slo: objectiveIdentity(status),
    service: status.service,
    objective: percent(status.objective, 3),
    sli: percent(status.sli, 3),
    budgetRemaining: percent(status.errorBudget.remaining),
    burnRate: rate(burn.value),
    window: burn.window,
    period: status.window,
    alerts: firing.length === 0 ? 'none' : firing.map((alert) => `${alert.severity} (${alert.longWindow}/${alert.shortWindow})`).join(', '),
    status: status.status,
    environment: context.environment,
    action: context.action,
    rule: context.ruleName,
    policy: context.policy,
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as ReasonPlaceholder] : whole));
}
