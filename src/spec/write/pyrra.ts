import { PYRRA_ALERT_NAME, PYRRA_API_VERSION, PYRRA_LABEL_PREFIX, PYRRA_SERVICE_LABEL } from '../pyrra.js';
import { pyrraTiers } from '../pyrra-windows.js';
import type { Query, Slo } from '../../core/index.js';
import { isVectorSelector } from '../selector.js';
import { durationText, fileSafe, isBare, displayNameNote, objectiveKeyNote, omitEmpty, percent } from './common.js';
import type { Inexpressible, WriteResult, WrittenDocument } from './types.js';

/** `sum(rate(SELECTOR[{{.window}}]))` (Sloth's usual query) is the selector Pyrra takes, rated the same way. */
const RATED_SELECTOR = /^sum\s*\(\s*(?:rate|increase)\s*\(\s*(.+)\[\{\{\.window\}\}\]\s*\)\s*\)$/;

function selectorOf(query: Query): string | undefined {
  if (isBare(query)) return query.promql;
  const inner = RATED_SELECTOR.exec(query.promql.trim())?.[1];
  return inner !== undefined && isVectorSelector(inner) ? inner : undefined;
}

function indicator(slo: Slo): Record<string, unknown> | string {
  const grouping = slo.groupBy === undefined ? {} : { grouping: [...slo.groupBy] };
  const { sli } = slo;
  const objective = slo.objectives[0];
  switch (sli.kind) {
    case 'ratio': {
      if (sli.bad === undefined) return 'a ratio SLI that counts good events (Pyrra counts errors)';
      const errors = selectorOf(sli.bad);
      const total = selectorOf(sli.total);
      if (errors === undefined || total === undefined) return 'a ratio SLI whose queries are not counter selectors or sum(rate(SELECTOR[{{.window}}])) (Pyrra applies the rate itself)';
      return { ratio: { errors: { metric: errors }, total: { metric: total }, ...grouping } };
    }
    case 'latency': {
      const { promql } = sli.histogram;
      if (!isBare(sli.histogram) || !/_bucket(\{|$)/.test(promql)) return 'a latency SLI that is not a bare _bucket selector';
      const le = `le="${sli.threshold}"`;
      const success = promql.includes('{') ? promql.replace(/\}$/, `,${le}}`) : `${promql}{${le}}`;
      return { latency: { success: { metric: success }, total: { metric: promql.replace(/_bucket(?=\{|$)/, '_count') }, ...grouping } };
    }
    case 'threshold':
      if (objective?.op !== 'gte' || objective.value !== 1 || !isBare(sli.metric)) return 'a threshold SLI other than a bool gauge that is good at 1 (Pyrra has bool_gauge only)';
      return { bool_gauge: { metric: sli.metric.promql, ...grouping } };
    case 'rawRatio':
      return 'a raw-ratio SLI (Pyrra reads counters, not ratios)';
  }
}

/** Pyrra `ServiceLevelObjective`s, one per SLO; what Pyrra cannot say is reported by name. */
export function writePyrra(slos: readonly Slo[]): WriteResult {
  const documents: WrittenDocument[] = [];
  const inexpressible: Inexpressible[] = [];
  for (const slo of slos) {
    const refuse = (message: string): void => void inexpressible.push({ slo, message });
    if (slo.objectives.length !== 1) refuse(`${slo.objectives.length} objectives (a Pyrra SLO has one target)`);
    if (slo.window.kind !== 'rolling') refuse('a calendar window (Pyrra windows are rolling)');
    if (slo.budgetingMethod !== 'Occurrences') refuse(`budgeting method ${slo.budgetingMethod} (Pyrra counts occurrences)`);
    const written = indicator(slo);
    if (typeof written === 'string') refuse(written);
    const objective = slo.objectives[0];
    if (typeof written === 'string' || objective === undefined || slo.window.kind !== 'rolling' || slo.objectives.length !== 1 || slo.budgetingMethod !== 'Occurrences') continue;
    const approximations: string[] = [];
    const enabled = slo.alerting.tiers.filter((tier) => !tier.disabled);
    const disabled = enabled.length === 0 && slo.alerting.noDataFor === 0;
    const pyrra = pyrraTiers(slo.window.duration);
    const sameTiers = slo.alerting.tiers.length === pyrra.length && slo.alerting.tiers.every((tier, index) => tier.burnRateThreshold === pyrra[index]?.burnRateThreshold && tier.longWindow === pyrra[index]?.longWindow);
    // Also when every tier is off: the disabled tiers' windows are still reported, and Pyrra's come back instead.
    if (!sameTiers) approximations.push("the burn-rate tiers: Pyrra uses its own table (factors 14, 7, 2, 1); the SLO's tiers are not kept");
    if (slo.sli.kind === 'ratio' && [slo.sli.bad, slo.sli.total].some((query) => query !== undefined && !isBare(query))) {
      approximations.push('sum(rate(SELECTOR[{{.window}}])) written as the bare SELECTOR, which Pyrra rates itself');
    }
    approximations.push(...objectiveKeyNote(objective.key, slo.name, 'a Pyrra SLO keys its objective by its name'));
    approximations.push(...displayNameNote(objective, 'Pyrra'));
    if (Object.keys(slo.alerting.labels).length > 0 || Object.keys(slo.alerting.annotations).length > 0) approximations.push('alert labels and annotations (Pyrra has no field for them)');
    const labels: Record<string, string> = { [PYRRA_SERVICE_LABEL]: slo.service };
    for (const [key, value] of Object.entries(slo.labels)) labels[`${PYRRA_LABEL_PREFIX}${key}`] = value;
    const name = slo.alerting.name === PYRRA_ALERT_NAME ? undefined : slo.alerting.name;
    const alerting = omitEmpty({
      ...(disabled ? { disabled: true } : {}),
      ...(name === undefined ? {} : { name }),
      ...(!disabled && enabled.length === 0 ? { burnrates: false } : {}),
      ...(!disabled && slo.alerting.noDataFor === 0 ? { absent: false } : {}),
    });
    documents.push({
      fileName: `${fileSafe(slo.name)}.yaml`,
      approximations,
      body: {
        apiVersion: PYRRA_API_VERSION,
        kind: 'ServiceLevelObjective',
        metadata: { name: slo.name, labels },
        spec: omitEmpty({ description: slo.description, target: String(percent(objective.target)), window: durationText(slo.window.duration), indicator: written, alerting }),
      },
    });
  }
  return { documents, inexpressible };
}
