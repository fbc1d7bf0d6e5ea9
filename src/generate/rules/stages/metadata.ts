import { INFO_LABELS, METRICS, formatDuration, windowLabel } from '../../../core/index.js';
import type { Labels } from '../../../core/index.js';
import { number } from '../promql.js';
import type { Target } from '../target.js';
import type { PlacedRule } from '../types.js';

/** `a / on(id, service, slo) group_left b`: the per-window series divided by the SLO's one budget series. */
function perBudget(target: Target, series: string): string {
  const on = Object.keys(target.identity).join(', ');
  return `${series}${target.selector} / on(${on}) group_left ${METRICS.errorBudget}${target.selector}`;
}

function infoLabels(target: Target): Labels {
  const { slo, objective } = target;
  if (target.options.labelProfile === 'sloth') {
    const keys = INFO_LABELS.sloth;
    return { ...target.labels, [keys.objective]: number(objective.target * 100), [keys.spec]: slo.origin?.format ?? 'sloe/v1', [keys.mode]: 'sloe-generate' };
  }
  const keys = INFO_LABELS.default;
  return { ...target.labels, [keys.objective]: number(objective.target), [keys.period]: windowLabel(slo.window), [keys.budgetingMethod]: slo.budgetingMethod };
}

/** The metadata stage: objective, budget, period, burn rates, budget remaining, period SLI and the info series. */
export function metadataRecordings(target: Target): PlacedRule[] {
  const labels = target.labels;
  const period = formatDuration(target.period);
  const rule = (record: string, expr: string, ruleLabels: Labels = labels): PlacedRule => ({ placement: 'meta', rule: { record, expr, labels: ruleLabels } });
  return [
    rule(METRICS.objective, `vector(${number(target.objective.target)})`),
    rule(METRICS.errorBudget, `vector(${number(target.errorBudget)})`),
    rule(METRICS.timePeriodDays, `vector(${number(target.period / 86_400_000)})`),
    rule(METRICS.currentBurnRate, perBudget(target, METRICS.sliErrorRatio(formatDuration(target.baseWindow)))),
    ...target.windows.map((window) =>
      rule(METRICS.burnRate, perBudget(target, METRICS.sliErrorRatio(formatDuration(window))), { ...labels, [target.keys.window]: formatDuration(window) }),
    ),
    rule(METRICS.periodBurnRate, perBudget(target, METRICS.sliErrorRatio(period))),
    rule(METRICS.periodErrorBudgetRemaining, `1 - ${METRICS.periodBurnRate}${target.selector}`),
    rule(METRICS.periodSli, `1 - ${METRICS.sliErrorRatio(period)}${target.selector}`),
    rule(target.options.labelProfile === 'sloth' ? METRICS.slothInfo : METRICS.info, 'vector(1)', infoLabels(target)),
  ];
}
