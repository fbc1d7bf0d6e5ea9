import type { AlertState } from '../alerting/state.js';
import { formatDuration } from '../duration.js';
import type { Objective, Slo } from '../model.js';
import { objectiveName, windowLabel } from '../slo.js';
import type { AlertStatus, SloStatus } from '../status.js';
import type { ObjectiveEvaluation } from './evaluate.js';
import { healthOf } from './health.js';

export interface StatusInput {
  readonly slo: Slo;
  readonly objective: Objective;
  readonly evaluation: ObjectiveEvaluation;
  /** The alert states after this evaluation's step(), aligned with `evaluation.tiers`. */
  readonly alerts: readonly (AlertState | undefined)[];
  readonly now: number;
  readonly warningLevel?: number;
}

/** The CONTRACT.md `SloStatus` of one objective; its status reflects the alert states given (after step()). */
export function buildStatus(input: StatusInput): SloStatus {
  const { slo, objective, evaluation, now } = input;
  const alerts = evaluation.tiers.map((figures, index): AlertStatus => {
    const alert = input.alerts[index];
    const state = alert?.state ?? 'inactive';
    const activeAt = state === 'pending' || state === 'firing' ? alert?.activeAt : undefined;
    return {
      tier: figures.tier.name,
      severity: figures.tier.severity,
      state,
      longWindow: formatDuration(figures.tier.longWindow),
      shortWindow: formatDuration(figures.tier.shortWindow),
      burnRateThreshold: figures.tier.burnRateThreshold,
      longBurnRate: figures.longBurnRate,
      shortBurnRate: figures.shortBurnRate,
      ...(activeAt === undefined ? {} : { activeSince: new Date(activeAt).toISOString() }),
    };
  });
  const status = healthOf({
    total: evaluation.events.total,
    remaining: evaluation.errorBudget.remaining,
    tiers: evaluation.tiers.map((figures) => figures.tier),
    states: alerts.map((alert) => alert.state),
    warningLevel: input.warningLevel,
  });
  return {
    name: objectiveName(slo, objective),
    slo: slo.name,
    objectiveKey: objective.key,
    service: slo.service,
    ...(slo.displayName === undefined ? {} : { displayName: slo.displayName }),
    objective: objective.target,
    window: windowLabel(slo.window),
    budgetingMethod: slo.budgetingMethod,
    sli: evaluation.sli,
    events: { good: evaluation.events.good, total: evaluation.events.total },
    errorBudget: evaluation.errorBudget,
    burnRates: evaluation.burnRates,
    alerts,
    timeToExhaustion: evaluation.timeToExhaustion,
    status,
    ...(evaluation.reason === undefined ? {} : { reason: evaluation.reason }),
    labels: slo.labels,
    evaluatedAt: new Date(now).toISOString(),
  };
}
