import type { AlertStatus, HistoryPoint, SloStatus } from '../api.js';
import { NotFound, api } from '../api.js';
import { budgetChart, burnChart, chartWidth, sliChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { burn, duration, percent, sliText, time, windowSeconds } from '../format.js';
import { incidentTimeline } from '../incidents.js';
import { howToSendData } from '../onboarding.js';
import { backfillProgress, postmortemLinks, reportLink } from '../review-widgets.js';
import { groupParams, groupQuery, groupTable, groupText, memberTree, sameGroup } from './slo-structure.js';
import { alertBadges, budgetBar, burnRates, coverageNote, lastAnswered, message, statusBadge } from '../widgets.js';

function stat(label: string, value: Node | string, hint?: string): HTMLElement {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), hint ? h('div', { class: 'muted small' }, hint) : null);
}

function alertRow(alert: AlertStatus): HTMLElement {
  const over = (rate: number | null) => rate !== null && rate > alert.burnRateThreshold;
  return h('tr', { 'data-tier': alert.tier, class: `state-${alert.state}` },
    h('td', {}, alert.tier),
    h('td', {}, alert.severity),
    h('td', {}, `${alert.longWindow} / ${alert.shortWindow}`),
    h('td', { class: 'num' }, burn(alert.burnRateThreshold)),
    h('td', { class: `num${over(alert.longBurnRate) ? ' hot' : ''}` }, burn(alert.longBurnRate)),
    h('td', { class: `num${over(alert.shortBurnRate) ? ' hot' : ''}` }, burn(alert.shortBurnRate)),
    h('td', {}, h('span', { class: `badge alert-${alert.state}` }, alert.state), alert.activeSince ? h('div', { class: 'muted small' }, `since ${time(alert.activeSince)}`) : null),
  );
}

/** A journal field as text; absent or structured fields are left out. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}

const RANGES = ['1h', '6h', '1d', '7d'];

/** Links that zoom the charts: the whole period (default) or the last hour, six hours, day or week; a group stays chosen. */
function rangeLinks(name: string, current: string, group: Readonly<Record<string, string>> | undefined): HTMLElement {
  const link = (label: string, range: string) => {
    const query = new URLSearchParams(groupQuery(group));
    if (range) query.set('range', range);
    const href = `#/slo/${encodeURIComponent(name)}${query.size > 0 ? `?${query.toString()}` : ''}`;
    return h('a', { href, class: range === current ? 'range active' : 'range', 'data-range': range || 'period' }, label);
  };
  return h('p', { class: 'ranges' }, 'Show: ', link('data', ''), RANGES.flatMap((range) => [' · ', link(range, range)]));
}

/** Points before the first figure are the time before the SLO had data: the default view starts at the data. */
function fromFirstData(points: readonly HistoryPoint[]): readonly HistoryPoint[] {
  const first = points.findIndex((point) => point.sli !== null || point.budgetRemaining !== null);
  return first <= 0 ? points : points.slice(Math.max(0, first - 1));
}

/**
 * One SLO's page, or with `group.LABEL=VALUE` in the hash one group of a grouped SLO: the group's own figures, charts
 * from its own history, and a link back to the SLO's aggregate.
 */
