import { burnRateThreshold, DEFAULT_TIERS } from '../core/index.js';
import type { AlertTier, Slo, Sli } from '../core/index.js';
import { resolveAlerting, type AlertingSpec, type SeverityOverride } from './alerting.js';
import { percentToRatio, readQuery } from './common.js';
import { childPath, readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import type { FormatLoader, Header, LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

/** Field names of the two Sloth formats: snake_case in `prometheus/v1` files, camelCase in the Kubernetes object. */
interface Naming {
  readonly format: 'sloth/prometheus-v1' | 'sloth/k8s-v1';
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly errorRatioQuery: string;
  readonly pageAlert: string;
  readonly ticketAlert: string;
  readonly sloPlugins: string;
}

const FILE: Naming = { format: 'sloth/prometheus-v1', errorQuery: 'error_query', totalQuery: 'total_query', errorRatioQuery: 'error_ratio_query', pageAlert: 'page_alert', ticketAlert: 'ticket_alert', sloPlugins: 'slo_plugins' };
const K8S: Naming = { format: 'sloth/k8s-v1', errorQuery: 'errorQuery', totalQuery: 'totalQuery', errorRatioQuery: 'errorRatioQuery', pageAlert: 'pageAlert', ticketAlert: 'ticketAlert', sloPlugins: 'sloPlugins' };

export const SLI_PLUGIN_MESSAGE = 'Sloth SLI plugins are Go code sloe cannot run; rewrite as events or raw';
export const SLO_PLUGIN_MESSAGE = 'Sloth SLO plugins are Go code sloe cannot run; remove the plugin chain (sloe makes its own rules) or rewrite what the plugin does in the spec';

function refusePlugins(fields: Fields, key: string): void {
  if (fields.keyNode(key) !== undefined) fields.ctx.report(fields.keyNode(key), SLO_PLUGIN_MESSAGE);
}

function readSli(slo: Fields, naming: Naming): Sli | undefined {
  const sli = slo.map('sli', ['events', 'raw', 'plugin'], true);
  if (sli === undefined) return undefined;
  if (sli.keyNode('plugin') !== undefined) {
    sli.ctx.report(sli.keyNode('plugin'), SLI_PLUGIN_MESSAGE);
    return undefined;
  }
  if (sli.has('events') === sli.has('raw')) {
    sli.ctx.report(sli.anchor, `'${sli.path}' needs exactly one of 'events' and 'raw'`);
    return undefined;
  }
  const options = { required: true, requireWindow: true };
  if (sli.has('raw')) {
    const raw = sli.map('raw', [naming.errorRatioQuery], true);
    const query = raw === undefined ? undefined : readQuery(raw, naming.errorRatioQuery, options);
    return query === undefined ? undefined : { kind: 'rawRatio', query, meaning: 'bad' };
  }
  const events = sli.map('events', [naming.errorQuery, naming.totalQuery], true);
  if (events === undefined) return undefined;
  const bad = readQuery(events, naming.errorQuery, options);
  const total = readQuery(events, naming.totalQuery, options);
  return bad === undefined || total === undefined ? undefined : { kind: 'ratio', bad, total };
}

function readAlert(alerting: Fields, key: string): SeverityOverride | undefined {
  const alert = alerting.map(key, ['disable', 'labels', 'annotations']);
  if (alert === undefined) return undefined;
  const disable = alert.boolean('disable');
  return { ...(disable === undefined ? {} : { disable }), labels: alert.labels('labels'), annotations: alert.labels('annotations') };
}

/** Sloth's alerting block; undefined (with a problem) when its alert name is empty (no rule could carry it). */
function readAlerting(slo: Fields, naming: Naming): AlertingSpec | undefined {
  const alerting = slo.map('alerting', ['name', 'labels', 'annotations', naming.pageAlert, naming.ticketAlert]);
  if (alerting === undefined) return {};
  const name = alerting.string('name');
  const page = readAlert(alerting, naming.pageAlert);
  const ticket = readAlert(alerting, naming.ticketAlert);
  if (name?.trim() === '') {
    alerting.ctx.report(alerting.at('name'), `'${alerting.fieldPath('name')}' must not be empty`);
    return undefined;
  }
  // Sloth writes no alerts at all when both are disabled; a no-data alert nobody asked for would be the only one.
  const silent = page?.disable === true && ticket?.disable === true;
  return {
    ...(name === undefined ? {} : { name }),
    ...(silent ? { noDataFor: 0 } : {}),
    labels: alerting.labels('labels'),
    annotations: alerting.labels('annotations'),
    severities: { ...(page === undefined ? {} : { page }), ...(ticket === undefined ? {} : { ticket }) },
  };
}

/** The SLOs of one Sloth service (a `prometheus/v1` file, or a PrometheusServiceLevel's spec). */
function loadService(object: SpecObject, spec: Fields, naming: Naming, state: LoadState): void {
  const { ctx } = object;
  const service = spec.string('service', true);
  const serviceLabels = spec.labels('labels');
  refusePlugins(spec, naming.sloPlugins);
  // Sloth takes the period from its command line (`--default-slo-period`), which a spec file cannot say.
  const window = { kind: 'rolling', duration: state.defaultSloPeriod } as const;
  const tables = new Map([...state.alertTables].map(([period, table]) => [period, table.value]));
  spec.list('slos', true).forEach((node, index) => {
    const slo = readMap(ctx, node, childPath(spec.fieldPath('slos'), index), ['name', 'description', 'objective', 'labels', 'sli', 'alerting', 'plugins']);
    if (slo === undefined) return;
    const name = slo.string('name', true);
    const description = slo.string('description');
    const target = percentToRatio(slo, 'objective');
    const labels = slo.labels('labels');
    refusePlugins(slo, 'plugins');
    const sli = readSli(slo, naming);
    const alerting = readAlerting(slo, naming);
    if (service === undefined || name === undefined || target === undefined || sli === undefined || alerting === undefined) return;
    // Sloth identifies an SLO by service and name (its `sloth_id`), so two services may both have `requests-availability`.
    const id = `${service}-${name}`;
    const model: Slo = {
      name: id,
      service,
      ...(description === undefined ? {} : { description }),
      labels: { ...serviceLabels, ...labels },
      sli,
      objectives: [{ key: name, target }],
      window,
      budgetingMethod: 'Occurrences',
      alerting: resolveAlerting(id, window, alerting, tables),
      exclusions: [],
      maintenance: [],
      origin: ctx.origin(node, naming.format),
    };
    state.slos.push({ value: model, at: ctx.position(slo.value('name') ?? node) });
  });
}

const TIER_NAMES: Record<string, Record<string, string>> = { page: { quick: 'page-fast', slow: 'page-slow' }, ticket: { quick: 'ticket-fast', slow: 'ticket-slow' } };

/** Sloth's AlertWindows: a custom burn-rate table for SLOs of one period. */
function defineAlertWindows(object: SpecObject, root: Fields, state: LoadState): void {
  const metadata = root.map('metadata', ['name', 'namespace', 'labels', 'annotations']);
  metadata?.string('name');
  const spec = root.map('spec', ['sloPeriod', 'page', 'ticket'], true);
  if (spec === undefined) return;
  const period = spec.duration('sloPeriod', { required: true });
  const tiers: AlertTier[] = [];
  let valid = period !== undefined;
  for (const severity of ['page', 'ticket'] as const) {
    const group = spec.map(severity, ['quick', 'slow'], true);
    for (const speed of ['quick', 'slow'] as const) {
      const windows = group?.map(speed, ['errorBudgetPercent', 'shortWindow', 'longWindow'], true);
      if (windows === undefined) {
        valid = false;
        continue;
      }
      const percent = percentToRatio(windows, 'errorBudgetPercent');
      const shortWindow = windows.duration('shortWindow', { required: true });
      const longWindow = windows.duration('longWindow', { required: true });
      if (shortWindow !== undefined && longWindow !== undefined && shortWindow >= longWindow) {
        windows.ctx.report(windows.at('shortWindow'), `'${windows.fieldPath('shortWindow')}' must be shorter than '${windows.fieldPath('longWindow')}'`);
        valid = false;
      }
      if (percent === undefined || shortWindow === undefined || longWindow === undefined || period === undefined) {
        valid = false;
        continue;
      }
      const name = TIER_NAMES[severity]?.[speed] ?? `${severity}-${speed}`;
      tiers.push({
        name,
        severity,
        budgetFraction: percent,
        longWindow,
        shortWindow,
        burnRateThreshold: burnRateThreshold(percent, period, longWindow),
        for: DEFAULT_TIERS.find((tier) => tier.name === name)?.for ?? 0,
        disabled: false,
      });
    }
  }
  if (!valid || period === undefined) return;
  const at = object.ctx.position(spec.value('sloPeriod'));
  const earlier = state.alertTables.get(period);
  if (earlier !== undefined) {
    object.ctx.reportAt(at, `duplicate AlertWindows for sloPeriod ${spec.string('sloPeriod') ?? ''}: defined at ${earlier.at.file}:${earlier.at.line}:${earlier.at.column} and again here`);
    return;
  }
  state.alertTables.set(period, { value: tiers, at });
}

const K8S_KINDS = ['PrometheusServiceLevel', 'AlertWindows'] as const;

/** Sloth: `version: "prometheus/v1"` files and `sloth.slok.dev/v1` PrometheusServiceLevel (and AlertWindows). */
export function createSlothLoader(): FormatLoader {
  return {
    name: 'sloth',
    versions: ['sloth.slok.dev/v1', 'prometheus/v1'],
    claims: (header: Header) => header.apiVersion === 'sloth.slok.dev/v1' || (header.apiVersion === undefined && header.version === 'prometheus/v1'),
    define(object: SpecObject, header: Header, state: LoadState) {
      if (header.apiVersion !== 'sloth.slok.dev/v1' || header.kind !== 'AlertWindows') return;
      const root = readMap(object.ctx, object.node, object.path, ['apiVersion', 'kind', 'metadata', 'spec']);
      if (root !== undefined) defineAlertWindows(object, root, state);
    },
    load(object: SpecObject, header: Header, state: LoadState) {
      if (header.apiVersion === undefined) {
        const root = readMap(object.ctx, object.node, object.path, ['version', 'service', 'labels', 'slos', FILE.sloPlugins]);
        if (root !== undefined) loadService(object, root, FILE, state);
        return;
      }
      if (header.kind === 'AlertWindows') return;
      const root = readMap(object.ctx, object.node, object.path, ['apiVersion', 'kind', 'metadata', 'spec']);
      if (root === undefined) return;
      if (header.kind !== 'PrometheusServiceLevel') {
        if (header.kind === undefined) root.missing('kind');
        else object.ctx.report(root.at('kind'), `${unknownMessage('kind', header.kind, K8S_KINDS)} for sloth.slok.dev/v1; expected ${K8S_KINDS.join(' or ')}`);
        return;
      }
      const metadata = root.map('metadata', ['name', 'namespace', 'labels', 'annotations'], true);
      metadata?.string('name', true);
      metadata?.string('namespace');
      metadata?.labels('labels');
      metadata?.labels('annotations');
      const spec = root.map('spec', ['service', 'labels', 'slos', K8S.sloPlugins], true);
      if (spec !== undefined) loadService(object, spec, K8S, state);
    },
  };
}
