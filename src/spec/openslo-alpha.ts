import { DAY, HOUR, MINUTE } from '../core/index.js';
import type { CalendarUnit, Objective, Query, RatioSli, Slo, ThresholdOp, Window } from '../core/index.js';
import { resolveAlerting } from './alerting.js';
import { ObjectiveKeys, readQuery, readTarget, readTimeZone } from './common.js';
import { childPath, readMap, type Fields } from './fields.js';
import type { SpecObject } from './parse.js';
import type { LoadState } from './state.js';

const ROOT = ['apiVersion', 'kind', 'metadata', 'spec'];
const ROLLING_UNITS = { Second: 1000, Minute: MINUTE, Hour: HOUR, Day: DAY, Week: 7 * DAY } as const;
const CALENDAR_UNITS: Record<string, CalendarUnit> = { Week: 'week', Month: 'month', Quarter: 'quarter', Year: 'year' };
const UNITS = ['Second', 'Minute', 'Hour', 'Day', 'Week', 'Month', 'Quarter', 'Year'] as const;

function readMetric(ratio: Fields, key: string, required: boolean): Query | undefined {
  const metric = ratio.map(key, ['source', 'queryType', 'query', 'metadata'], required);
  if (metric === undefined) return undefined;
  metric.string('source');
  const queryType = metric.string('queryType');
  if (queryType !== undefined && queryType.toLowerCase() !== 'promql') {
    metric.ctx.report(metric.at('queryType'), `'${metric.fieldPath('queryType')}': sloe reads PromQL queries; got queryType '${queryType}'`);
    return undefined;
  }
  return readQuery(metric, 'query', { required: true });
}

function readRatio(objective: Fields): RatioSli | undefined {
  if (objective.has('thresholdMetric')) {
    objective.ctx.report(objective.keyNode('thresholdMetric'), `'${objective.fieldPath('thresholdMetric')}' is not read from openslo/v1alpha (Sloth reads only ratioMetrics); write the SLO as openslo/v1`);
    return undefined;
  }
  const ratio = objective.map('ratioMetrics', ['counter', 'good', 'bad', 'total', 'incremental'], true);
  if (ratio === undefined) return undefined;
  ratio.boolean('counter');
  ratio.boolean('incremental');
  if (ratio.has('good') === ratio.has('bad')) {
    ratio.ctx.report(ratio.anchor, `'${ratio.path}' needs 'total' and exactly one of 'good' and 'bad'`);
    return undefined;
  }
  const good = readMetric(ratio, 'good', false);
  const bad = readMetric(ratio, 'bad', false);
  const total = readMetric(ratio, 'total', true);
  if (total === undefined || (good === undefined && bad === undefined)) return undefined;
  return { kind: 'ratio', total, ...(good === undefined ? {} : { good }), ...(bad === undefined ? {} : { bad }) };
}

function readTimeWindows(spec: Fields): Window | undefined {
  const items = spec.list('timeWindows', true);
  if (items.length > 1) spec.ctx.report(items[1], `'${spec.fieldPath('timeWindows')}' must hold exactly one window, got ${items.length}`);
  const first = items[0];
  if (first === undefined) return undefined;
  const window = readMap(spec.ctx, first, `${spec.fieldPath('timeWindows')}[0]`, ['count', 'unit', 'isRolling', 'calendar']);
  if (window === undefined) return undefined;
  const count = window.number('count', true);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) window.ctx.report(window.at('count'), `'${window.fieldPath('count')}' must be a whole number above 0, got ${count}`);
  const unit = window.oneOf('unit', UNITS, true);
  window.boolean('isRolling');
  const calendarUnit = unit === undefined ? undefined : CALENDAR_UNITS[unit];
  const calendar = window.map('calendar', ['startTime', 'timeZone']);
  calendar?.string('startTime');
  if (unit === undefined || count === undefined || !(Number.isInteger(count) && count > 0)) return undefined;
  if (calendar !== undefined || unit === 'Month' || unit === 'Quarter' || unit === 'Year') {
    if (calendarUnit === undefined || count !== 1) {
      window.ctx.report(window.anchor, `a calendar window is 1 Week, Month, Quarter or Year; got ${count} ${unit}`);
      return undefined;
    }
    if (calendar === undefined) {
      window.ctx.report(window.keyNode('unit'), `a calendar window needs '${window.fieldPath('calendar')}' with a timeZone`);
      return undefined;
    }
    const timeZone = readTimeZone(calendar, 'timeZone', 'a calendar window');
    return timeZone === undefined ? undefined : { kind: 'calendar', unit: calendarUnit, timeZone };
  }
  const size = ROLLING_UNITS[unit];
  return { kind: 'rolling', duration: count * size };
}

