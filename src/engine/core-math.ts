/**
 * Where the engine meets the pure math of core/: budget figures (evaluateObjective), the alert state machine (step)
 * and the status (buildStatus). The engine supplies counts; everything derived from them is core's.
 */
import type { AlertState, AlertTransition, DurationMs, SloStatus, Window } from '../core/index.js';
import { alertTransitions, buildStatus, evaluateObjective, INACTIVE, NO_COUNTS, parseAlertState, periodBounds, step } from '../core/index.js';
import type { Counts } from './counts.js';
import type { ObjectivePlan } from './plan.js';

export type { AlertState };
export { parseAlertState };

export interface ObjectiveFigures {
  /** Why there are no figures (no source, remote failure). */
  readonly reason?: string;
  readonly period?: Counts;
  readonly windows?: ReadonlyMap<DurationMs, Counts>;
  /** Share of the period with events; absent when unknown (remote sources). */
  readonly coverage?: number;
}

/** The part of the budget period that has elapsed at `now`: what its events are counted over. */
export function periodRange(window: Window, now: number): { start: number; end: number } {
  const bounds = periodBounds(window, now);
  return { start: bounds.start, end: Math.min(bounds.end, now) };
}

const EMPTY = new Map<DurationMs, Counts>();

function evaluationOf(plan: ObjectivePlan, figures: ObjectiveFigures, now: number) {
  return evaluateObjective({
    objective: plan.objective,
    method: plan.slo.budgetingMethod,
    window: plan.slo.window,
    now,
    period: figures.period ?? NO_COUNTS,
    windows: figures.windows ?? EMPTY,
    tiers: plan.tiers,
    minEvents: plan.slo.alerting.minEvents,
    coverage: figures.coverage ?? null,
    // Passed even when undefined (evaluateObjective reads an absent and an undefined reason alike): no spread per call.
    reason: figures.reason,
  });
}

/** One objective's evaluation at `now`: its status, its tiers' next alert states and the transitions between. */
export function evaluateWithAlerts(
  plan: ObjectivePlan,
  figures: ObjectiveFigures,
  previous: readonly (AlertState | undefined)[],
  now: number,
): { status: SloStatus; states: AlertState[]; transitions: AlertTransition[] } {
  const evaluation = evaluationOf(plan, figures, now);
  const tiers = evaluation.tiers;
  const states = new Array<AlertState>(tiers.length);
  for (let index = 0; index < tiers.length; index++) {
    const tier = tiers[index]!;
    states[index] = step(previous[index] ?? INACTIVE, tier.active, now, { for: tier.tier.for, keepFiringFor: plan.slo.alerting.keepFiringFor });
  }
  const status = buildStatus({ slo: plan.slo, objective: plan.objective, evaluation, alerts: states, now });
  return { status, states, transitions: alertTransitions(status, previous, states, now) };
}

/** The status without stepping alerts (history points, statuses before the first evaluation). */
export function statusOf(plan: ObjectivePlan, figures: ObjectiveFigures, now: number, alerts: readonly (AlertState | undefined)[] = []): SloStatus {
  return buildStatus({ slo: plan.slo, objective: plan.objective, evaluation: evaluationOf(plan, figures, now), alerts, now });
}
