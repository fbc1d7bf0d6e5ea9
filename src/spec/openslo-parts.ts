import type { Node } from 'yaml';
import { DAY, HOUR, MINUTE } from '../core/index.js';
import type { CalendarUnit, DurationMs, NotificationTarget, Query, Sli, Window } from '../core/index.js';
import { checkQuery, readTimeZone } from './common.js';
import { readMap, type Fields } from './fields.js';
import type { NamedKind, OpenSloIndex } from './openslo-index.js';
import { readDescription } from './openslo-rules.js';
import { isPrometheusCompatible, readDataSource, unsupportedSourceMessage } from './openslo-source.js';
import { closest } from './suggest.js';

/** "a reference to nothing": names the kind and, when one is close, the name that was probably meant. */
export function checkReference(fields: Fields, key: string, kind: NamedKind, index: OpenSloIndex): string | undefined {
  const name = fields.string(key, true);
  if (name === undefined) return undefined;
  if (index.has(kind, name)) return name;
  const suggestion = closest(name, index.names(kind));
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}' refers to ${kind} '${name}', which is not defined in any loaded file${hint}`);
  return undefined;
}

/** `metricSource`: a query, inline (`type` + `spec.query`) or against a DataSource (`metricSourceRef`). */
function readMetric(parent: Fields, key: string, index: OpenSloIndex): Query | undefined {
  const metric = parent.map(key, ['metricSource'], true);
  const source = metric?.map('metricSource', ['metricSourceRef', 'type', 'spec'], true);
  if (source === undefined) return undefined;
  const ref = source.has('metricSourceRef') ? checkReference(source, 'metricSourceRef', 'DataSource', index) : undefined;
  const dataSource = ref === undefined ? undefined : index.get('DataSource', ref, readDataSource);
  const inlineType = source.string('type');
  if (!source.has('type') && !source.has('metricSourceRef')) source.missing('type');
  if (source.has('metricSourceRef') && ref === undefined) return undefined;
  // The inline type wins over the DataSource's, as the specification lets an SLI narrow its source.
  const type = inlineType ?? dataSource?.type;
  const served = ref !== undefined && index.remoteSources.includes(ref);
  if (type !== undefined && !isPrometheusCompatible(type) && !served) {
    // Its spec holds that backend's own fields (a Redshift SQL query, CloudWatch metric stats), never PromQL.
    const at = inlineType === undefined ? source.at('metricSourceRef') : source.at('type');
    source.ctx.report(at, unsupportedSourceMessage(source.fieldPath(inlineType === undefined ? 'metricSourceRef' : 'type'), type, inlineType === undefined ? ref : undefined));
    return undefined;
  }
  // A metric source's spec is free-form in OpenSLO (each backend has its own fields); sloe needs its PromQL `query`.
  const specNode = source.required('spec');
  if (specNode === undefined) return undefined;
  const spec = readMap(source.ctx, specNode, source.fieldPath('spec'), allKeys(specNode), source.keyNode('spec'));
  const promql = spec?.string('query', true);
  if (spec === undefined || promql === undefined) return undefined;
  return checkQuery(spec.ctx, spec.at('query'), promql, spec.fieldPath('query'), ref === undefined ? {} : { source: ref });
}

function allKeys(node: Node): string[] {
  const json: unknown = node.toJSON();
  return json !== null && typeof json === 'object' ? Object.keys(json) : [];
}

