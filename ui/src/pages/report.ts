import type { ServiceReport, SloReport } from '../api.js';
import { api } from '../api.js';
import { budgetsChart, chartWidth } from '../charts.js';
import { sharePercent } from '../../../src/core/share.js';
import { h, replace } from '../dom.js';
import { DASH, burn, duration, percent, sliText, time } from '../format.js';
import { message } from '../widgets.js';

/** The ranges the page offers; a link with explicit `from`/`to` (a postmortem's) shows exactly that range instead. */
const RANGES: Record<string, number> = { '7d': 7, '30d': 30, '90d': 90 };
const DEFAULT_RANGE = '30d';
const DAY_MS = 86_400_000;

interface Selection {
  readonly service: string;
  readonly slo: string;
  readonly range: string;
  readonly from: string;
  readonly to: string;
}

function readSelection(params: URLSearchParams): Selection {
  const range = params.get('range') ?? '';
  return { service: params.get('service') ?? '', slo: params.get('slo') ?? '', range: range in RANGES ? range : DEFAULT_RANGE, from: params.get('from') ?? '', to: params.get('to') ?? '' };
}

function hashOf(selection: Partial<Selection>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(selection)) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `#/report?${query}` : '#/report';
}

/** The API query: an explicit range as given, else the chosen span up to now. */
function apiQuery(selection: Selection, now: number): URLSearchParams {
  const query = new URLSearchParams();
  if (selection.service) query.set('service', selection.service);
  if (selection.slo) query.set('slo', selection.slo);
  const to = selection.to || new Date(now).toISOString();
  query.set('to', to);
  query.set('from', selection.from || new Date(Date.parse(to) - (RANGES[selection.range] ?? 30) * DAY_MS).toISOString());
  return query;
}

function toolbar(selection: Selection, services: readonly string[]): HTMLElement {
  const select = h('select', { name: 'service', 'aria-label': 'service' }, h('option', { value: '' }, 'every service'), services.map((service) => h('option', { value: service, selected: service === selection.service }, service)));
  select.addEventListener('change', () => {
    location.hash = hashOf({ ...selection, service: select.value, slo: '' });
  });
  const explicit = selection.from !== '' || selection.to !== '';
  const links = Object.keys(RANGES).flatMap((range) => [' · ', h('a', { href: hashOf({ service: selection.service, slo: selection.slo, range }), class: !explicit && range === selection.range ? 'range active' : 'range', 'data-range': range }, `last ${range}`)]);
  return h('div', { class: 'toolbar' }, h('h1', {}, 'SLO report'), h('span', { class: 'spacer' }), h('span', { class: 'ranges' }, links.slice(1)), select);
}

function table(headers: readonly string[], rows: HTMLElement[], className: string, numeric: readonly number[] = []): HTMLElement {
  return h('table', { class: className }, h('thead', {}, h('tr', {}, headers.map((header, index) => h('th', { class: numeric.includes(index) ? 'num' : undefined }, header)))), h('tbody', {}, rows));
}

function sloLink(slo: SloReport): HTMLElement {
  return h('a', { href: `#/slo/${encodeURIComponent(slo.name)}` }, slo.name);
}

function sloRows(slos: readonly SloReport[]): HTMLElement[] {
  return slos.map((slo) => h('tr', { 'data-slo': slo.name, 'data-budget-spent': slo.budgetSpent ?? 'nodata' },
    h('td', {}, sloLink(slo)),
    h('td', { class: 'num' }, percent(slo.objective, slo.objective > 0.99 ? 2 : 1)),
    h('td', { class: 'num' }, sliText(slo.sli)),
    h('td', { class: 'num spent' }, percent(slo.budgetSpent, 1)),
    h('td', { class: 'num' }, percent(slo.budgetRemaining, 1)),
    h('td', { class: 'num' }, `${sharePercent(slo.coverage, 0)} %`),
    h('td', { class: 'num' }, String(slo.incidents.length)),
    h('td', { class: 'num' }, percent(slo.incidentBudgetSpent, 1)),
  ));
}

function complianceRows(slos: readonly SloReport[]): HTMLElement[] {
  return slos.flatMap((slo) => slo.compliance.map((period) => {
    const result = period.met === null ? 'no data' : period.met ? 'met' : 'missed';
    return h('tr', { 'data-slo': slo.name, 'data-period': period.period, 'data-met': result },
      h('td', {}, slo.name),
      h('td', {}, period.period, period.partial ? h('span', { class: 'muted small' }, ' (part)') : null),
      h('td', { class: 'num' }, sliText(period.sli)),
      h('td', { class: 'num' }, period.events.total.toLocaleString()),
      h('td', {}, h('span', { class: `badge result-${result.replace(' ', '')}` }, result)),
    );
  }));
}

