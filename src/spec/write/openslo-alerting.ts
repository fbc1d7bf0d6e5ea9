import { isDeepStrictEqual } from 'node:util';
import { MINUTE } from '../../core/index.js';
import type { Alerting, AlertTier, DurationMs, Slo } from '../../core/index.js';
import { burnRateTiers, resolveAlerting } from '../alerting.js';
import { slug } from '../common.js';
import { isOpenSloName } from '../openslo-rules.js';
import { durationText, omitEmpty } from './common.js';

/** An SLO's alerting as OpenSLO v1 states it: an inline AlertPolicy (or none), and a note for each part it cannot say. */
export interface OpenSloAlerting {
  readonly alertPolicies?: readonly Record<string, unknown>[];
  readonly approximations: readonly string[];
}

/**
 * OpenSLO says burn-rate alerting as an AlertPolicy of `burnrate` AlertConditions: a severity, a burn rate, one
 * lookback window and an `alertAfter`. sloe reads each condition as a tier whose long window is the lookback and whose
 * short window is a twelfth of it, and an SLO with no policy as sloe's default table. So the policy is written only
 * when the SLO's tiers, no-data alert or notification targets differ from what no policy reads back as, and every part
 * of `alerting` that would read back different (the alert name, labels, a tier's own short window, a tier that is off)
 * is named, with what it reads back as.
 */
export function openSloAlerting(slo: Slo): OpenSloAlerting {
  const alerting = slo.alerting;
  const unstated = resolveAlerting(slo.name, slo.window, {});
  const needsPolicy = !isDeepStrictEqual(alerting.tiers, unstated.tiers) || alerting.noDataFor !== unstated.noDataFor || (alerting.notificationTargets?.length ?? 0) > 0;
  const enabled = alerting.tiers.filter((tier) => !tier.disabled);
  if (!needsPolicy || enabled.length === 0) {
    return { approximations: differences(alerting, unstated, false) };
  }
  const conditions = enabled.map((tier) => ({ tier, name: conditionName(tier) }));
  const readBack = resolveAlerting(slo.name, slo.window, {
    explicitTiers: burnRateTiers(conditions.map(({ tier, name }) => ({ name, severity: tier.severity, threshold: tier.burnRateThreshold, window: shorthandMs(tier.longWindow), for: shorthandMs(tier.for) })), slo.window),
    noDataFor: alerting.noDataFor > 0 ? undefined : 0,
    ...(alerting.notificationTargets === undefined ? {} : { notificationTargets: alerting.notificationTargets }),
  });
  const policy = {
    kind: 'AlertPolicy',
    metadata: { name: 'burn-rate' },
    spec: {
      alertWhenNoData: alerting.noDataFor > 0,
      alertWhenBreaching: true,
      alertWhenResolved: true,
      conditions: conditions.map(({ tier, name }) => ({
        kind: 'AlertCondition',
        metadata: { name },
        spec: { severity: tier.severity, condition: { kind: 'burnrate', op: 'gte', threshold: tier.burnRateThreshold, lookbackWindow: durationText(shorthandMs(tier.longWindow)), alertAfter: durationText(shorthandMs(tier.for)) } },
      })),
      ...(alerting.notificationTargets === undefined ? {} : {
        notificationTargets: alerting.notificationTargets.map((target) => ({ kind: 'AlertNotificationTarget', metadata: { name: target.name }, spec: omitEmpty({ description: target.description, target: target.target }) })),
      }),
    },
  };
  return { alertPolicies: [policy], approximations: differences(alerting, readBack, true) };
}

/** OpenSLO's duration shorthand is a positive whole number of minutes (or larger units): a duration rounded up to one. */
function shorthandMs(ms: DurationMs): DurationMs {
  return Math.max(1, Math.ceil(ms / MINUTE)) * MINUTE;
}

/** A tier's name as an AlertCondition's, which must be an RFC 1123 label. */
function conditionName(tier: AlertTier): string {
  return isOpenSloName(tier.name) ? tier.name : slug(tier.name) || 'tier';
}

