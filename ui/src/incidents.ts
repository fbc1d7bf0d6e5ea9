/**
 * The SLO page's incident timeline: each incident from the first tier pending to the last resolved, when it was
 * detected (the first page or ticket sent), the budget it cost, and its tiers' transitions in order. Read from
 * `GET /api/v1/incidents` (docs/reviews.md); before the review component has recorded any, the tiers' current states
 * stand in, so an ongoing burn shows up at once.
 */
import type { AlertStatus, Incident } from './api.js';
import { h } from './dom.js';
import { burn, duration, percent, time } from './format.js';
import { message } from './widgets.js';

function stateOf(incident: Incident): 'resolved' | 'firing' | 'pending' {
  if (incident.resolvedAt !== null) return 'resolved';
  return incident.detectedAt !== null ? 'firing' : 'pending';
}

/** The tiers' current pending or firing states as open incidents of their own, for a daemon without records yet. */
function fromAlerts(alerts: readonly AlertStatus[]): Incident[] {
  return alerts
    .filter((alert) => alert.activeSince && (alert.state === 'pending' || alert.state === 'firing'))
    .map((alert) => {
      const at = Date.parse(alert.activeSince!);
      return {
        id: `${alert.tier}@${at}`,
        startedAt: at,
        detectedAt: alert.state === 'firing' ? at : null,
        resolvedAt: null,
        peakBurnRate: null,
        budgetSpent: null,
        severity: alert.severity,
        timeline: [{ at, kind: 'transition', text: `${alert.tier} ${alert.state}` }],
      };
    });
}

function row(incident: Incident, now: number): HTMLElement[] {
  const state = stateOf(incident);
  const detect = incident.detectedAt === null ? null : (incident.detectedAt - incident.startedAt) / 1000;
  const lasted = ((incident.resolvedAt ?? now) - incident.startedAt) / 1000;
  const transitions = incident.timeline.filter((event) => event.kind === 'transition' || event.kind === 'notification');
  return [
    h('tr', { 'data-incident': incident.id, class: `state-${state}` },
      h('td', {}, time(incident.startedAt), incident.group ? h('div', { class: 'muted small' }, Object.entries(incident.group).map(([name, value]) => `${name}=${value}`).join(', ')) : null),
      h('td', {}, h('span', { class: `badge alert-${state}` }, state), incident.severity ? h('div', { class: 'muted small' }, incident.severity) : null),
      h('td', {}, detect === null ? 'not yet' : duration(detect), detect === null ? null : h('div', { class: 'muted small' }, time(incident.detectedAt!))),
      h('td', {}, incident.resolvedAt === null ? 'ongoing' : time(incident.resolvedAt), h('div', { class: 'muted small' }, `${incident.resolvedAt === null ? 'for' : 'after'} ${duration(lasted)}`)),
      h('td', { class: 'num' }, incident.peakBurnRate === null ? '–' : burn(incident.peakBurnRate)),
      h('td', { class: 'num' }, percent(incident.budgetSpent, 1)),
    ),
    h('tr', { class: 'timeline' },
      h('td', { colspan: '6' },
        h('ol', { class: 'timeline muted small' }, transitions.map((event) => h('li', { 'data-kind': event.kind }, `${time(event.at)} ${event.text}`))),
      ),
    ),
  ];
}

export function incidentTimeline(incidents: readonly Incident[], alerts: readonly AlertStatus[], now = Date.now()): HTMLElement {
  const rows = incidents.length > 0 ? [...incidents] : fromAlerts(alerts);
  if (rows.length === 0) return message('No incidents: no tier has been pending or firing.');
  rows.sort((a, b) => b.startedAt - a.startedAt);
  return h('table', { class: 'incidents' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Started'), h('th', {}, 'State'), h('th', {}, 'Time to detect'), h('th', {}, 'Resolved'), h('th', { class: 'num' }, 'Peak burn'), h('th', { class: 'num' }, 'Budget cost'))),
    h('tbody', {}, rows.flatMap((incident) => row(incident, now))),
  );
}
