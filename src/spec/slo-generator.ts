import type { Query, Sli, Slo } from '../core/index.js';
import { resolveAlerting } from './alerting.js';
import { checkQuery } from './common.js';
import { readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import { isVectorSelector } from './selector.js';
import { ErrorBudgetPolicies } from './slo-generator-policy.js';
import type { FormatLoader, Header, LoadState } from './state.js';
import { unknownMessage } from './suggest.js';

export const SLO_GENERATOR_API_VERSION = 'sre.google.com/v2';
/** slo-generator names the service in this metadata label; sloe takes it as the SLO's service. */
export const SLO_GENERATOR_SERVICE_LABEL = 'service_name';
/** slo-generator's identity labels: the service becomes the SLO's service, and sloe labels the SLO's name itself. */
const IDENTITY_LABELS = new Set([SLO_GENERATOR_SERVICE_LABEL, 'slo_name']);
const METHODS = ['good_bad_ratio', 'query_sli', 'distribution_cut'] as const;
/** slo-generator's Prometheus backend writes the window as `[window]` in a query_sli expression. */
const WINDOW_TOKEN = '[window]';
/** The policy an SLO uses when it names none, as in slo-generator. */
const DEFAULT_POLICY = 'default';

function readFilter(sli: Fields, key: string): Query | undefined {
  const promql = sli.string(key);
  if (promql === undefined) return undefined;
  const query = checkQuery(sli.ctx, sli.at(key), promql, sli.fieldPath(key));
  if (query !== undefined && !isVectorSelector(promql)) {
    sli.ctx.report(sli.at(key), `'${sli.fieldPath(key)}' must be a counter selector such as http_requests_total{code=~"2.."} (slo-generator applies increase() itself), got '${promql}'`);
    return undefined;
  }
  return query;
}

function readGoodBad(sli: Fields): Sli | undefined {
  const good = readFilter(sli, 'filter_good');
  const bad = readFilter(sli, 'filter_bad');
  const total = readFilter(sli, 'filter_valid');
  if (sli.has('filter_good') === sli.has('filter_bad')) {
    sli.ctx.report(sli.anchor, `'${sli.path}' needs exactly one of 'filter_good' and 'filter_bad' beside 'filter_valid'`);
    return undefined;
  }
  if (!sli.has('filter_valid')) {
    // slo-generator can take good + bad as the total; the model needs the total stated, so that case is refused.
    sli.ctx.report(sli.anchor, `missing required field '${sli.fieldPath('filter_valid')}': sloe needs the valid (total) events stated`);
    return undefined;
  }
  if (total === undefined || (good === undefined && bad === undefined)) return undefined;
  return { kind: 'ratio', total, ...(good === undefined ? {} : { good }), ...(bad === undefined ? {} : { bad }) };
}

function readQuerySli(sli: Fields): Sli | undefined {
  const expression = sli.string('expression', true);
  if (expression === undefined) return undefined;
  if (!expression.includes(WINDOW_TOKEN)) {
    sli.ctx.report(sli.at('expression'), `'${sli.fieldPath('expression')}' must use [window] as its range, as slo-generator's Prometheus backend substitutes it`);
    return undefined;
  }
  const promql = expression.replaceAll(WINDOW_TOKEN, '[{{.window}}]');
  // Checked as written with the window filled in: offsets shift by the placeholder's length, so point at the value.
  const query = checkQuery(sli.ctx, sli.at('expression'), promql, sli.fieldPath('expression'));
  return query === undefined ? undefined : { kind: 'rawRatio', query, meaning: 'good' };
}

function readDistributionCut(sli: Fields): Sli | undefined {
  const histogram = readFilter(sli, 'expression');
  if (!sli.has('expression')) sli.missing('expression');
  const threshold = sli.number('threshold_bucket', true);
  if (histogram === undefined || threshold === undefined) return undefined;
  return { kind: 'latency', histogram, threshold };
}

function readSli(spec: Fields, method: (typeof METHODS)[number] | undefined): Sli | undefined {
  const sli = spec.map('service_level_indicator', ['filter_good', 'filter_bad', 'filter_valid', 'expression', 'threshold_bucket'], true);
  if (sli === undefined || method === undefined) return undefined;
  const allowed: Record<(typeof METHODS)[number], readonly string[]> = {
    good_bad_ratio: ['filter_good', 'filter_bad', 'filter_valid'],
    query_sli: ['expression'],
    distribution_cut: ['expression', 'threshold_bucket'],
  };
  for (const key of ['filter_good', 'filter_bad', 'filter_valid', 'expression', 'threshold_bucket']) {
    if (sli.keyNode(key) !== undefined && !allowed[method].includes(key)) sli.ctx.report(sli.keyNode(key), `'${sli.fieldPath(key)}' does not go with method ${method}; it takes ${allowed[method].join(', ')}`);
  }
  if (method === 'good_bad_ratio') return readGoodBad(sli);
  if (method === 'query_sli') return readQuerySli(sli);
  return readDistributionCut(sli);
}

function loadSlo(object: SpecObject, root: Fields, state: LoadState, policies: ErrorBudgetPolicies): void {
  const { ctx } = object;
  const metadata = root.map('metadata', ['name', 'namespace', 'labels', 'annotations'], true);
  const name = metadata?.string('name', true);
  metadata?.string('namespace');
  const metaLabels = metadata?.labels('labels') ?? {};
  metadata?.labels('annotations');
  const spec = root.map('spec', ['description', 'backend', 'method', 'exporters', 'service_level_indicator', 'goal', 'error_budget_policy', 'frequency'], true);
  if (spec === undefined) return;
  const description = spec.string('description');
  const backend = spec.string('backend', true);
  if (backend !== undefined && backend.split('/')[0] !== 'prometheus') {
    spec.ctx.report(spec.at('backend'), `'${spec.fieldPath('backend')}': sloe reads slo-generator's Prometheus backend (PromQL); backend '${backend}' is not one`);
  }
  const method = spec.oneOf('method', METHODS, true);
  const sli = readSli(spec, method);
  const goal = spec.number('goal', true);
  if (goal !== undefined && !(goal > 0 && goal < 1)) spec.ctx.report(spec.at('goal'), `'${spec.fieldPath('goal')}' must be between 0 and 1 (exclusive), got ${goal}`);
  // Exporters live in slo-generator's shared configuration and are its business; the policy's steps are read from there.
  spec.list('exporters');
  const policyName = spec.string('error_budget_policy');
  spec.string('frequency');
  // slo-generator evaluates each policy step's window; the SLO itself states no period, so the configured default applies.
  const window = { kind: 'rolling', duration: state.defaultSloPeriod } as const;
  // The named policy (slo-generator's `default` when none is named) from the loaded shared configuration. With no
  // policies loaded at all, `default` means sloe's own table; any other name, or a name missing from loaded policies,
  // is a problem.
  const tiers = policies.tiers(policyName ?? DEFAULT_POLICY, window);
  const unresolved = tiers === undefined && policyName !== undefined && (policyName !== DEFAULT_POLICY || policies.names().length > 0);
  if (unresolved) {
    const known = policies.names();
    const loaded = known.length === 0 ? "no policies are loaded: load slo-generator's shared configuration (the file with error_budget_policies) with the SLOs" : `loaded: ${known.join(', ')}`;
    spec.ctx.report(spec.at('error_budget_policy'), `'${spec.fieldPath('error_budget_policy')}': ${unknownMessage('error budget policy', policyName, known)}; ${loaded}`);
  }
  if (name === undefined || sli === undefined || goal === undefined || !(goal > 0 && goal < 1) || backend?.split('/')[0] !== 'prometheus') return;
  if (unresolved) return;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(metaLabels)) if (!IDENTITY_LABELS.has(key)) labels[key] = value;
  const slo: Slo = {
    name,
    service: metaLabels[SLO_GENERATOR_SERVICE_LABEL] ?? name,
    ...(description === undefined ? {} : { description }),
    labels: labels,
    sli,
    objectives: [{ key: name, target: goal }],
    window,
    budgetingMethod: 'Occurrences',
    alerting: resolveAlerting(name, window, tiers === undefined ? {} : { explicitTiers: tiers }),
    exclusions: [],
    maintenance: [],
    origin: ctx.origin(object.node, 'slo-generator/v2'),
  };
  state.slos.push({ value: slo, at: ctx.position(metadata?.value('name') ?? object.node) });
}