export async function renderSlo(root: HTMLElement, name: string, params: URLSearchParams = new URLSearchParams()): Promise<void> {
  const own: SloStatus = await api.slo(name);
  const chosen = groupParams(params);
  const grouped = own.groupCount !== undefined;
  const groups = grouped ? await api.groups(own.name) : [];
  const slo = chosen ? groups.find((group) => sameGroup(group.group, chosen)) : own;
  if (!slo) throw new NotFound(`${name} has no group ${groupText(chosen ?? {})}`);
  const to = new Date(Date.parse(slo.evaluatedAt) || Date.now());
  const requested = params.get('range') ?? '';
  const range = RANGES.includes(requested) ? requested : '';
  // The default view is the data's own extent: the share of the period with data (coverage), with some margin, so
  // minutes of data are not a sliver at the right edge of 30 days.
  const windowLength = windowSeconds(slo.window);
  const covered = slo.coverage !== null && slo.coverage !== undefined && Number.isFinite(slo.coverage) ? Math.min(windowLength, Math.max(600, slo.coverage * windowLength * 1.1)) : windowLength;
  const period = range ? windowSeconds(range) : covered;
  const from = new Date(to.getTime() - period * 1000);
  // About 300 points over the period, in whole minutes.
  const step = Math.max(60, Math.round(period / 300 / 60) * 60);
  const [history, spec, decisions, notifications, incidents, all, postmortems] = await Promise.all([
    api.history(slo.name, from, to, step, chosen),
    api.spec(slo.name),
    api.decisions(slo.service),
    api.notifications(slo.name),
    api.incidents(slo.name),
    // A composite's nested members are drawn from their own statuses.
    slo.composite ? api.slos() : Promise.resolve([]),
    api.postmortems(slo.slo),
  ]);
  const points = range ? history : fromFirstData(history);

  const width = chartWidth();
  const thresholds = [...new Map(slo.alerts.map((alert) => [alert.burnRateThreshold, { label: `${alert.tier} threshold`, value: alert.burnRateThreshold }])).values()];
  const charts = points.length === 0
    ? message('No history yet: charts appear once the engine has evaluated this SLO.')
    : h('div', { class: 'charts' }, budgetChart(points, width, slo.timeToExhaustion), sliChart(points, slo.objective, width), burnChart(points, thresholds, width));

  replace(
    root,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← all SLOs'), chosen ? [' · ', h('a', { href: `#/slo/${encodeURIComponent(slo.name)}` }, `${slo.name}: all groups`)] : null),
    h('div', { class: 'toolbar' },
      h('h1', {}, slo.displayName ?? slo.name, chosen ? h('span', { class: 'group-name' }, ` ${groupText(chosen)}`) : null),
      statusBadge(slo.status),
      alertBadges(slo.alerts),
    ),
    h('p', { class: 'muted' }, `${slo.service} · ${slo.name} · ${slo.budgetingMethod} over ${slo.window} · evaluated ${time(slo.evaluatedAt)}`, slo.reason ? ` · ${slo.reason}` : ''),
    backfillProgress(slo.backfill),
    // While a backfill fills the period from its source, data is on its way: no how-to-send-data panel.
    slo.status === 'nodata' && slo.backfill?.state !== 'running' ? howToSendData(location.origin, true) : null,
    h('div', { class: 'stats' },
      stat('Objective', percent(slo.objective, 3)),
      stat('SLI', sliText(slo.sli), slo.sli === null ? 'no data in the period' : `${slo.events.good.toLocaleString()} good of ${slo.events.total.toLocaleString()}`),
      stat('Budget remaining', budgetBar(slo.errorBudget.remaining), slo.errorBudget.consumed === null ? 'unknown until data arrives' : `${percent(slo.errorBudget.consumed, 1)} consumed`),
      slo.errorBudget.remaining === null
        ? stat('Time to exhaustion', 'no data')
        : slo.errorBudget.remaining <= 0
        ? stat('Time to exhaustion', 'exhausted', `${percent(-slo.errorBudget.remaining, 1)} over budget`)
        : stat('Time to exhaustion', duration(slo.timeToExhaustion), slo.timeToExhaustion === null ? 'not burning' : 'at the current burn'),
      stat('Burn rates', burnRates(slo)),
    ),
    slo.composite ? section(`Members (${slo.composite.method === 'leastHealthy' ? 'least healthy decides' : 'weighted average of their events'})`, memberTree(slo, new Map(all.map((status) => [status.name, status])))) : null,
    grouped && !chosen ? section('Groups by budget remaining', groupTable(slo, groups)) : null,
    section(range ? `Over the last ${range}` : `Since the data began (period ${slo.window})`, rangeLinks(slo.name, range, chosen), charts),
    coverageNote(slo.coverage),
    section('Incidents', incidentTimeline(incidents, slo.alerts)),
    section('Postmortems', postmortemLinks(slo.slo, postmortems), h('p', {}, reportLink(slo.name, 'SLO report for this objective →'))),
    section('Alert tiers',
      slo.alerts.length === 0
        ? message('This SLO has no alert tiers.')
        : h('table', { class: 'alerts' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Tier'), h('th', {}, 'Severity'), h('th', {}, 'Windows (long / short)'), h('th', { class: 'num' }, 'Threshold'), h('th', { class: 'num' }, 'Long burn'), h('th', { class: 'num' }, 'Short burn'), h('th', {}, 'State'))),
            h('tbody', {}, slo.alerts.map(alertRow)),
          ),
    ),
    h('div', { class: 'columns' },
      section('Recent gate decisions',
        decisions.data.length === 0
          ? message(`No gate decisions for ${slo.service} yet.`)
          : h('table', { class: 'decisions' }, h('tbody', {}, decisions.data.slice(0, 10).map((decision) => h('tr', {},
              h('td', {}, h('span', { class: `badge decision-${decision.decision}` }, decision.decision)),
              h('td', {}, decision.environment),
              h('td', { class: 'wrap' }, decision.reasons.join('; ')),
              h('td', { class: 'muted small' }, lastAnswered(decision)),
            )))),
        h('p', {}, h('a', { href: `#/decisions?service=${encodeURIComponent(slo.service)}` }, 'all decisions for this service →')),
      ),
      section('Recent notifications',
        notifications.length === 0
          ? message('No notifications sent for this SLO.')
          : h('table', { class: 'notifications' }, h('tbody', {}, notifications.map((entry) => h('tr', {},
              h('td', {}, text(entry.event), ' ', h('span', { class: `badge alert-${text(entry.state)}` }, text(entry.state))),
              h('td', {}, text(entry.severity)),
              h('td', {}, text(entry.receiver) || (Array.isArray(entry.receivers) ? entry.receivers.map(text).join(', ') : '')),
              h('td', { class: 'muted small', title: text(entry.summary) || text(entry.detail) }, time(entry.at)),
            )))),
      ),
    ),
    section('Spec as loaded',
      spec === undefined
        ? message('The spec source is not available.')
        : h('div', {}, h('p', { class: 'muted small' }, `${spec.file}:${spec.line} (${spec.format})`), h('pre', { class: 'spec' }, spec.yaml)),
    ),
  );
}
