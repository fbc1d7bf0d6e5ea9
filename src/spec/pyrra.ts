import type { Objective, Query, Sli, Slo } from '../core/index.js';
import { resolveAlerting, type AlertingSpec } from './alerting.js';
import { checkQuery } from './common.js';
import { readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import { pyrraTiers } from './pyrra-windows.js';
import { compact, isVectorSelector, splitLe } from './selector.js';
import type { FormatLoader, Header, LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

export const PYRRA_API_VERSION = 'pyrra.dev/v1alpha1';
/** Pyrra copies metadata labels with this prefix onto its rules; sloe takes them as the SLO's labels. */
export const PYRRA_LABEL_PREFIX = 'pyrra.dev/';
/** Pyrra has no service; sloe reads it from this label, else the namespace, else the SLO's name. */
export const PYRRA_SERVICE_LABEL = 'pyrra.dev/service';
/** Pyrra's default alert name. */
export const PYRRA_ALERT_NAME = 'ErrorBudgetBurn';

const INDICATORS = ['ratio', 'latency', 'latencyNative', 'bool_gauge'] as const;

/** A bare selector, as Pyrra takes them (it adds the rate itself); a problem at the value otherwise. */
function readSelector(fields: Fields, key: string): Query | undefined {
  const metric = fields.map(key, ['metric'], true);
  const promql = metric?.string('metric', true);
  if (metric === undefined || promql === undefined) return undefined;
  const query = checkQuery(metric.ctx, metric.at('metric'), promql, metric.fieldPath('metric'));
  if (query === undefined) return undefined;
  if (!isVectorSelector(promql)) {
    metric.ctx.report(metric.at('metric'), `'${metric.fieldPath('metric')}' must be a metric selector such as http_requests_total{job="api"} (Pyrra applies the rate itself), got '${promql}'`);
    return undefined;
  }
  return query;
}

function readGrouping(indicator: Fields): string[] {
  return indicator.strings('grouping');
}

interface ReadIndicator {
  readonly sli: Sli;
  readonly groupBy: string[];
  /** A bool gauge is good while it is 1: a threshold the objective carries. */
  readonly threshold?: Pick<Objective, 'op' | 'value'>;
}

function readRatio(indicator: Fields): ReadIndicator | undefined {
  const ratio = indicator.map('ratio', ['errors', 'total', 'grouping'], true);
  if (ratio === undefined) return undefined;
  const bad = readSelector(ratio, 'errors');
  const total = readSelector(ratio, 'total');
  const groupBy = readGrouping(ratio);
  return bad === undefined || total === undefined ? undefined : { sli: { kind: 'ratio', bad, total }, groupBy };
}

/** `success` is a bucket (`le` set), `total` the histogram's `_count` over the same series. */
function readLatency(indicator: Fields): ReadIndicator | undefined {
  const latency = indicator.map('latency', ['success', 'total', 'grouping'], true);
  if (latency === undefined) return undefined;
  const success = readSelector(latency, 'success');
  const total = readSelector(latency, 'total');
  const groupBy = readGrouping(latency);
  if (success === undefined || total === undefined) return undefined;
  const successAt = latency.map('success', ['metric'])?.at('metric');
  const split = splitLe(success.promql);
  const threshold = split === undefined ? Number.NaN : Number(split.le);
  if (split === undefined || !Number.isFinite(threshold)) {
    latency.ctx.report(successAt, `'${latency.fieldPath('success')}.metric' must select one histogram bucket with a finite le="..." matcher, such as http_request_duration_seconds_bucket{job="api",le="0.5"}`);
    return undefined;
  }
  const histogram = split.rest;
  const expectedTotal = histogram.replace(/_bucket(?=\{|$)/, '_count');
  if (compact(total.promql) !== compact(expectedTotal)) {
    // The model counts total events from the same histogram's +Inf bucket; a different series would change the SLI.
    latency.ctx.report(latency.map('total', ['metric'])?.at('metric'), `'${latency.fieldPath('total')}.metric' must be the _count of the success histogram (${expectedTotal}), got '${total.promql}'`);
    return undefined;
  }
  return { sli: { kind: 'latency', histogram: { promql: histogram }, threshold }, groupBy };
}

/**
 * A native histogram has no `le` buckets, so it is not in the embedded engine's subset: its good events are the
 * histogram's fraction under the bound, which Prometheus (and a configured source) evaluates.
 */
function readLatencyNative(indicator: Fields): ReadIndicator | undefined {
  const native = indicator.map('latencyNative', ['latency', 'total', 'grouping'], true);
  if (native === undefined) return undefined;
  const bound = native.duration('latency', { required: true });
  const total = readSelector(native, 'total');
  const groupBy = readGrouping(native);
  if (bound === undefined || total === undefined) return undefined;
  const seconds = bound / 1000;
  const rate = `rate(${total.promql}[{{.window}}])`;
  const good: Query = { promql: `sum(histogram_fraction(0, ${seconds}, ${rate}) * histogram_count(${rate}))` };
  return { sli: { kind: 'ratio', good, total: { promql: `sum(histogram_count(${rate}))` } }, groupBy };
}

function readBoolGauge(indicator: Fields): ReadIndicator | undefined {
  const gauge = indicator.map('bool_gauge', ['metric', 'grouping'], true);
  if (gauge === undefined) return undefined;
  const promql = gauge.string('metric', true);
  const groupBy = readGrouping(gauge);
  if (promql === undefined) return undefined;
  const metric = checkQuery(gauge.ctx, gauge.at('metric'), promql, gauge.fieldPath('metric'));
  if (metric === undefined) return undefined;
  if (!isVectorSelector(promql)) {
    gauge.ctx.report(gauge.at('metric'), `'${gauge.fieldPath('metric')}' must be a metric selector such as probe_success{job="blackbox"}, got '${promql}'`);
    return undefined;
  }
  return { sli: { kind: 'threshold', metric }, groupBy, threshold: { op: 'gte', value: 1 } };
}

function readIndicator(spec: Fields): ReadIndicator | undefined {
  const indicator = spec.map('indicator', INDICATORS, true);
  if (indicator === undefined) return undefined;
  const given = INDICATORS.filter((kind) => indicator.has(kind));
  if (given.length !== 1) {
    indicator.ctx.report(given.length === 0 ? indicator.anchor : indicator.keyNode(given[1] ?? ''), `'${indicator.path}' needs exactly one of ${INDICATORS.join(', ')}${given.length > 1 ? `, got ${given.join(' and ')}` : ''}`);
    return undefined;
  }
  switch (given[0]) {
    case 'ratio':
      return readRatio(indicator);
    case 'latency':
      return readLatency(indicator);
    case 'latencyNative':
      return readLatencyNative(indicator);
    default:
      return readBoolGauge(indicator);
  }
}

/** Pyrra's target is a string percent ("99.5"); a number is taken too. */
function readTargetPercent(spec: Fields): number | undefined {
  const node = spec.required('target');
  if (node === undefined) return undefined;
  const value: unknown = (node as { value?: unknown }).value;
  const percent = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  if (!(percent > 0 && percent < 100)) {
    spec.ctx.report(node, `'${spec.fieldPath('target')}' must be a percent between 0 and 100 (exclusive) such as "99.9", got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
    return undefined;
  }
  return Number((percent / 100).toPrecision(12));
}

function readAlerting(spec: Fields): AlertingSpec | undefined {
  const alerting = spec.map('alerting', ['disabled', 'name', 'burnrates', 'absent']);
  const disabled = alerting?.boolean('disabled') === true;
  const name = alerting?.string('name');
  const burnrates = alerting?.boolean('burnrates') ?? true;
  const absent = alerting?.boolean('absent') ?? true;
  if (alerting !== undefined && name?.trim() === '') {
    alerting.ctx.report(alerting.at('name'), `'${alerting.fieldPath('name')}' must not be empty (leave it out for Pyrra's ${PYRRA_ALERT_NAME})`);
    return undefined;
  }
  const tiersOff = disabled || !burnrates;
  return {
    name: name ?? PYRRA_ALERT_NAME,
    severities: tiersOff ? { page: { disable: true }, ticket: { disable: true } } : {},
    ...(disabled || !absent ? { noDataFor: 0 } : {}),
  };
}

function loadSlo(object: SpecObject, root: Fields, state: LoadState): void {
  const { ctx } = object;
  const metadata = root.map('metadata', ['name', 'namespace', 'labels', 'annotations'], true);
  const name = metadata?.string('name', true);
  const namespace = metadata?.string('namespace');
  const k8sLabels = metadata?.labels('labels') ?? {};
  metadata?.labels('annotations');
  root.value('status');
  const spec = root.map('spec', ['description', 'target', 'window', 'indicator', 'alerting'], true);
  if (spec === undefined) return;
  const description = spec.string('description');
  const target = readTargetPercent(spec);
  const period = spec.duration('window', { required: true });
  const indicator = readIndicator(spec);
  const alerting = readAlerting(spec);
  if (name === undefined || target === undefined || period === undefined || indicator === undefined || alerting === undefined) return;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(k8sLabels)) {
    if (key.startsWith(PYRRA_LABEL_PREFIX) && key !== PYRRA_SERVICE_LABEL) labels[key.slice(PYRRA_LABEL_PREFIX.length)] = value;
  }
  const window = { kind: 'rolling', duration: period } as const;
  const slo: Slo = {
    name,
    service: k8sLabels[PYRRA_SERVICE_LABEL] ?? namespace ?? name,
    ...(description === undefined || description === '' ? {} : { description }),
    labels: labels,
    sli: indicator.sli,
    objectives: [{ key: name, target, ...indicator.threshold }],
    window,
    budgetingMethod: 'Occurrences',
    alerting: resolveAlerting(name, window, { ...alerting, explicitTiers: pyrraTiers(period) }),
    exclusions: [],
    maintenance: [],
    ...(indicator.groupBy.length === 0 ? {} : { groupBy: indicator.groupBy }),
    origin: ctx.origin(object.node, 'pyrra/v1alpha1'),
  };
  state.slos.push({ value: slo, at: ctx.position(metadata?.value('name') ?? object.node) });
}

/** Pyrra's `pyrra.dev/v1alpha1` `ServiceLevelObjective` (its Kubernetes CRD and its filesystem mode's files). */
export function createPyrraLoader(): FormatLoader {
  return {
    name: 'pyrra',
    versions: [PYRRA_API_VERSION],
    claims: (header: Header) => header.apiVersion === PYRRA_API_VERSION,
    load(object: SpecObject, header: Header, state: LoadState) {
      const root = readMap(object.ctx, object.node, object.path, ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
      if (root === undefined) return;
      if (header.kind === 'ServiceLevelObjective') loadSlo(object, root, state);
      else if (header.kind === undefined) root.missing('kind');
      else object.ctx.report(root.at('kind'), `${unknownMessage('kind', header.kind, ['ServiceLevelObjective'])} for ${PYRRA_API_VERSION}; expected ServiceLevelObjective`);
    },
  };
}