/** An SLI's `spec` (SLI kind, or an inline `indicator`): a thresholdMetric or a ratioMetric. */
export function readSliSpec(parent: Fields, key: string, index: OpenSloIndex): Sli | undefined {
  const spec = parent.map(key, ['description', 'thresholdMetric', 'ratioMetric'], true);
  if (spec === undefined) return undefined;
  readDescription(spec);
  if (spec.has('thresholdMetric') === spec.has('ratioMetric')) {
    spec.ctx.report(spec.anchor, `'${spec.path}' needs exactly one of 'thresholdMetric' and 'ratioMetric'`);
    return undefined;
  }
  if (spec.has('thresholdMetric')) {
    const metric = readMetric(spec, 'thresholdMetric', index);
    return metric === undefined ? undefined : { kind: 'threshold', metric };
  }
  const ratio = spec.map('ratioMetric', ['counter', 'good', 'bad', 'total', 'raw', 'rawType'], true);
  if (ratio === undefined) return undefined;
  ratio.boolean('counter');
  if (ratio.has('raw')) {
    for (const other of ['good', 'bad', 'total']) {
      if (ratio.has(other)) ratio.ctx.report(ratio.keyNode(other), `'${ratio.fieldPath(other)}' cannot be used with 'raw'`);
    }
    const rawType = ratio.oneOf('rawType', ['success', 'failure'] as const, true);
    const query = readMetric(ratio, 'raw', index);
    if (query === undefined || rawType === undefined) return undefined;
    return { kind: 'rawRatio', query, meaning: rawType === 'success' ? 'good' : 'bad' };
  }
  if (ratio.has('rawType')) ratio.ctx.report(ratio.keyNode('rawType'), `'${ratio.fieldPath('rawType')}' only goes with 'raw'`);
  if (ratio.has('good') === ratio.has('bad')) {
    ratio.ctx.report(ratio.anchor, `'${ratio.path}' needs 'total' and exactly one of 'good' and 'bad' (or 'raw' with 'rawType')`);
    return undefined;
  }
  const good = ratio.has('good') ? readMetric(ratio, 'good', index) : undefined;
  const bad = ratio.has('bad') ? readMetric(ratio, 'bad', index) : undefined;
  const total = readMetric(ratio, 'total', index);
  if (total === undefined || (good === undefined && bad === undefined)) return undefined;
  return { kind: 'ratio', total, ...(good === undefined ? {} : { good }), ...(bad === undefined ? {} : { bad }) };
}

const SHORTHAND = /^(\d+)(m|h|d|w|M|Q|Y)$/;
const UNIT_MS: Record<string, DurationMs> = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY, M: 30 * DAY, Q: 90 * DAY, Y: 365 * DAY };
const CALENDAR: Record<string, CalendarUnit> = { w: 'week', M: 'month', Q: 'quarter', Y: 'year' };
const UNIT_WORDS: Record<string, string> = { m: 'minute', h: 'hour', d: 'day' };

/** OpenSLO's duration-shorthand (`5m`, `1h`, `28d`, `2w`, `1M`, `1Q`, `1Y`). */
export function readShorthand(fields: Fields, key: string, required = true): { amount: number; unit: string } | undefined {
  const text = fields.string(key, required);
  if (text === undefined) return undefined;
  const match = SHORTHAND.exec(text);
  if (match === null || Number(match[1]) <= 0) {
    fields.ctx.report(fields.at(key), `'${fields.fieldPath(key)}' must be a duration shorthand: a whole number and one of m, h, d, w, M, Q, Y (such as 5m, 28d or 1M), got '${text}'`);
    return undefined;
  }
  return { amount: Number(match[1]), unit: match[2] ?? 'm' };
}

/** A shorthand that must be a plain duration (lookback windows, alert delays, time slices). */
export function readShorthandDuration(fields: Fields, key: string, required = true): DurationMs | undefined {
  const shorthand = readShorthand(fields, key, required);
  if (shorthand === undefined) return undefined;
  return shorthand.amount * (UNIT_MS[shorthand.unit] ?? MINUTE);
}

