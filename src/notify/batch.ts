import { GROUP_LABEL, groupSelector } from '../core/index.js';
import { burnText, labelName, percent } from './content.js';
import { incidentKey } from './incidents.js';
import type { AlertNotification, GroupFigures, IncidentKind, NotificationState } from './types.js';

/** Groups named one by one in a batch's summary; the description lists more, the rest are counted. */
const SUMMARY_GROUPS = 5;
const DESCRIPTION_GROUPS = 50;

/**
 * The incident a batch of one objective's groups is delivered as, to receivers that do not group alerts themselves:
 * `orders/page/groups`. One per objective, severity and kind, so every group of a flood meets one PagerDuty incident
 * (one `dedup_key`) and one Slack thread of firing and resolved.
 */
export function batchKey(objective: string, severity: string, kind: IncidentKind): string {
  return `${incidentKey(objective, severity, kind)}/groups`;
}

/** Least budget left first, unknown budgets last, then by selector: the order a reader of a flood wants. */
function byBudget(a: GroupFigures, b: GroupFigures): number {
  const left = (figures: GroupFigures): number => figures.budgetRemaining ?? Number.POSITIVE_INFINITY;
  return left(a) - left(b) || groupSelector(a.group).localeCompare(groupSelector(b.group));
}

function figuresOf(member: AlertNotification): GroupFigures {
  return { group: member.group ?? {}, budgetRemaining: member.figures.budgetRemaining, ...(member.figures.burn ? { burnRate: member.figures.burn.longBurnRate } : {}) };
}

function groupLine(figures: GroupFigures): string {
  const left = figures.budgetRemaining === null ? 'budget unknown' : `${percent(figures.budgetRemaining)} of the budget left`;
  return `${groupSelector(figures.group)}: ${left}${figures.burnRate === undefined ? '' : `, burn ${burnText(figures.burnRate)}`}`;
}

function listed(groups: readonly GroupFigures[], limit: number, separator: string): string {
  const shown = groups.slice(0, limit).map((figures) => groupSelector(figures.group));
  const more = groups.length - shown.length;
  return `${shown.join(separator)}${more > 0 ? `${separator}and ${more} more` : ''}`;
}

/**
 * One notification standing for several groups of one objective that changed to the same state in one evaluation
 * (`members`: their own notifications, all of one objective, severity, kind and state). It names every group (the
 * summary the worst few, the description up to 50, `groups` all of them) and carries the worst group's figures; its
 * labels are the members' without the group labels, since it is about the objective's groups together.
 */
export function batchNotification(members: readonly AlertNotification[], state: NotificationState, at: number): AlertNotification {
  const first = members[0];
  if (first === undefined) throw new RangeError('a batch needs at least one member');
  const groups = members.map(figuresOf).sort(byBudget);
  const worst = members.find((member) => member.group !== undefined && groupSelector(member.group) === groupSelector(groups[0]!.group)) ?? first;
  const groupLabelNames = new Set([GROUP_LABEL, ...members.flatMap((member) => Object.keys(member.group ?? {}).map(labelName))]);
  const labels = Object.fromEntries(Object.entries(first.labels).filter(([name]) => !groupLabelNames.has(name)));
  const subject = `${first.slo} (${first.service})`;
  const count = `${groups.length} group${groups.length === 1 ? '' : 's'}`;
  // Groups page on their burn only (no no-data incidents of their own), so a batch is always about burn.
  const summary =
    state === 'firing'
      ? `${subject}: ${count} burning the error budget too fast (${first.severity}): ${listed(groups, SUMMARY_GROUPS, ', ')}`
      : `${subject}: ${count} back under the ${first.severity} thresholds: ${listed(groups, SUMMARY_GROUPS, ', ')}`;
  const description = [
    `SLO ${first.slo} of service ${first.service}: ${count} of its groups ${state === 'firing' ? `fired ${first.severity} together` : 'resolved together'}, least budget first:`,
    ...groups.slice(0, DESCRIPTION_GROUPS).map(groupLine),
    ...(groups.length > DESCRIPTION_GROUPS ? [`and ${groups.length - DESCRIPTION_GROUPS} more (all in the UI).`] : []),
  ].join('\n');
  // The worst member's figures, links and identity fields, without what made it one group's notification.
  const { group: _group, endsAt: _endsAt, ...shared } = worst;
  return {
    ...shared,
    incident: batchKey(first.slo, first.severity, first.kind),
    groups,
    state,
    labels,
    annotations: { ...worst.annotations, summary, description },
    summary,
    description,
    startsAt: Math.min(...members.map((member) => member.startsAt)),
    ...(state === 'resolved' ? { endsAt: at } : {}),
    at,
  };
}
