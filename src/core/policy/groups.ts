/**
 * Gates over grouped SLOs (`spec.groupBy`): which of a grouped SLO's entries a gate judges. Without a group named in
 * the question, the policy's `groupedSlos` says: the SLO's own (aggregate) entry, or its worst group. A question that
 * names a group (`?group.route=/v1/orders`) is judged on that group.
 */
import { groupSelector } from '../groups.js';
import type { BudgetPolicy, GroupedSlos, Labels } from '../model.js';
import type { SloStatus } from '../status.js';
import type { CoveredSlo } from './covered.js';
import { percent } from './reason.js';

export const DEFAULT_GROUPED_SLOS: GroupedSlos = 'aggregate';
export const GROUPED_SLOS: readonly GroupedSlos[] = ['aggregate', 'worstGroup'];

export function groupedSlosOf(policy: BudgetPolicy): GroupedSlos {
  return policy.groupedSlos ?? DEFAULT_GROUPED_SLOS;
}

/** Whether a status is a grouped SLO's own entry (the aggregate over its groups). */
export function isGroupedAggregate(status: SloStatus): boolean {
  return status.group === undefined && status.groupCount !== undefined;
}

/** The group with the least budget left among those with data; undefined when none has data. */
export function worstGroup(groups: readonly SloStatus[]): SloStatus | undefined {
  let worst: SloStatus | undefined;
  for (const group of groups) {
    const remaining = group.errorBudget.remaining;
    if (remaining === null) continue;
    if (worst === undefined || remaining < (worst.errorBudget.remaining as number)) worst = group;
  }
  return worst;
}

/**
 * A covered SLO as its policy judges it when no group is asked about: under `worstGroup`, a grouped SLO's worst group
 * takes its place (the aggregate kept beside it, for the reasons); otherwise the entry as it is.
 */
export function judgedEntry(entry: CoveredSlo, groupsOf: (status: SloStatus) => readonly SloStatus[] | undefined): CoveredSlo {
  if (groupedSlosOf(entry.policy) !== 'worstGroup' || !isGroupedAggregate(entry.status)) return entry;
  const worst = worstGroup(groupsOf(entry.status) ?? []);
  return worst === undefined ? entry : inPlaceOf(entry, worst);
}

/** The entry with one of its groups judged in its place: the group's own coverage is the evidence. */
function inPlaceOf(entry: CoveredSlo, group: SloStatus): CoveredSlo {
  const aggregate = entry.aggregate ?? entry.status;
  return { ...entry, status: group, aggregate, ...(entry.period === undefined ? {} : { period: { ...entry.period, coverage: group.coverage } }) };
}

/**
 * The status that stands for a group with no events in the period: no figures at all (null, never a healthy
 * default), so the policy's `onNoData` answers.
 */
export function groupWithoutData(aggregate: SloStatus, group: Labels): SloStatus {
  const nulls = Object.fromEntries(Object.keys(aggregate.burnRates).map((window) => [window, null]));
  return {
    ...aggregate,
    group,
    sli: null,
    events: { good: 0, total: 0 },
    errorBudget: { total: aggregate.errorBudget.total, consumed: null, remaining: null },
    coverage: 0,
    burnRates: nulls,
    alerts: aggregate.alerts.map((alert) => ({ ...alert, state: 'inactive' as const, longBurnRate: null, shortBurnRate: null })),
    timeToExhaustion: null,
    status: 'nodata',
    reason: `no events for the group ${groupSelector(group)} in the window`,
    groupCount: undefined,
    groupsOverflow: undefined,
    worstGroups: undefined,
  };
}

function matches(status: SloStatus, asked: Labels): boolean {
  for (const [name, value] of Object.entries(asked)) if (status.group?.[name] !== value) return false;
  return true;
}

/** What `narrowToGroup` needs to know of the SLOs behind the statuses. */
export interface GroupLookup {
  /** A grouped SLO's groups (any order). */
  groupsOf(status: SloStatus): readonly SloStatus[];
  /** The SLO's `groupBy` labels; empty when it is not grouped. */
  groupByOf(status: SloStatus): readonly string[];
}

export type Narrowed = { readonly covered: readonly CoveredSlo[] } | { readonly problem: string };

/**
 * A question about one group: every grouped SLO whose `groupBy` has all the asked labels is judged on the matching
 * group (the worst, when the labels name several); other SLOs of the service as they are. A label that is no SLO's
 * `groupBy` is a problem (the caller's typo must not pass as an answer about the whole service).
 */
export function narrowToGroup(service: string, covered: readonly CoveredSlo[], asked: Labels, lookup: GroupLookup): Narrowed {
  const names = Object.keys(asked);
  const known = new Set<string>();
  for (const entry of covered) for (const label of lookup.groupByOf(entry.aggregate ?? entry.status)) known.add(label);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const grouped = covered.map((entry) => entry.aggregate ?? entry.status).filter((status) => lookup.groupByOf(status).length > 0);
    const by = grouped.length === 0 ? `no SLO of service ${service} is grouped` : `SLOs of service ${service} are grouped by ${grouped.map((status) => `${status.name}: ${lookup.groupByOf(status).join(', ')}`).join('; ')}`;
    return { problem: `${unknown.map((name) => `group.${name}`).join(', ')}: not a groupBy label of any SLO of service ${service} (${by})` };
  }
  const narrowed = covered.map((entry): CoveredSlo => {
    const aggregate = entry.aggregate ?? entry.status;
    const groupBy = lookup.groupByOf(aggregate);
    if (!names.every((name) => groupBy.includes(name))) return entry;
    const candidates = lookup.groupsOf(aggregate).filter((group) => matches(group, asked));
    return inPlaceOf(entry, worstGroup(candidates) ?? candidates[0] ?? groupWithoutData(aggregate, asked));
  });
  return { covered: narrowed };
}

/**
 * What the reasons say of a grouped SLO: which entry was judged, and the worst groups when it was the aggregate, so
 * an answer about the whole service still names the route or customer that is failing.
 */
export function groupNote(entry: CoveredSlo, asked: Labels | undefined): string | undefined {
  const { status } = entry;
  if (isGroupedAggregate(status)) {
    const worst = (status.worstGroups ?? []).map((group) => `${groupSelector(group.group)} ${percent(group.budgetRemaining)} of its budget left`);
    const count = status.groupCount === 1 ? '1 group' : `${status.groupCount ?? 0} groups`;
    return `${status.name}: decided on its aggregate over ${count} (policy ${entry.policy.name}, groupedSlos: aggregate)${worst.length === 0 ? '' : `; worst groups: ${worst.join(', ')}`}`;
  }
  if (status.group === undefined || entry.aggregate === undefined) return undefined;
  const of = entry.aggregate.groupCount === undefined ? '' : ` of ${entry.aggregate.groupCount}`;
  const left = status.errorBudget.remaining === null ? 'no data' : `${percent(status.errorBudget.remaining)} of its budget left`;
  if (asked !== undefined) return `${status.name}: decided on the group ${groupSelector(status.group)}${of} asked about (${left})`;
  return `${status.name}: decided on its worst group ${groupSelector(status.group)}${of} (${left}; policy ${entry.policy.name}, groupedSlos: worstGroup)`;
}