/** `openslo/v1alpha` SLO and Service, the shape Sloth reads: objectives with their own ratioMetrics, timeWindows. */
export function loadOpenSloAlphaSlo(object: SpecObject, kind: string, state: LoadState): void {
  const { ctx } = object;
  const root = readMap(ctx, object.node, object.path, ROOT);
  if (root === undefined) return;
  const metadata = root.map('metadata', ['name', 'displayName'], true);
  const name = metadata?.string('name', true);
  const displayName = metadata?.string('displayName');
  if (kind === 'Service') {
    const spec = root.map('spec', ['description']);
    const description = spec?.string('description');
    if (name !== undefined) {
      state.services.push({
        value: { name, ...(displayName === undefined ? {} : { displayName }), ...(description === undefined ? {} : { description }), labels: {}, origin: ctx.origin(object.node, 'openslo/v1alpha') },
        at: ctx.position(metadata?.value('name')),
      });
    }
    return;
  }
  const spec = root.map('spec', ['service', 'description', 'budgetingMethod', 'objectives', 'timeWindows'], true);
  if (spec === undefined) return;
  const service = spec.string('service', true);
  const description = spec.string('description');
  // As Sloth reads v1alpha: events counted over a rolling window; time slices need openslo/v1.
  const budgetingMethod = spec.oneOf('budgetingMethod', ['Occurrences'] as const, true);
  const window = readTimeWindows(spec);
  const keys = new ObjectiveKeys();
  const objectives: Objective[] = [];
  let valid = true;
  spec.list('objectives', true).forEach((node, index) => {
    const fields = readMap(ctx, node, childPath(spec.fieldPath('objectives'), index), ['displayName', 'value', 'op', 'target', 'ratioMetrics', 'thresholdMetric']);
    if (fields === undefined) {
      valid = false;
      return;
    }
    const objectiveName = fields.string('displayName');
    const target = readTarget(fields);
    const op = fields.oneOf('op', ['lt', 'lte', 'gt', 'gte'] as const satisfies readonly ThresholdOp[]);
    const value = fields.number('value');
    const sli = readRatio(fields);
    if (target === undefined || sli === undefined) {
      valid = false;
      return;
    }
    objectives.push({
      key: keys.next(index, undefined, objectiveName),
      ...(objectiveName === undefined ? {} : { displayName: objectiveName }),
      target,
      ...(op === undefined ? {} : { op }),
      ...(value === undefined ? {} : { value }),
      sli,
    });
  });
  const sli = objectives[0]?.sli;
  if (name === undefined || service === undefined || budgetingMethod === undefined || window === undefined || !valid || sli === undefined) return;
  const slo: Slo = {
    name,
    service,
    ...(displayName === undefined ? {} : { displayName }),
    ...(description === undefined ? {} : { description }),
    labels: {},
    sli,
    objectives,
    window,
    budgetingMethod,
    alerting: resolveAlerting(name, window, {}, new Map([...state.alertTables].map(([period, table]) => [period, table.value]))),
    exclusions: [],
    maintenance: [],
    origin: ctx.origin(object.node, 'openslo/v1alpha'),
  };
  state.slos.push({ value: slo, at: ctx.position(metadata?.value('name') ?? object.node) });
}
