/**
 * The structure of one SLO on its page: a grouped SLO's table of groups (`spec.groupBy`) and a composite's tree of
 * members (`spec.composite`). Both read the same statuses as the rest of the page; neither shows unknown as healthy.
 */
import type { SloStatus } from '../api.js';
import { h } from '../dom.js';
import { DASH, burn, percent, sliText } from '../format.js';
import { alertBadges, budgetBar, message, statusBadge } from '../widgets.js';

const GROUP_PREFIX = 'group.';

/** The group a page's `group.LABEL=VALUE` parameters name, as the API takes them; undefined when none. */
export function groupParams(params: URLSearchParams): Record<string, string> | undefined {
  const group: Record<string, string> = {};
  for (const [key, value] of params) if (key.startsWith(GROUP_PREFIX)) group[key.slice(GROUP_PREFIX.length)] = value;
  return Object.keys(group).length > 0 ? group : undefined;
}

/** The parameters naming a group, for links and API requests. */
export function groupQuery(group: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(group ?? {}).map(([label, value]) => [`${GROUP_PREFIX}${label}`, value]);
}

export function sameGroup(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>>): boolean {
  if (!a) return false;
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((key) => a[key] === b[key]);
}

/** A group as PromQL-style labels, `{route="/v1/orders"}`, as pages and alerts name it. */
export function groupText(group: Readonly<Record<string, string>>): string {
  return `{${Object.entries(group).map(([label, value]) => `${label}=${JSON.stringify(value)}`).join(', ')}}`;
}

/** The burn-rate window the groups table shows: the fastest page tier's long window, as the page alert reads it. */
function headlineWindow(slo: SloStatus): string | undefined {
  return slo.alerts.find((alert) => alert.severity === 'page')?.longWindow ?? Object.keys(slo.burnRates)[0];
}

/** A grouped SLO's groups in the order the groups API gives them (least budget first, no data last): one column per group label, then each group's own figures. */
export function groupTable(slo: SloStatus, groups: readonly SloStatus[]): HTMLElement {
  const labels = [...new Set(groups.flatMap((group) => Object.keys(group.group ?? {})))];
  const window = headlineWindow(slo);
  const overflow = slo.groupsOverflow ?? 0;
  const note = h('p', { class: 'muted small', 'data-groups': String(slo.groupCount ?? groups.length), 'data-overflow': String(overflow) },
    `${slo.groupCount ?? groups.length} group${(slo.groupCount ?? groups.length) === 1 ? '' : 's'} tracked, each with its own budget and alerts`,
    overflow > 0 ? h('span', { class: 'overflow' }, ` · ${overflow} more seen past maxGroups: counted in the SLO's figures, not tracked on their own`) : null,
  );
  if (groups.length === 0) return h('div', {}, note, message('No group has reported yet.'));
  return h('div', {},
    note,
    h('table', { class: 'groups' },
      h('thead', {}, h('tr', {}, labels.map((label) => h('th', {}, label)), h('th', { class: 'num' }, 'SLI'), h('th', {}, 'Budget remaining'), h('th', { class: 'num' }, window ? `Burn ${window}` : 'Burn'), h('th', {}, 'Alerts'), h('th', {}, 'Status'))),
      h('tbody', {}, groups.map((group) => {
        const remaining = group.errorBudget.remaining;
        return h('tr', { 'data-group': JSON.stringify(group.group ?? {}), 'data-budget': remaining === null ? 'unknown' : String(remaining), class: `status-row-${group.status}` },
          // Each group opens its own view of the page: its figures and its own history.
          labels.map((label, index) => {
            const value = h('code', {}, group.group?.[label] ?? '');
            const href = `#/slo/${encodeURIComponent(slo.name)}?${new URLSearchParams(groupQuery(group.group)).toString()}`;
            return h('td', {}, index === 0 ? h('a', { href, class: 'group-link' }, value) : value);
          }),
          h('td', { class: 'num' }, sliText(group.sli)),
          h('td', {}, budgetBar(remaining)),
          h('td', { class: 'num' }, window ? burn(group.burnRates[window]) : DASH),
          h('td', {}, alertBadges(group.alerts)),
          h('td', {}, statusBadge(group.status)),
        );
      })),
    ),
  );
}

function memberItem(member: NonNullable<SloStatus['composite']>['members'][number], all: ReadonlyMap<string, SloStatus>, seen: ReadonlySet<string>): HTMLElement {
  const nested = member.composite && !seen.has(member.name) ? all.get(member.name) : undefined;
  const share = member.share;
  return h('li', { 'data-member': member.name, 'data-share': share === null ? 'unknown' : String(share) },
    h('div', { class: 'member' },
      h('a', { href: `#/slo/${encodeURIComponent(member.name)}` }, member.name),
      h('span', { class: 'muted small' }, ` ×${member.weight}`),
      member.deciding === true ? h('span', { class: 'badge deciding', title: 'least healthy: this member decides the composite' }, 'deciding') : null,
      statusBadge(member.status),
      h('span', { class: 'share', title: 'share of the composite\'s burn over its period' },
        share === null ? h('span', { class: 'muted' }, 'no burn') : [h('span', { class: 'num' }, `${percent(share, 0)} of burn`), h('span', { class: 'bar' }, h('span', { class: 'fill', style: `width:${(Math.max(0, Math.min(1, share)) * 100).toFixed(1)}%` }))],
      ),
      h('span', { class: 'num muted small' }, `SLI ${sliText(member.sli)} of ${percent(member.objective, 2)}`),
      budgetBar(member.budgetRemaining),
    ),
    nested?.composite ? memberTree(nested, all, new Set([...seen, member.name])) : null,
  );
}

/**
 * A composite's members as a tree: each links to its own page and shows its weight, its share of the composite's
 * burn (the deciding member for leastHealthy) and its own budget; a member that is itself composite has its members
 * under it. `all` holds every status, to find a nested composite's members; `seen` stops a cycle validation refuses.
 */
export function memberTree(slo: SloStatus, all: ReadonlyMap<string, SloStatus>, seen: ReadonlySet<string> = new Set([slo.name])): HTMLElement {
  const composite = slo.composite;
  if (!composite) return message('Not a composite SLO.');
  return h('ul', { class: 'members', 'data-method': composite.method }, composite.members.map((member) => memberItem(member, all, seen)));
}
