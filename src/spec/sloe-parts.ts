/**
 * The parts of a sloe/v1 SLO that SLI-based and composite SLOs share: the window, the objectives and the alerting.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { DEFAULT_TIERS, nominalPeriod } from '../core/index.js';
import type { AlertTier, BudgetingMethod, CalendarUnit, Objective, Sli, ThresholdOp, Window } from '../core/index.js';
import { SEVERITY_CLASSES, statedTier, type AlertingSpec, type SeverityOverride, type TierOverride } from './alerting.js';
import { ObjectiveKeys, objectiveOf, readTarget, readTimeSliceTarget, readTimeZone } from './common.js';
import { childPath, describe, readMap, type Fields } from './fields.js';

const CALENDAR_UNITS: readonly CalendarUnit[] = ['week', 'month', 'quarter', 'year'];
const OPS: readonly ThresholdOp[] = ['lt', 'lte', 'gt', 'gte'];
const DEFAULT_WINDOW: Window = { kind: 'rolling', duration: 30 * 86_400_000 };

export function readWindow(spec: Fields): Window | undefined {
  const node = spec.value('window');
  if (node === undefined) return DEFAULT_WINDOW;
  const path = spec.fieldPath('window');
  if (isScalar(node)) {
    const duration = spec.duration('window');
    return duration === undefined ? undefined : { kind: 'rolling', duration };
  }
  const window = readMap(spec.ctx, node, path, ['calendar', 'timeZone'], spec.keyNode('window'));
  if (window === undefined) return undefined;
  const unit = window.oneOf('calendar', CALENDAR_UNITS, true);
  const timeZone = readTimeZone(window, 'timeZone', 'a calendar window');
  return unit === undefined || timeZone === undefined ? undefined : { kind: 'calendar', unit, timeZone };
}


export function readObjectives(spec: Fields, method: BudgetingMethod | undefined, sli: Sli | undefined): Objective[] | undefined {
  const keys = new ObjectiveKeys();
  const objectives: Objective[] = [];
  let valid = true;
  spec.list('objectives', true).forEach((node, index) => {
    const path = childPath(spec.fieldPath('objectives'), index);
    const fields = readMap(spec.ctx, node, path, ['key', 'displayName', 'target', 'targetPercent', 'op', 'value', 'timeSliceWindow', 'timeSliceTarget']);
    if (fields === undefined) {
      valid = false;
      return;
    }
    const key = fields.string('key');
    const displayName = fields.string('displayName');
    const target = readTarget(fields);
    const op = fields.oneOf('op', OPS);
    const value = fields.number('value');
    if (sli?.kind === 'threshold') {
      if (!fields.has('op')) fields.missing('op');
      if (!fields.has('value')) fields.missing('value');
    }
    const timeSliceWindow = fields.duration('timeSliceWindow', { required: method === 'Timeslices' || method === 'RatioTimeslices' });
    const timeSliceTarget = readTimeSliceTarget(fields, method);
    if (target === undefined) {
      valid = false;
      return;
    }
    objectives.push(objectiveOf({ key: keys.next(index, key, displayName), displayName, target, op, value, timeSliceWindow, timeSliceTarget }));
  });
  return valid && objectives.length > 0 ? objectives : undefined;
}

function readSeverity(alerting: Fields, key: string): SeverityOverride | undefined {
  const fields = alerting.map(key, ['disable', 'severity', 'labels', 'annotations']);
  if (fields === undefined) return undefined;
  const disable = fields.boolean('disable');
  const severity = fields.string('severity');
  return {
    ...(disable === undefined ? {} : { disable }),
    ...(severity === undefined ? {} : { severity }),
    labels: fields.labels('labels'),
    annotations: fields.labels('annotations'),
  };
}

function readTierOverrides(alerting: Fields, tierNames: readonly string[]): Record<string, TierOverride> {
  const node = alerting.value('tiers');
  const out: Record<string, TierOverride> = {};
  if (node === undefined) return out;
  if (!isMap(node)) {
    alerting.ctx.report(node, `'${alerting.fieldPath('tiers')}' must be a mapping of tier names (${tierNames.join(', ')}) to overrides, or a list of tiers, got ${describe(node)}`);
    return out;
  }
  const names = readMap(alerting.ctx, node, alerting.fieldPath('tiers'), tierNames, alerting.keyNode('tiers'));
  if (names === undefined) return out;
  for (const name of tierNames) {
    const tier = names.map(name, ['disable', 'for', 'severity']);
    if (tier === undefined) continue;
    const disable = tier.boolean('disable');
    const forDuration = tier.duration('for', { allowZero: true });
    const severity = tier.string('severity');
    out[name] = {
      ...(disable === undefined ? {} : { disable }),
      ...(forDuration === undefined ? {} : { for: forDuration }),
      ...(severity === undefined ? {} : { severity }),
    };
  }
  return out;
}

/** Tier names go into rule labels (`slo_tier`) and alert-state keys: a slug, as the table's own names are. */
const TIER_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const TIER_FIELDS = ['name', 'severity', 'longWindow', 'shortWindow', 'budgetFraction', 'burnRateThreshold', 'for', 'disable', 'labels', 'annotations'];

/**
 * `alerting.tiers` as a list: the SLO's own tier table, replacing the default one. Each tier states its long window
 * and one of `budgetFraction` (f) and `burnRateThreshold` (B); the other follows from B = f·T/w. Undefined (with
 * problems) when a tier is invalid, so no half-read table alerts.
 */
