import type { BudgetingMethod, Exclusion, MaintenanceWindow, Sli, Slo } from '../core/index.js';
import { resolveAlerting } from './alerting.js';
import { readCron, readQuery, readTimeZone, readTimestamp } from './common.js';
import { loadCompositeSlo } from './composite.js';
import { readAlerting, readObjectives, readWindow } from './sloe-parts.js';
import { childPath, readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import type { LoadState } from './state.js';

const BUDGETING_METHODS: readonly BudgetingMethod[] = ['Occurrences', 'Timeslices', 'RatioTimeslices'];

function readSli(spec: Fields): Sli | undefined {
  const kinds = ['ratio', 'latency', 'threshold', 'rawRatio'] as const;
  const sli = spec.map('sli', [...kinds, 'source'], true);
  if (sli === undefined) return undefined;
  const present = kinds.filter((kind) => sli.has(kind));
  if (present.length !== 1) {
    const which = present.length === 0 ? 'none' : present.join(' and ');
    spec.ctx.report(sli.anchor, `'${sli.path}' needs exactly one of ${kinds.join(', ')}; got ${which}`);
    return undefined;
  }
  const source = sli.string('source');
  const options = { required: true, ...(source === undefined ? {} : { source }) };
  switch (present[0]) {
    case 'ratio': {
      const ratio = sli.map('ratio', ['good', 'bad', 'total'], true);
      if (ratio === undefined) return undefined;
      if (ratio.has('good') === ratio.has('bad')) {
        spec.ctx.report(ratio.anchor, `'${ratio.path}' needs exactly one of 'good' and 'bad' beside 'total'`);
        return undefined;
      }
      const good = ratio.has('good') ? readQuery(ratio, 'good', options) : undefined;
      const bad = ratio.has('bad') ? readQuery(ratio, 'bad', options) : undefined;
      const total = readQuery(ratio, 'total', options);
      if (total === undefined || (good === undefined && bad === undefined)) return undefined;
      return { kind: 'ratio', total, ...(good === undefined ? {} : { good }), ...(bad === undefined ? {} : { bad }) };
    }
    case 'latency': {
      const latency = sli.map('latency', ['histogram', 'threshold'], true);
      if (latency === undefined) return undefined;
      const histogram = readQuery(latency, 'histogram', options);
      const threshold = latency.number('threshold', true);
      if (threshold !== undefined && !(threshold > 0)) latency.ctx.report(latency.at('threshold'), `'${latency.fieldPath('threshold')}' must be a positive bucket bound, got ${threshold}`);
      if (histogram === undefined || threshold === undefined || !(threshold > 0)) return undefined;
      return { kind: 'latency', histogram, threshold };
    }
    case 'threshold': {
      const threshold = sli.map('threshold', ['metric'], true);
      const metric = threshold === undefined ? undefined : readQuery(threshold, 'metric', options);
      return metric === undefined ? undefined : { kind: 'threshold', metric };
    }
    case 'rawRatio': {
      const raw = sli.map('rawRatio', ['query', 'meaning'], true);
      if (raw === undefined) return undefined;
      const query = readQuery(raw, 'query', options);
      const meaning = raw.has('meaning') ? raw.oneOf('meaning', ['good', 'bad'] as const) : 'bad';
      return query === undefined || meaning === undefined ? undefined : { kind: 'rawRatio', query, meaning };
    }
    default:
      return undefined;
  }
}


function readExclusions(spec: Fields): Exclusion[] {
  const out: Exclusion[] = [];
  spec.list('exclusions').forEach((node, index) => {
    const fields = readMap(spec.ctx, node, childPath(spec.fieldPath('exclusions'), index), ['id', 'start', 'end', 'reason', 'createdBy']);
    if (fields === undefined) return;
    const id = fields.string('id');
    const start = readTimestamp(fields, 'start');
    const end = readTimestamp(fields, 'end');
    const reason = fields.string('reason', true);
    const createdBy = fields.string('createdBy');
    if (start !== undefined && end !== undefined && end <= start) {
      fields.ctx.report(fields.at('end'), `'${fields.fieldPath('end')}' must be after '${fields.fieldPath('start')}'`);
      return;
    }
    if (start === undefined || end === undefined || reason === undefined) return;
    out.push({ ...(id === undefined ? {} : { id }), start, end, reason, ...(createdBy === undefined ? {} : { createdBy }) });
  });
  return out;
}

function readMaintenance(spec: Fields): MaintenanceWindow[] {
  const out: MaintenanceWindow[] = [];
  spec.list('maintenance').forEach((node, index) => {
    const fields = readMap(spec.ctx, node, childPath(spec.fieldPath('maintenance'), index), ['schedule', 'timeZone', 'duration', 'reason']);
    if (fields === undefined) return;
    const schedule = readCron(fields, 'schedule');
    const timeZone = readTimeZone(fields, 'timeZone', 'a maintenance window');
    const duration = fields.duration('duration', { required: true });
    const reason = fields.string('reason', true);
    if (schedule === undefined || timeZone === undefined || duration === undefined || reason === undefined) return;
    out.push({ schedule, timeZone, duration, reason });
  });
  return out;
}

/** `spec.backfill: {source: NAME}`: the configured source an ingested SLO's period is first filled from. */
function readBackfill(spec: Fields, state: LoadState): { source: string } | undefined {
  if (!spec.has('backfill')) return undefined;
  const fields = spec.map('backfill', ['source'], true);
  const source = fields?.string('source', true);
  if (fields === undefined || source === undefined) return undefined;
  if (!state.remoteSources.includes(source)) {
    fields.ctx.report(fields.at('source'), `'${fields.fieldPath('source')}' names '${source}', which is not a configured source (configured: ${state.remoteSources.join(', ') || 'none'})`);
    return undefined;
  }
  return { source };
}

/** Label names Prometheus accepts (and not `__name__`, which a group could not differ by). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `spec.groupBy: [label, ...]` and `spec.maxGroups`: one budget per value of those labels, at most that many groups. */
function readGrouping(spec: Fields): { groupBy?: string[]; maxGroups?: number } {
  const out: { groupBy?: string[]; maxGroups?: number } = {};
  if (spec.has('groupBy')) {
    const labels = spec.strings('groupBy');
    const nodes = spec.list('groupBy');
    if (labels.length === 0) spec.ctx.report(spec.at('groupBy'), `'${spec.fieldPath('groupBy')}' must list at least one label name`);
    // Only well-formed labels reach the model, so the rule generator's own checks do not report the same label again.
    const valid = labels.filter((label, index) => {
      const at = nodes[index] ?? spec.at('groupBy');
      if (!LABEL_NAME.test(label) || label === '__name__') spec.ctx.report(at, `'${spec.fieldPath('groupBy')}[${index}]': '${label}' is not a Prometheus label name a series can be split by (expected [a-zA-Z_][a-zA-Z0-9_]*, not __name__)`);
      else if (labels.indexOf(label) !== index) spec.ctx.report(at, `'${spec.fieldPath('groupBy')}[${index}]': '${label}' is listed twice`);
      else return true;
      return false;
    });
    if (valid.length > 0) out.groupBy = valid;
  }
  if (spec.has('maxGroups')) {
    const maxGroups = spec.number('maxGroups');
    if (maxGroups !== undefined && (!Number.isInteger(maxGroups) || maxGroups < 1)) spec.ctx.report(spec.at('maxGroups'), `'${spec.fieldPath('maxGroups')}' must be a whole number of at least 1, got ${maxGroups}`);
    else if (maxGroups !== undefined) out.maxGroups = maxGroups;
    if (!spec.has('groupBy')) spec.ctx.report(spec.at('maxGroups'), `'${spec.fieldPath('maxGroups')}' needs '${spec.fieldPath('groupBy')}': only a grouped SLO has groups to cap`);
  }
  return out;
}

/** Loads a `sloe/v1` SLO document. */
export function loadSloeSlo(object: SpecObject, root: Fields, state: LoadState): void {
  const { ctx } = object;
  const metadata = root.map('metadata', ['name', 'displayName', 'labels'], true);
  const spec = root.map('spec', ['service', 'description', 'window', 'budgetingMethod', 'objectives', 'sli', 'alerting', 'exclusions', 'maintenance', 'backfill', 'groupBy', 'maxGroups', 'composite'], true);
  const name = metadata?.string('name', true);
  const displayName = metadata?.string('displayName');
  const labels = metadata?.labels('labels') ?? {};
  if (spec === undefined) return;
  // A composite's events are its members': `spec.composite` stands where `spec.sli` would.
  if (spec.has('composite')) return loadCompositeSlo(object, { metadata, spec, name, displayName, labels }, state);
  const service = spec.string('service', true);
  const description = spec.string('description');
  const window = readWindow(spec);
  const budgetingMethod = spec.has('budgetingMethod') ? spec.oneOf('budgetingMethod', BUDGETING_METHODS) : 'Occurrences';
  const sli = readSli(spec);
  const objectives = readObjectives(spec, budgetingMethod, sli);
  const alerting = readAlerting(spec, window);
  const exclusions = readExclusions(spec);
  const maintenance = readMaintenance(spec);
  const backfill = readBackfill(spec, state);
  const grouping = readGrouping(spec);
  if (grouping.groupBy && budgetingMethod !== undefined && budgetingMethod !== 'Occurrences') {
    spec.ctx.report(spec.at('groupBy'), `'${spec.fieldPath('groupBy')}' needs budgetingMethod Occurrences: groups are not split into time slices (got ${budgetingMethod})`);
  }
  if (name === undefined || service === undefined || window === undefined || budgetingMethod === undefined || sli === undefined || objectives === undefined) return;
  const tables = new Map([...state.alertTables].map(([period, table]) => [period, table.value]));
  const slo: Slo = {
    name,
    service,
    ...(displayName === undefined ? {} : { displayName }),
    ...(description === undefined ? {} : { description }),
    labels,
    sli,
    objectives,
    window,
    budgetingMethod,
    alerting: resolveAlerting(name, window, alerting, tables),
    exclusions,
    maintenance,
    ...(backfill === undefined ? {} : { backfill }),
    ...grouping,
    origin: ctx.origin(object.node, 'sloe/v1'),
  };
  state.slos.push({ value: slo, at: ctx.position(metadata?.value('name') ?? object.node) });
}