/** Google slo-generator's `sre.google.com/v2` `ServiceLevelObjective`, Prometheus backend. */
export function createSloGeneratorLoader(): FormatLoader {
  const policies = new ErrorBudgetPolicies();
  const isSharedConfig = (header: Header) => header.apiVersion === undefined && header.version === undefined && header.errorBudgetPolicies === true;
  return {
    name: 'slo-generator',
    versions: [SLO_GENERATOR_API_VERSION],
    claims: (header: Header) => header.apiVersion === SLO_GENERATOR_API_VERSION || isSharedConfig(header),
    // Policies first, from every file, so an SLO can name one defined in another file.
    define(object: SpecObject, header: Header) {
      if (isSharedConfig(header)) policies.define(object);
    },
    load(object: SpecObject, header: Header, state: LoadState) {
      if (isSharedConfig(header)) return;
      const root = readMap(object.ctx, object.node, object.path, ['apiVersion', 'kind', 'metadata', 'spec']);
      if (root === undefined) return;
      if (header.kind === 'ServiceLevelObjective') loadSlo(object, root, state, policies);
      else if (header.kind === undefined) root.missing('kind');
      else object.ctx.report(root.at('kind'), `${unknownMessage('kind', header.kind, ['ServiceLevelObjective'])} for ${SLO_GENERATOR_API_VERSION}; expected ServiceLevelObjective`);
    },
  };
}