function readExplicitTiers(alerting: Fields, window: Window | undefined): AlertTier[] | undefined {
  const path = alerting.fieldPath('tiers');
  const period = window === undefined ? undefined : nominalPeriod(window);
  const names = new Set<string>();
  const tiers: AlertTier[] = [];
  let valid = true;
  const nodes = alerting.list('tiers');
  if (nodes.length === 0) alerting.ctx.report(alerting.at('tiers'), `'${path}' must list at least one tier (leave it out for the default table)`);
  nodes.forEach((node, index) => {
    const tier = readMap(alerting.ctx, node, childPath(path, index), TIER_FIELDS);
    if (tier === undefined) return void (valid = false);
    const report = (key: string, message: string): void => {
      tier.ctx.report(tier.at(key), `'${tier.fieldPath(key)}' ${message}`);
      valid = false;
    };
    const name = tier.string('name', true);
    if (name !== undefined && !TIER_NAME.test(name)) report('name', `must be lower-case letters, digits and '-' (it names the tier in rule labels), got '${name}'`);
    else if (name !== undefined && names.has(name)) report('name', `'${name}' names two tiers`);
    if (name !== undefined) names.add(name);
    const severity = tier.string('severity', true);
    const longWindow = tier.duration('longWindow', { required: true });
    const shortWindow = tier.duration('shortWindow');
    if (longWindow !== undefined && shortWindow !== undefined && shortWindow >= longWindow) report('shortWindow', `must be shorter than '${tier.fieldPath('longWindow')}'`);
    if (longWindow !== undefined && period !== undefined && longWindow > period) report('longWindow', 'must not be longer than the SLO\'s window');
    const budgetFraction = tier.number('budgetFraction');
    const burnRate = tier.number('burnRateThreshold');
    if (tier.has('budgetFraction') === tier.has('burnRateThreshold')) {
      tier.ctx.report(tier.anchor, `'${tier.path}' needs exactly one of 'budgetFraction' (the share of the budget the tier catches) and 'burnRateThreshold'`);
      valid = false;
    }
    if (budgetFraction !== undefined && !(budgetFraction > 0 && budgetFraction <= 1)) report('budgetFraction', `must be above 0 and at most 1, got ${budgetFraction}`);
    if (burnRate !== undefined && !(burnRate > 0)) report('burnRateThreshold', `must be above 0, got ${burnRate}`);
    const forDuration = tier.duration('for', { allowZero: true });
    const disable = tier.boolean('disable');
    const labels = tier.labels('labels');
    const annotations = tier.labels('annotations');
    const rate = budgetFraction !== undefined ? { budgetFraction } : burnRate !== undefined ? { burnRateThreshold: burnRate } : undefined;
    if (!valid || name === undefined || severity === undefined || longWindow === undefined || rate === undefined || period === undefined) return;
    tiers.push(statedTier({ name, severity, longWindow, ...(shortWindow === undefined ? {} : { shortWindow }), rate, for: forDuration ?? 0, disabled: disable ?? false, labels, annotations }, period));
  });
  return valid && tiers.length > 0 ? tiers : undefined;
}

/** `spec.alerting` of a sloe/v1 SLO; `window` is the SLO's (undefined when invalid), which a stated tier is scaled by. */
export function readAlerting(spec: Fields, window: Window | undefined): AlertingSpec {
  const alerting = spec.map('alerting', ['name', 'labels', 'annotations', 'runbookUrl', 'dashboardUrl', 'minEvents', 'keepFiringFor', 'noDataFor', 'page', 'ticket', 'tiers']);
  if (alerting === undefined) return {};
  const name = alerting.string('name');
  const runbookUrl = alerting.string('runbookUrl');
  const dashboardUrl = alerting.string('dashboardUrl');
  const minEvents = alerting.number('minEvents');
  if (minEvents !== undefined && !(minEvents >= 0 && Number.isInteger(minEvents))) {
    alerting.ctx.report(alerting.at('minEvents'), `'${alerting.fieldPath('minEvents')}' must be a whole number of events, 0 or more, got ${minEvents}`);
  }
  const keepFiringFor = alerting.duration('keepFiringFor', { allowZero: true });
  const noDataFor = alerting.duration('noDataFor', { allowZero: true });
  const severities: Partial<Record<'page' | 'ticket', SeverityOverride>> = {};
  for (const cls of SEVERITY_CLASSES) {
    const override = readSeverity(alerting, cls);
    if (override !== undefined) severities[cls] = override;
  }
  // A list states the whole table; a mapping overrides tiers of the default one.
  const explicitTiers = isSeq(alerting.value('tiers')) ? readExplicitTiers(alerting, window) : undefined;
  return {
    ...(name === undefined ? {} : { name }),
    labels: alerting.labels('labels'),
    annotations: alerting.labels('annotations'),
    ...(runbookUrl === undefined ? {} : { runbookUrl }),
    ...(dashboardUrl === undefined ? {} : { dashboardUrl }),
    ...(minEvents === undefined || minEvents < 0 ? {} : { minEvents }),
    ...(keepFiringFor === undefined ? {} : { keepFiringFor }),
    ...(noDataFor === undefined ? {} : { noDataFor }),
    severities,
    ...(isSeq(alerting.value('tiers')) ? (explicitTiers === undefined ? {} : { explicitTiers }) : { tiers: readTierOverrides(alerting, DEFAULT_TIERS.map((tier) => tier.name)) }),
  };
}
