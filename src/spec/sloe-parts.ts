/**
 * The parts of a sloe/v1 SLO that SLI-based and composite SLOs share: the window, the objectives and the alerting.
 */
import { isMap, isScalar } from 'yaml';
import { DEFAULT_TIERS } from '../core/index.js';
import type { BudgetingMethod, CalendarUnit, Objective, Sli, ThresholdOp, Window } from '../core/index.js';
import { SEVERITY_CLASSES, type AlertingSpec, type SeverityOverride, type TierOverride } from './alerting.js';
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
    alerting.ctx.report(node, `'${alerting.fieldPath('tiers')}' must be a mapping of tier names (${tierNames.join(', ')}) to overrides, got ${describe(node)}`);
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

export function readAlerting(spec: Fields): AlertingSpec {
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
    tiers: readTierOverrides(alerting, DEFAULT_TIERS.map((tier) => tier.name)),
  };
}