/** The notes for each part of `alerting` that reads back as `back` instead. */
function differences(alerting: Alerting, back: Alerting, stated: boolean): string[] {
  const notes: string[] = [];
  const field = (key: 'name' | 'labels' | 'annotations' | 'runbookUrl' | 'dashboardUrl' | 'minEvents' | 'keepFiringFor', what: string): void => {
    if (!isDeepStrictEqual(alerting[key], back[key])) notes.push(`alerting.${key} ${JSON.stringify(alerting[key] ?? null)}: OpenSLO has no field for ${what}; it reads back as ${JSON.stringify(back[key] ?? null)}`);
  };
  field('name', 'the alert name');
  field('labels', "the alerts' labels");
  field('annotations', "the alerts' annotations");
  field('runbookUrl', 'a runbook link');
  field('dashboardUrl', 'a dashboard link');
  field('minEvents', 'a minimum of events');
  field('keepFiringFor', 'keep-firing');
  if (alerting.noDataFor !== back.noDataFor) {
    notes.push(stated
      ? `alerting.noDataFor ${durationText(alerting.noDataFor)}: OpenSLO's alertWhenNoData is a yes or no; it reads back as ${durationText(back.noDataFor)}`
      : `alerting.noDataFor ${durationText(alerting.noDataFor)}: no AlertPolicy is written, so it reads back as ${durationText(back.noDataFor)}`);
  }
  if (!isDeepStrictEqual(alerting.tiers, back.tiers)) notes.push(...tierNotes(alerting.tiers, back.tiers, stated));
  return notes;
}

function tierNotes(tiers: readonly AlertTier[], back: readonly AlertTier[], stated: boolean): string[] {
  if (!stated) {
    return [tiers.every((tier) => tier.disabled)
      ? "every burn-rate tier is off: an OpenSLO AlertPolicy needs a condition to alert on, so none is written and sloe's default tiers apply"
      : "the burn-rate tiers: no AlertPolicy is written, so sloe's default tiers apply"];
  }
  const notes: string[] = [];
  const enabled = tiers.filter((tier) => !tier.disabled);
  for (const tier of tiers.filter((item) => item.disabled)) notes.push(`tier ${tier.name} is off: an AlertPolicy lists only the conditions that alert, so it is left out`);
  enabled.forEach((tier, index) => {
    const read = back[index]!;
    if (read.name !== tier.name) notes.push(`tier ${tier.name}: an AlertCondition's name is an RFC 1123 label; it reads back as ${read.name}`);
    if (read.longWindow !== tier.longWindow) notes.push(`tier ${tier.name}'s long window ${durationText(tier.longWindow)}: OpenSLO's lookbackWindow is whole minutes; it reads back as ${durationText(read.longWindow)}`);
    if (read.for !== tier.for) notes.push(`tier ${tier.name}'s for ${durationText(tier.for)}: OpenSLO's alertAfter is at least a minute, in whole minutes; it reads back as ${durationText(read.for)}`);
    if (read.shortWindow !== tier.shortWindow) notes.push(`tier ${tier.name}'s short window ${durationText(tier.shortWindow)}: a burnrate condition has one lookback window; it reads back as ${durationText(read.shortWindow)}, a twelfth of the long window`);
    if (read.budgetFraction !== tier.budgetFraction || read.burnRateThreshold !== tier.burnRateThreshold) notes.push(`tier ${tier.name}'s budget share ${tier.budgetFraction}: a burnrate condition states the burn rate ${tier.burnRateThreshold}; it reads back as budget share ${read.budgetFraction} and burn rate ${read.burnRateThreshold}`);
    if (!isDeepStrictEqual(read.labels, tier.labels) || !isDeepStrictEqual(read.annotations, tier.annotations)) notes.push(`tier ${tier.name}'s labels and annotations: an AlertCondition has no field for them`);
  });
  return notes;
}
