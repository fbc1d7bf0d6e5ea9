/**
 * Where the engine meets the pure budget and alert math of core/. Until core's budget, calendar and alerting
 * modules land, this file holds the engine's interim versions; they are replaced by calls into core as they land.
 */
import type { AlertStateName, AlertStatus, DurationMs, SloHealth, SloStatus, Window } from '../core/index.js';
import { formatDuration, windowLabel } from '../core/index.js';
import { periodBounds } from '../core/calendar.js';
import type { Counts } from './counts.js';
import type { ObjectivePlan } from './plan.js';

export interface ObjectiveFigures {
  /** Why there are no figures (no source, remote failure). */
  readonly reason?: string;
  readonly period?: Counts & { readonly start: number; readonly end: number };
  readonly windows?: ReadonlyMap<DurationMs, Counts>;
}

/** An alert tier's persisted state. */
export interface AlertMemory {
  readonly state: AlertStateName;
  /** When the condition became active (pending or firing). */
  readonly activeSince?: number;
  /** When the condition last stopped being active, while firing is kept for keepFiringFor. */
  readonly inactiveSince?: number;
}

/** The part of the budget period that has elapsed at `now`: what its events are counted over. */
export function periodRange(window: Window, now: number): { start: number; end: number } {
  const bounds = periodBounds(window, now);
  return { start: bounds.start, end: Math.min(bounds.end, now) };
}

function burnRate(counts: Counts | undefined, target: number): number | null {
  if (!counts || counts.total <= 0) return null;
  return (counts.total - counts.good) / counts.total / (1 - target);
}

export function nextAlertStates(plan: ObjectivePlan, figures: ObjectiveFigures, previous: readonly (AlertMemory | undefined)[], now: number): { states: AlertMemory[] } {
  const alerting = plan.slo.alerting;
  const states = plan.tiers.map((tier, index) => {
    const long = figures.windows?.get(tier.longWindow);
    const longBurn = burnRate(long, plan.objective.target);
    const shortBurn = burnRate(figures.windows?.get(tier.shortWindow), plan.objective.target);
    const active = longBurn !== null && shortBurn !== null && longBurn > tier.burnRateThreshold && shortBurn > tier.burnRateThreshold && (long?.total ?? 0) >= alerting.minEvents;
    return step(previous[index] ?? { state: 'inactive' }, active, now, { for: tier.for, keepFiringFor: alerting.keepFiringFor });
  });
  return { states };
}

function step(previous: AlertMemory, active: boolean, now: number, options: { for: DurationMs; keepFiringFor: DurationMs }): AlertMemory {
  if (active) {
    const since = previous.state === 'pending' || previous.state === 'firing' ? (previous.activeSince ?? now) : now;
    if (previous.state === 'firing' || now - since >= options.for) return { state: 'firing', activeSince: since };
    return { state: 'pending', activeSince: since };
  }
  if (previous.state === 'firing') {
    const inactiveSince = previous.inactiveSince ?? now;
    if (now - inactiveSince < options.keepFiringFor) return { ...previous, inactiveSince };
    return { state: 'resolved' };
  }
  return { state: 'inactive' };
}

export function evaluateFigures(plan: ObjectivePlan, figures: ObjectiveFigures, states: readonly AlertMemory[], now: number): SloStatus {
  const target = plan.objective.target;
  const period = figures.period;
  const total = period?.total ?? 0;
  const good = period?.good ?? 0;
  const allowed = 1 - target;
  const sli = total > 0 ? good / total : null;
  const consumed = sli === null ? 0 : (1 - sli) / allowed;
  const remaining = 1 - consumed;
  const burnRates: Record<string, number | null> = {};
  for (const window of plan.windows) burnRates[formatDuration(window)] = burnRate(figures.windows?.get(window), target);
  const alerts: AlertStatus[] = plan.tiers.map((tier, index) => {
    const state = states[index]?.state ?? 'inactive';
    const since = states[index]?.activeSince;
    return {
      tier: tier.name,
      severity: tier.severity,
      state,
      longWindow: formatDuration(tier.longWindow),
      shortWindow: formatDuration(tier.shortWindow),
      burnRateThreshold: tier.burnRateThreshold,
      longBurnRate: burnRate(figures.windows?.get(tier.longWindow), target),
      shortBurnRate: burnRate(figures.windows?.get(tier.shortWindow), target),
      ...(since !== undefined && (state === 'pending' || state === 'firing') ? { activeSince: new Date(since).toISOString() } : {}),
    };
  });
  const firing = (severity: string) => alerts.some((alert) => alert.severity === severity && alert.state === 'firing');
  const status: SloHealth = total <= 0 ? 'nodata' : remaining <= 0 ? 'exhausted' : firing('page') ? 'critical' : firing('ticket') || remaining < 0.25 ? 'warning' : 'ok';
  const pageTier = plan.tiers.find((tier) => tier.severity === 'page');
  const currentBurn = pageTier ? burnRate(figures.windows?.get(pageTier.longWindow), target) : null;
  const reason = figures.reason ?? (total <= 0 ? 'no events in the window' : undefined);
  return {
    name: plan.name,
    slo: plan.slo.name,
    objectiveKey: plan.objective.key,
    service: plan.slo.service,
    ...(plan.slo.displayName === undefined ? {} : { displayName: plan.slo.displayName }),
    objective: target,
    window: windowLabel(plan.slo.window),
    budgetingMethod: plan.slo.budgetingMethod,
    sli,
    events: { good, total },
    errorBudget: { total: allowed, consumed, remaining },
    burnRates,
    alerts,
    timeToExhaustion: currentBurn && currentBurn > 0 && remaining > 0 ? (remaining * plan.period) / currentBurn / 1000 : null,
    status,
    ...(reason === undefined ? {} : { reason }),
    labels: plan.slo.labels,
    evaluatedAt: new Date(now).toISOString(),
  };
}
