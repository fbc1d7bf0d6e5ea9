import type { AlertState } from '../alerting/state.js';
import { formatDuration } from '../duration.js';
import type { SloHeader } from '../model.js';
import type { DurationMs, Objective, Window } from '../model.js';
import { objectiveName, windowLabel } from '../slo.js';
import type { AlertStatus, SloStatus } from '../status.js';
import type { ObjectiveEvaluation } from './evaluate.js';
import { healthOf } from './health.js';

export interface StatusInput {
  readonly slo: SloHeader;
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
      longWindow: windowText(figures.tier.longWindow),
      shortWindow: windowText(figures.tier.shortWindow),
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
    window: labelOf(slo.window),
    budgetingMethod: slo.budgetingMethod,
    sli: evaluation.sli,
    events: { good: evaluation.events.good, total: evaluation.events.total },
    errorBudget: evaluation.errorBudget,
    coverage: evaluation.coverage,
    burnRates: evaluation.burnRates,
    alerts,
    timeToExhaustion: evaluation.timeToExhaustion,
    status,
    ...(evaluation.reason === undefined ? {} : { reason: evaluation.reason }),
    labels: slo.labels,
    evaluatedAt: isoTime(now),
  };
}

/*
 * Every objective's status is built every tick from figures that rarely change: the labels and the timestamp text are
 * remembered rather than formatted again for each of thousands of objectives (pure: the same input gives the same text).
 */
const windowTexts = new Map<DurationMs, string>();

function windowText(window: DurationMs): string {
  let text = windowTexts.get(window);
  if (text === undefined) {
    text = formatDuration(window);
    // Tiers use a handful of distinct windows; the bound only keeps arbitrary callers from growing it forever.
    if (windowTexts.size >= 1024) windowTexts.clear();
    windowTexts.set(window, text);
  }
  return text;
}

const windowLabels = new WeakMap<Window, string>();

function labelOf(window: Window): string {
  let label = windowLabels.get(window);
  if (label === undefined) {
    label = windowLabel(window);
    windowLabels.set(window, label);
  }
  return label;
}

let lastIso: { readonly at: number; readonly text: string } | undefined;

/** One evaluation stamps every status with the same time: it is formatted once. */
function isoTime(at: number): string {
  if (lastIso?.at !== at) lastIso = { at, text: new Date(at).toISOString() };
  return lastIso.text;
}
