import { sliQueries } from '../../core/index.js';
import type { Objective, Query, Sli, Slo } from '../../core/index.js';
import { slug } from '../common.js';
import { durationText, fileSafe, objectiveKeyNote, omitEmpty } from './common.js';
import { openSloAlerting } from './openslo-alerting.js';
import type { Inexpressible, WriteResult, WrittenDocument } from './types.js';

const CALENDAR_SHORTHAND = { week: '1w', month: '1M', quarter: '1Q', year: '1Y' } as const;

function metric(query: Query): Record<string, unknown> {
  return { metricSource: { ...(query.source === undefined ? { type: 'Prometheus' } : { metricSourceRef: query.source }), spec: { query: query.promql } } };
}

function indicatorSpec(sli: Sli): Record<string, unknown> | string {
  switch (sli.kind) {
    case 'ratio':
      return { ratioMetric: omitEmpty({ good: sli.good === undefined ? undefined : metric(sli.good), bad: sli.bad === undefined ? undefined : metric(sli.bad), total: metric(sli.total) }) };
    case 'rawRatio':
      return { ratioMetric: { raw: metric(sli.query), rawType: sli.meaning === 'good' ? 'success' : 'failure' } };
    case 'threshold':
      return { thresholdMetric: metric(sli.metric) };
    case 'latency':
      return 'a latency SLI (histogram and bound): OpenSLO has no histogram indicator that reads back as one';
  }
}

function objective(item: Objective): Record<string, unknown> {
  return omitEmpty({
    displayName: item.displayName ?? item.key,
    op: item.op,
    value: item.value,
    target: item.target,
    timeSliceTarget: item.timeSliceTarget,
    timeSliceWindow: item.timeSliceWindow === undefined ? undefined : durationText(item.timeSliceWindow),
  });
}

/** OpenSLO v1 `SLO`s with inline indicators, one per SLO. */
export function writeOpenSlo(slos: readonly Slo[]): WriteResult {
  const documents: WrittenDocument[] = [];
  const inexpressible: Inexpressible[] = [];
  for (const slo of slos) {
    const spec = indicatorSpec(slo.sli);
    const own = slo.objectives.find((item) => item.sli !== undefined);
    if (typeof spec === 'string') inexpressible.push({ slo, message: spec });
    if (own !== undefined) inexpressible.push({ slo, message: `objective '${own.key}' with its own SLI (written only from sloe/v1 to sloe/v1)` });
    if (typeof spec === 'string' || own !== undefined) continue;
    const alerting = openSloAlerting(slo);
    const approximations: string[] = [...alerting.approximations];
    for (const item of slo.objectives) approximations.push(...objectiveKeyNote(item.key, slug(item.displayName ?? item.key), 'OpenSLO keys an objective by its displayName'));
    const window = slo.window.kind === 'rolling'
      ? { duration: durationText(slo.window.duration), isRolling: true }
      : { duration: CALENDAR_SHORTHAND[slo.window.unit], calendar: { startTime: '2020-01-01 00:00:00', timeZone: slo.window.timeZone } };
    documents.push({
      fileName: `${fileSafe(slo.name)}.yaml`,
      approximations,
      body: {
        apiVersion: 'openslo/v1',
        kind: 'SLO',
        metadata: omitEmpty({ name: slo.name, displayName: slo.displayName, labels: slo.labels }),
        spec: omitEmpty({
          description: slo.description,
          service: slo.service,
          indicator: { metadata: { name: `${slo.name}-sli` }, spec },
          timeWindow: [window],
          budgetingMethod: slo.budgetingMethod,
          objectives: slo.objectives.map(objective),
          alertPolicies: alerting.alertPolicies,
        }),
      },
    });
  }
  // A query bound to a source refers to it as a DataSource, which must be defined for the file to load.
  const sources = [...new Set(slos.flatMap((slo) => sliQueries(slo.sli).map((query) => query.source)).filter((source): source is string => source !== undefined))].sort();
  for (const source of sources) {
    documents.push({
      fileName: 'datasources.yaml',
      approximations: ['the DataSource type and connection: sloe reads its sources from the configuration (`sources:`); only the name is kept'],
      body: { apiVersion: 'openslo/v1', kind: 'DataSource', metadata: { name: source }, spec: { type: 'Prometheus', connectionDetails: {} } },
    });
  }
  return { documents, inexpressible };
}
