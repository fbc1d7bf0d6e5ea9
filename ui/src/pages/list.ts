import type { SloStatus } from '../api.js';
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { burn, percent, sliText, time } from '../format.js';
import { howToSendData } from '../onboarding.js';
import { backfillProgress } from '../review-widgets.js';
import { alertBadges, budgetBar, burnRates, coverageNote, message, statusBadge } from '../widgets.js';

const STATUSES = ['ok', 'warning', 'critical', 'exhausted', 'nodata'];
type SortKey = 'budget' | 'name' | 'sli';

/** The list's state lives in the hash (`#/?service=checkout&status=critical&sort=budget&dir=asc`), so links keep it. */
function readState(params: URLSearchParams): { service: string; status: string; sort: SortKey; descending: boolean } {
  const sort = params.get('sort');
  return {
    service: params.get('service') ?? '',
    status: params.get('status') ?? '',
    sort: sort === 'name' || sort === 'sli' ? sort : 'budget',
    descending: params.get('dir') === 'desc',
  };
}

function writeState(state: ReturnType<typeof readState>): void {
  const params = new URLSearchParams();
  if (state.service) params.set('service', state.service);
  if (state.status) params.set('status', state.status);
  if (state.sort !== 'budget') params.set('sort', state.sort);
  if (state.descending) params.set('dir', 'desc');
  const query = params.toString();
  location.hash = query ? `#/?${query}` : '#/';
}

function compare(sort: SortKey): (a: SloStatus, b: SloStatus) => number {
  if (sort === 'name') return (a, b) => a.name.localeCompare(b.name);
  // No data sorts after every figure: an SLO without data is not the most urgent.
  if (sort === 'sli') return (a, b) => (a.sli ?? Infinity) - (b.sli ?? Infinity) || a.name.localeCompare(b.name);
  return (a, b) => (a.errorBudget.remaining ?? Infinity) - (b.errorBudget.remaining ?? Infinity) || a.name.localeCompare(b.name);
}

const SEVERITY = ['nodata', 'ok', 'warning', 'critical', 'exhausted'];

/**
 * One card per service, its border the worst status of its SLOs, with the least budget left and the fastest burn, so
 * which budgets are burning shows at a glance. Unknown budgets are not counted as healthy ones.
 */
function overview(slos: readonly SloStatus[]): HTMLElement {
  const services = [...new Set(slos.map((slo) => slo.service))].sort();
  return h('div', { class: 'overview', 'data-overview': '' }, services.map((service) => {
    const own = slos.filter((slo) => slo.service === service);
    const worst = own.reduce((level, slo) => Math.max(level, SEVERITY.indexOf(slo.status)), 0);
    const budgets = own.map((slo) => slo.errorBudget.remaining).filter((value): value is number => value !== null && value !== undefined);
    const burns = own.flatMap((slo) => Object.values(slo.burnRates)).filter((value): value is number => value !== null && Number.isFinite(value));
    const level = SEVERITY[worst] ?? 'nodata';
    const firing = own.flatMap((slo) => slo.alerts).filter((alert) => alert.state === 'firing').length;
    return h('a', { class: `service level-${level}`, href: `#/?service=${encodeURIComponent(service)}`, 'data-service': service, 'data-level': level },
      h('div', { class: 'name' }, service, ' ', statusBadge(level)),
      h('div', { class: 'line' }, `${own.length} SLO${own.length === 1 ? '' : 's'} · least budget ${budgets.length === 0 ? 'no data' : percent(Math.min(...budgets), 1)}`),
      h('div', { class: 'line' }, `fastest burn ${burns.length === 0 ? '–' : burn(Math.max(...burns))}${firing > 0 ? ` · ${firing} firing` : ''}`),
    );
  }));
}

function select(name: string, label: string, value: string, options: readonly string[], onChange: (value: string) => void): HTMLElement {
  const element = h('select', { name, 'aria-label': label }, h('option', { value: '' }, `every ${label}`), options.map((option) => h('option', { value: option, selected: option === value }, option)));
  element.addEventListener('change', () => onChange(element.value));
  return element;
}

function header(label: string, key: SortKey, state: ReturnType<typeof readState>): HTMLElement {
  const active = state.sort === key;
  const cell = h('th', { class: `sortable${active ? ' active' : ''}`, 'data-sort': key, 'aria-sort': active ? (state.descending ? 'descending' : 'ascending') : undefined }, label, active ? (state.descending ? ' ▼' : ' ▲') : '');
  cell.addEventListener('click', () => writeState({ ...state, sort: key, descending: active ? !state.descending : false }));
  return cell;
}

export async function renderList(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const state = readState(params);
  const all = await api.slos();
  const services = [...new Set(all.map((slo) => slo.service))].sort();
  const shown = all.filter((slo) => (!state.service || slo.service === state.service) && (!state.status || slo.status === state.status)).sort(compare(state.sort));
  if (state.descending) shown.reverse();
  const counts = STATUSES.map((status) => [status, all.filter((slo) => slo.status === status).length] as const).filter(([, count]) => count > 0);

  replace(
    root,
    h('div', { class: 'toolbar' },
      h('h1', {}, 'Service level objectives'),
      h('span', { class: 'counts' }, counts.map(([status, count]) => h('span', { class: 'count' }, statusBadge(status), ` ${count}`))),
      h('span', { class: 'spacer' }),
      select('service', 'service', state.service, services, (service) => writeState({ ...state, service })),
      select('status', 'status', state.status, STATUSES, (status) => writeState({ ...state, status })),
    ),
    overview(all),
    all.some((slo) => slo.status === 'nodata') ? howToSendData(location.origin, all.every((slo) => slo.status === 'nodata')) : null,
    shown.length === 0
      ? message(all.length === 0 ? 'No SLOs are loaded. Add specs to the configured folders and reload.' : 'No SLO matches these filters.')
      : h('table', { class: 'slos' },
          h('thead', {}, h('tr', {},
            header('SLO', 'name', state),
            h('th', {}, 'Service'),
            h('th', { class: 'num' }, 'Objective'),
            header('SLI', 'sli', state),
            header('Budget remaining', 'budget', state),
            h('th', {}, 'Burn rates'),
            h('th', {}, 'Alerts'),
            h('th', {}, 'Status'),
          )),
          h('tbody', {}, shown.map((slo) => h('tr', { 'data-slo': slo.name, class: `row-${slo.status}` },
            h('td', {}, h('a', { href: `#/slo/${encodeURIComponent(slo.name)}` }, slo.displayName ?? slo.name), slo.displayName ? h('div', { class: 'muted small' }, slo.name) : null),
            h('td', {}, slo.service),
            h('td', { class: 'num' }, percent(slo.objective, slo.objective > 0.99 ? 2 : 1), h('div', { class: 'muted small' }, slo.window)),
            h('td', { class: 'num' }, sliText(slo.sli)),
            h('td', { 'data-budget': slo.errorBudget.remaining ?? 'nodata' }, budgetBar(slo.errorBudget.remaining), coverageNote(slo.coverage), backfillProgress(slo.backfill, true)),
            h('td', { class: 'wrap' }, burnRates(slo)),
            h('td', { class: 'wrap' }, alertBadges(slo.alerts)),
            h('td', { title: slo.reason ?? '' }, statusBadge(slo.status)),
          ))),
        ),
    h('p', { class: 'muted small footer' }, `${shown.length} of ${all.length} SLOs · evaluated ${all[0] ? time(all[0].evaluatedAt) : '–'} · refreshes every 15 s`),
  );
}