function incidentSection(service: ServiceReport): HTMLElement {
  const incidents = service.slos.flatMap((slo) => slo.incidents).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (incidents.length === 0) return h('div', {}, h('h3', {}, 'Incidents'), message('No incidents in the range.'));
  return h('div', {},
    h('h3', {}, 'Incidents'),
    table(['SLO', 'Started', 'Severity', 'Budget cost', 'Peak burn', 'Time to detect', 'Time to resolve'], incidents.map((incident) => h('tr', { 'data-incident': incident.id },
      h('td', {}, incident.objective),
      h('td', {}, time(incident.startedAt)),
      h('td', {}, incident.severity ?? 'pending only'),
      h('td', { class: 'num cost' }, percent(incident.budgetSpent, 2), incident.final ? null : h('span', { class: 'muted small' }, ' so far')),
      h('td', { class: 'num' }, `${burn(incident.peakBurnRate)}×`),
      h('td', { class: 'num ttd', 'data-seconds': incident.timeToDetectSeconds ?? 'none' }, duration(incident.timeToDetectSeconds)),
      h('td', { class: 'num ttr', 'data-seconds': incident.timeToResolveSeconds ?? 'open' }, incident.resolvedAt === null ? 'open' : duration(incident.timeToResolveSeconds)),
    )), 'incidents', [3, 4, 5, 6]),
    h('p', { class: 'muted medians' }, `Median time to detect ${duration(service.medianTimeToDetectSeconds)}, to resolve ${duration(service.medianTimeToResolveSeconds)} over ${service.incidents} incident${service.incidents === 1 ? '' : 's'}.`),
  );
}

function gateSection(service: ServiceReport): HTMLElement {
  const { decisions, freezes } = service.gate;
  return h('div', { class: 'gate' },
    h('h3', {}, 'Gate decisions and freezes'),
    h('p', { class: 'decision-counts', 'data-allow': decisions.allow, 'data-warn': decisions.warn, 'data-deny': decisions.deny },
      h('span', { class: 'badge decision-allow' }, `${decisions.allow} allow`), ' ', h('span', { class: 'badge decision-warn' }, `${decisions.warn} warn`), ' ', h('span', { class: 'badge decision-deny' }, `${decisions.deny} deny`),
      ' ', h('a', { href: `#/decisions?service=${encodeURIComponent(service.service)}`, class: 'small' }, 'decision log →'),
    ),
    freezes.length === 0
      ? message('No freezes in the range.')
      : table(['At', 'Event', 'Environment', 'Reasons'], freezes.map((freeze) => h('tr', { 'data-freeze': freeze.type },
          h('td', {}, time(freeze.at)),
          h('td', {}, h('span', { class: `badge freeze-${freeze.type}` }, freeze.type)),
          h('td', {}, freeze.environment ?? DASH),
          h('td', { class: 'wrap' }, freeze.reasons.join('; ') || DASH),
        )), 'freezes'),
  );
}

function serviceSection(service: ServiceReport, width: number): HTMLElement {
  return h('section', { class: 'report-service', 'data-service': service.service },
    h('h2', {}, service.service),
    budgetsChart(service.slos.map((slo) => ({ label: slo.name, points: slo.budget })), width),
    table(['SLO', 'Objective', 'SLI', 'Budget spent', 'Budget left at end', 'Coverage', 'Incidents', 'Spent in incidents'], sloRows(service.slos), 'report-slos', [1, 2, 3, 4, 5, 6, 7]),
    h('h3', {}, 'Compliance per calendar period'),
    table(['SLO', 'Period', 'SLI', 'Events', 'Result'], complianceRows(service.slos), 'compliance', [2, 3]),
    incidentSection(service),
    gateSection(service),
  );
}

/**
 * `#/report`: the SLO review of `GET /api/v1/reports` (docs/reviews.md) over a range, per service: the budget of each
 * SLO over the range as a chart, the budget spent, compliance per calendar period, the incidents with their cost and
 * time to detect and resolve, and the gate's decisions and freezes.
 */
export async function renderReport(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const selection = readSelection(params);
  const [report, statuses] = await Promise.all([api.report(apiQuery(selection, Date.now())), api.slos()]);
  const services = [...new Set(statuses.map((status) => status.service))].sort();
  const width = chartWidth();
  const markdown = `/api/v1/reports?${apiQuery(selection, Date.parse(report.to)).toString()}&format=markdown`;
  replace(
    root,
    toolbar(selection, services),
    h('p', { class: 'muted', 'data-range-from': report.from, 'data-range-to': report.to },
      `${time(report.from)} to ${time(report.to)}${selection.slo ? ` · SLO ${selection.slo}` : ''} · budget spent is a share of one period's error budget · `,
      h('a', { href: markdown }, 'Markdown'),
    ),
    report.services.length === 0 ? message('No SLO matches this selection.') : report.services.map((service) => serviceSection(service, width)),
    h('p', { class: 'muted small footer' }, `generated ${time(report.generatedAt)}`),
  );
}
