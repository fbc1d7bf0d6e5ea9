import { DEFAULT_TIERS, nominalPeriod, tiersForPeriod } from '../../core/index.js';
import type { AlertTier, Query, Sli, Slo } from '../../core/index.js';
import { camelCaseName, severityClass } from '../alerting.js';
import { DEFAULT_NO_DATA_FOR_MS } from '../limits.js';
import { durationText, fileSafe, omitEmpty } from './common.js';
import type { WriteResult, WrittenDocument } from './types.js';

function sliBody(sli: Sli): Record<string, unknown> {
  const sources = [sli.kind === 'ratio' ? sli.total : sli.kind === 'latency' ? sli.histogram : sli.kind === 'threshold' ? sli.metric : sli.query].map((query: Query) => query.source);
  const source = sources[0];
  const withSource = (body: Record<string, unknown>): Record<string, unknown> => (source === undefined ? body : { ...body, source });
  switch (sli.kind) {
    case 'ratio':
      return withSource({ ratio: omitEmpty({ good: sli.good?.promql, bad: sli.bad?.promql, total: sli.total.promql }) });
    case 'latency':
      return withSource({ latency: { histogram: sli.histogram.promql, threshold: sli.threshold } });
    case 'threshold':
      return withSource({ threshold: { metric: sli.metric.promql } });
    case 'rawRatio':
      return withSource({ rawRatio: { query: sli.query.promql, meaning: sli.meaning } });
  }
}

function classOverride(tiers: readonly AlertTier[], cls: 'page' | 'ticket'): Record<string, unknown> | undefined {
  const first = tiers.find((tier) => severityClass(tier) === cls);
  if (first === undefined) return undefined;
  return omitEmpty({ labels: first.labels, annotations: first.annotations });
}

/** sloe/v1 `SLO`s, one per SLO: the native format says everything the others can, except custom tier tables. */
export function writeSloe(slos: readonly Slo[]): WriteResult {
  const documents: WrittenDocument[] = slos.map((slo) => {
    const approximations: string[] = [];
    const defaults = tiersForPeriod(nominalPeriod(slo.window));
    const sameTable = slo.alerting.tiers.length === defaults.length && slo.alerting.tiers.every((tier, index) => tier.name === defaults[index]?.name && tier.longWindow === defaults[index]?.longWindow && tier.burnRateThreshold === defaults[index]?.burnRateThreshold);
    if (!sameTable) approximations.push(`the burn-rate tiers (${slo.alerting.tiers.map((tier) => `${tier.name} ${tier.burnRateThreshold}x over ${durationText(tier.longWindow)}`).join(', ')}): sloe/v1 overrides the default table per tier; the default table scaled to the period is written`);
    const tiers: Record<string, Record<string, unknown>> = {};
    for (const tier of slo.alerting.tiers) {
      const base = DEFAULT_TIERS.find((entry) => entry.name === tier.name);
      if (base === undefined) continue;
      const override = omitEmpty({ disable: tier.disabled ? true : undefined, for: tier.for === base.for ? undefined : durationText(tier.for), severity: tier.severity === base.severity ? undefined : tier.severity });
      if (Object.keys(override).length > 0) tiers[tier.name] = override;
    }
    const { alerting } = slo;
    return {
      fileName: `${fileSafe(slo.name)}.yaml`,
      approximations,
      body: {
        apiVersion: 'sloe/v1',
        kind: 'SLO',
        metadata: omitEmpty({ name: slo.name, displayName: slo.displayName, labels: slo.labels }),
        spec: omitEmpty({
          service: slo.service,
          description: slo.description,
          window: slo.window.kind === 'rolling' ? durationText(slo.window.duration) : { calendar: slo.window.unit, timeZone: slo.window.timeZone },
          budgetingMethod: slo.budgetingMethod === 'Occurrences' ? undefined : slo.budgetingMethod,
          objectives: slo.objectives.map((objective) => omitEmpty({
            key: objective.key,
            displayName: objective.displayName,
            target: objective.target,
            op: objective.op,
            value: objective.value,
            timeSliceWindow: objective.timeSliceWindow === undefined ? undefined : durationText(objective.timeSliceWindow),
            timeSliceTarget: objective.timeSliceTarget,
          })),
          sli: sliBody(slo.sli),
          groupBy: slo.groupBy === undefined ? undefined : [...slo.groupBy],
          alerting: omitEmpty({
            name: alerting.name === camelCaseName(slo.name) ? undefined : alerting.name,
            labels: alerting.labels,
            annotations: alerting.annotations,
            runbookUrl: alerting.runbookUrl,
            dashboardUrl: alerting.dashboardUrl,
            minEvents: alerting.minEvents === 0 ? undefined : alerting.minEvents,
            keepFiringFor: alerting.keepFiringFor === 0 ? undefined : durationText(alerting.keepFiringFor),
            noDataFor: alerting.noDataFor === DEFAULT_NO_DATA_FOR_MS ? undefined : alerting.noDataFor === 0 ? '0s' : durationText(alerting.noDataFor),
            page: classOverride(alerting.tiers, 'page'),
            ticket: classOverride(alerting.tiers, 'ticket'),
            tiers,
          }),
        }),
      },
    };
  });
  return { documents, inexpressible: [] };
}