const START_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** `timeWindow`: exactly one rolling or calendar-aligned window. */
export function readTimeWindow(spec: Fields): Window | undefined {
  const items = spec.list('timeWindow', true);
  if (items.length > 1) spec.ctx.report(items[1], `'${spec.fieldPath('timeWindow')}' must hold exactly one window, got ${items.length}`);
  const first = items[0];
  if (first === undefined) return undefined;
  const window = readMap(spec.ctx, first, `${spec.fieldPath('timeWindow')}[0]`, ['duration', 'isRolling', 'calendar']);
  if (window === undefined) return undefined;
  const shorthand = readShorthand(window, 'duration');
  const isRolling = window.boolean('isRolling');
  const calendar = window.map('calendar', ['startTime', 'timeZone']);
  if (isRolling === true && calendar !== undefined) {
    window.ctx.report(window.keyNode('calendar'), `'${window.fieldPath('calendar')}' cannot be used with 'isRolling: true'`);
    return undefined;
  }
  if (calendar === undefined) {
    if (isRolling === false) {
      window.ctx.report(window.keyNode('isRolling'), `a calendar window (isRolling: false) needs '${window.fieldPath('calendar')}' with startTime and timeZone`);
      return undefined;
    }
    return shorthand === undefined ? undefined : { kind: 'rolling', duration: shorthand.amount * (UNIT_MS[shorthand.unit] ?? MINUTE) };
  }
  const startTime = calendar.string('startTime', true);
  if (startTime !== undefined && !START_TIME.test(startTime)) {
    calendar.ctx.report(calendar.at('startTime'), `'${calendar.fieldPath('startTime')}' must be a date and time without zone, 'YYYY-MM-DD hh:mm:ss', got '${startTime}'`);
  }
  const timeZone = readTimeZone(calendar, 'timeZone', 'a calendar window');
  if (shorthand === undefined) return undefined;
  const unit = CALENDAR[shorthand.unit];
  if (unit === undefined || shorthand.amount !== 1) {
    const word = UNIT_WORDS[shorthand.unit];
    const meant = shorthand.unit === 'm' ? ` (did you mean '${shorthand.amount}M'?)` : '';
    const what = word === undefined ? '' : `; '${shorthand.amount}${shorthand.unit}' is ${shorthand.amount} ${word}${shorthand.amount === 1 ? '' : 's'}`;
    window.ctx.report(window.at('duration'), `'${window.fieldPath('duration')}': a calendar window is 1w, 1M, 1Q or 1Y${what}${meant}`);
    return undefined;
  }
  return timeZone === undefined ? undefined : { kind: 'calendar', unit, timeZone };
}

/** A burn-rate condition as loaded; its tier is made per SLO, whose period sets the budget fraction. */
export interface ConditionDef {
  readonly name: string;
  readonly severity: string;
  readonly threshold: number;
  readonly lookbackWindow: DurationMs;
  readonly alertAfter: DurationMs;
}

/** An AlertCondition's `spec`. */
export function readConditionSpec(parent: Fields, name: string): ConditionDef | undefined {
  const spec = parent.map('spec', ['description', 'severity', 'condition'], true);
  if (spec === undefined) return undefined;
  readDescription(spec);
  const severity = spec.string('severity', true);
  const condition = spec.map('condition', ['kind', 'op', 'threshold', 'lookbackWindow', 'alertAfter'], true);
  if (condition === undefined) return undefined;
  const kind = condition.string('kind');
  if (kind !== undefined && kind.toLowerCase() !== 'burnrate') {
    condition.ctx.report(condition.at('kind'), `'${condition.fieldPath('kind')}': unsupported condition kind '${kind}'; sloe supports burnrate`);
  }
  const op = condition.oneOf('op', ['lt', 'lte', 'gt', 'gte'] as const);
  if (op === 'lt' || op === 'lte') {
    condition.ctx.report(condition.at('op'), `'${condition.fieldPath('op')}': a burn-rate condition with op '${op}' would fire while the budget burns slowly; a burn-rate alert fires at or above its threshold: use 'gte' or 'gt'`);
  }
  const threshold = condition.number('threshold', true);
  if (threshold !== undefined && !(threshold > 0)) condition.ctx.report(condition.at('threshold'), `'${condition.fieldPath('threshold')}' must be a positive burn rate, got ${threshold}`);
  const lookbackWindow = readShorthandDuration(condition, 'lookbackWindow');
  const alertAfter = readShorthandDuration(condition, 'alertAfter');
  if (severity === undefined || threshold === undefined || !(threshold > 0) || lookbackWindow === undefined || alertAfter === undefined || op === 'lt' || op === 'lte') return undefined;
  return { name, severity, threshold, lookbackWindow, alertAfter };
}

/** An AlertNotificationTarget's `spec`. */
export function readTargetSpec(parent: Fields, name: string): NotificationTarget | undefined {
  const spec = parent.map('spec', ['description', 'target'], true);
  const target = spec?.string('target', true);
  const description = readDescription(spec);
  if (target === undefined) return undefined;
  return { name, target, ...(description === undefined ? {} : { description }) };
}
