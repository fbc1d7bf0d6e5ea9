import type { BackfillStatus, Postmortem } from './api.js';
import { h } from './dom.js';
import { duration, percent, time } from './format.js';

/** The report page of one SLO, over [from, to) when given (a postmortem's incident), else its default range. */
export function reportLink(slo: string, label: string, range?: { from: string; to: string }): HTMLElement {
  const query = new URLSearchParams({ slo, ...range });
  return h('a', { href: `#/report?${query.toString()}`, class: 'report-link' }, label);
}

/**
 * The SLO page's postmortems: each incident that spent more than the threshold, with its cost, time to detect and
 * resolve, a link to the report over the incident and to the record itself (its timeline) in the API.
 */
export function postmortemLinks(slo: string, postmortems: readonly Postmortem[]): HTMLElement {
  const all = h('a', { href: `/api/v1/postmortems?slo=${encodeURIComponent(slo)}`, class: 'muted small' }, 'records (JSON)');
  if (postmortems.length === 0) return h('div', { class: 'postmortems', 'data-postmortems': 0 }, h('p', { class: 'muted' }, 'No incident of this SLO has spent enough budget to call for a postmortem.'));
  return h('div', { class: 'postmortems', 'data-postmortems': postmortems.length },
    h('ul', {}, postmortems.map((postmortem) => h('li', { 'data-postmortem': postmortem.id },
      h('strong', {}, `${percent(postmortem.budgetSpent, 1)} of the budget`), ` in one incident of ${postmortem.objective}, `,
      `${time(postmortem.startedAt)} to ${time(postmortem.endedAt)} · detected after ${duration(postmortem.timeToDetectSeconds)}, resolved after ${duration(postmortem.timeToResolveSeconds)} · `,
      reportLink(postmortem.slo, 'report over the incident', { from: postmortem.startedAt, to: postmortem.endedAt }),
    ))),
    all,
  );
}

/**
 * A backfill in progress (or failed) as a bar with its share and range; nothing once it is done, so the page only
 * carries it while the figures are still being filled in from the source.
 */
export function backfillProgress(backfill: BackfillStatus | undefined, compact = false): HTMLElement | null {
  if (!backfill || backfill.state === 'done') return null;
  const share = Math.max(0, Math.min(1, backfill.progress));
  const label = backfill.state === 'failed' ? `backfill failed at ${percent(share, 0)}` : `backfilling ${percent(share, 0)}`;
  const title = `history from ${time(backfill.from)} to ${time(backfill.to)} is being filled from the source${backfill.reason ? `: ${backfill.reason}` : ''}`;
  return h('div', { class: `backfill state-${backfill.state}${compact ? ' compact' : ''}`, 'data-backfill': backfill.state, 'data-progress': share.toFixed(4), title },
    h('span', { class: 'label' }, label),
    h('span', { class: 'bar' }, h('span', { class: 'fill', style: `width:${(share * 100).toFixed(1)}%` })),
    compact ? null : h('span', { class: 'muted small' }, ` ${time(backfill.from)} – ${time(backfill.to)}${backfill.reason ? ` · ${backfill.reason}` : ''}${backfill.state === 'running' ? ' · alerts wait until it is done' : ''}`),
  );
}
