import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_TIERS, nominalPeriod } from '../../core/index.js';
import type { AlertTier, DurationMs, Query, Sli, Slo } from '../../core/index.js';
import { camelCaseName, resolveAlerting, severityClass, statedTier, type AlertingSpec, type SeverityOverride, type TierOverride } from '../alerting.js';
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

function classOverride(tiers: readonly AlertTier[], cls: 'page' | 'ticket'): SeverityOverride | undefined {
  const first = tiers.find((tier) => severityClass(tier) === cls);
  if (first === undefined) return undefined;
  return omitEmpty({ labels: first.labels, annotations: first.annotations });
}

/** The default table's tiers with per-class and per-tier overrides: the short form, when it reads back as the SLO's tiers. */
function tierOverrides(slo: Slo): Pick<AlertingSpec, 'severities' | 'tiers'> | undefined {
  const tiers: Record<string, TierOverride> = {};
  for (const tier of slo.alerting.tiers) {
    const base = DEFAULT_TIERS.find((entry) => entry.name === tier.name);
    if (base === undefined) return undefined;
    const override = omitEmpty({ disable: tier.disabled ? true : undefined, for: tier.for === base.for ? undefined : tier.for, severity: tier.severity === base.severity ? undefined : tier.severity });
    if (Object.keys(override).length > 0) tiers[tier.name] = override;
  }
  const severities = omitEmpty({ page: classOverride(slo.alerting.tiers, 'page'), ticket: classOverride(slo.alerting.tiers, 'ticket') });
  const spec = { severities, tiers };
  return isDeepStrictEqual(resolveAlerting(slo.name, slo.window, spec).tiers, slo.alerting.tiers) ? spec : undefined;
}

/**
 * One tier of the list form, stating whichever of the burn rate and the budget share reads back as the model's pair
 * (tiers read as a burn rate, from Pyrra, OpenSLO or slo-generator, keep their factor; tiers of a budget share keep
 * their share); `exact` is false when neither does.
 */
function statedTierBody(tier: AlertTier, period: DurationMs): { body: Record<string, unknown>; exact: boolean } {
  const readsBack = (rate: { budgetFraction: number } | { burnRateThreshold: number }): boolean => isDeepStrictEqual(statedTier({ ...tier, rate }, period), tier);
  const rate = [{ burnRateThreshold: tier.burnRateThreshold }, { budgetFraction: tier.budgetFraction }].find(readsBack);
  const body = omitEmpty({
    name: tier.name,
    severity: tier.severity,
    longWindow: durationText(tier.longWindow),
    shortWindow: durationText(tier.shortWindow),
    ...(rate ?? { burnRateThreshold: tier.burnRateThreshold }),
    for: tier.for === 0 ? undefined : durationText(tier.for),
    disable: tier.disabled ? true : undefined,
    labels: tier.labels,
    annotations: tier.annotations,
  });
  return { body, exact: rate !== undefined };
}

/** Per-tier overrides as sloe/v1 writes them (durations as text). */
function overridesBody(tiers: Readonly<Record<string, TierOverride>> | undefined): Record<string, unknown> | undefined {
  if (tiers === undefined) return undefined;
  return Object.fromEntries(Object.entries(tiers).map(([name, override]) => [name, omitEmpty({ ...override, for: override.for === undefined ? undefined : durationText(override.for) })]));
}

/** sloe/v1 `SLO`s, one per SLO: the native format says everything the others can. */
export function writeSloe(slos: readonly Slo[]): WriteResult {
  const documents: WrittenDocument[] = slos.map((slo) => {
    const approximations: string[] = [];
    const overrides = tierOverrides(slo);
    const stated = overrides === undefined ? slo.alerting.tiers.map((tier) => ({ tier, ...statedTierBody(tier, nominalPeriod(slo.window)) })) : undefined;
    const inexact = (stated ?? []).filter((entry) => !entry.exact).map((entry) => entry.tier.name);
    if (inexact.length > 0) approximations.push(`the burn-rate tiers ${inexact.join(', ')}: their budget share and burn rate do not follow B = f·T/w at the precision sloe/v1 reads (3 and 6 decimals); the burn rate is kept`);
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
            page: overrides?.severities?.page,
            ticket: overrides?.severities?.ticket,
            tiers: stated?.map((entry) => entry.body) ?? overridesBody(overrides?.tiers),
          }),
        }),
      },
    };
  });
  return { documents, inexpressible: [] };
}
