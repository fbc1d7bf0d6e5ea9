/**
 * Grouped SLOs (`spec.groupBy`): how a group is named. A group is one combination of values of the SLO's `groupBy`
 * labels; its id is those pairs as JSON in `groupBy` order (`{"route":"/v1/orders"}`), stable across restarts since
 * buckets and alert states are stored under it.
 */
import type { Labels, Slo } from './model.js';

/** Groups a grouped SLO tracks unless its spec says otherwise (`spec.maxGroups`). */
export const DEFAULT_MAX_GROUPS = 1000;

export function maxGroupsOf(slo: Slo): number {
  return slo.maxGroups ?? DEFAULT_MAX_GROUPS;
}

/** A series' group under `groupBy`: the values of those labels (a missing label is the empty value, as in PromQL's `by`). */
export function groupLabelsOf(labels: Labels, groupBy: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of groupBy) out[name] = labels[name] ?? '';
  return out;
}

/** The stable id of a group: its labels as JSON, in `groupBy` order. */
export function groupId(group: Labels, groupBy: readonly string[]): string {
  let id = '{';
  for (let index = 0; index < groupBy.length; index++) {
    const name = groupBy[index]!;
    id += `${index === 0 ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(group[name] ?? '')}`;
  }
  return `${id}}`;
}

/** A group as a PromQL-style selector, `{route="/v1/orders"}`: how names, pages and logs show it. */
export function groupSelector(group: Labels): string {
  return `{${Object.entries(group)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ')}}`;
}

/** The key a group's events are stored under, for one SLI term (`<term> @ <group id>`). */
export function groupTermKey(term: string, id: string): string {
  return `${term} @ ${id}`;
}

/**
 * What identifies an objective's incidents and alert states: its name, and for a group the group's selector
 * (`checkout{route="/v1/orders"}`), so every group pages, resolves and dedupes on its own.
 */
export function objectiveIdentity(status: { readonly name: string; readonly group?: Labels }): string {
  return status.group === undefined ? status.name : `${status.name}${groupSelector(status.group)}`;
}
