import type { AlertStatus, AuditDecision, SloStatus } from './api.js';
import { h } from './dom.js';
import { sharePercent } from '../../src/core/share.js';
import { DASH, burn, percent, time } from './format.js';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, status);
}

/**
 * Budget remaining as a number and a bar; the bar empties as the budget is spent and turns red below zero. With no
 * data the budget is unknown (null, or absent from an older API): a grey "no data", never a full green bar.
 */
export function budgetBar(remaining: number | null | undefined): HTMLElement {
  if (remaining === null || remaining === undefined || !Number.isFinite(remaining)) {
    return h('div', { class: 'budget unknown', title: 'no data in the period: the budget is unknown' }, h('span', { class: 'num' }, 'no data'), h('span', { class: 'bar' }, h('span', { class: 'fill level-nodata', style: 'width:100%' })));
  }
  const width = Math.max(0, Math.min(1, remaining)) * 100;
  const level = remaining <= 0 ? 'exhausted' : remaining < 0.25 ? 'warning' : 'ok';
  return h(
    'div',
    { class: 'budget', title: `${percent(remaining, 2)} of the error budget left` },
    h('span', { class: 'num' }, percent(remaining, 1)),
    h('span', { class: 'bar' }, h('span', { class: `fill level-${level}`, style: `width:${width.toFixed(1)}%` })),
  );
}

/** How much of the period had data (`coverage`, 0 to 1), when the API reports it and it is partial. */
export function coverageNote(coverage: number | null | undefined): HTMLElement | null {
  if (coverage === null || coverage === undefined || !Number.isFinite(coverage) || coverage >= 1) return null;
  return h('div', { class: 'muted small coverage', title: 'share of the period for which this SLO had data' }, `data for ${sharePercent(coverage, 1)} % of the period`);
}

/** The thresholds any tier holds a window to, so a burn rate above one is marked. */
function thresholds(status: SloStatus): Map<string, number> {
  const byWindow = new Map<string, number>();
  for (const alert of status.alerts) {
    for (const window of [alert.longWindow, alert.shortWindow]) {
      byWindow.set(window, Math.min(byWindow.get(window) ?? Infinity, alert.burnRateThreshold));
    }
  }
  return byWindow;
}

export function burnRates(status: SloStatus): HTMLElement {
  const limits = thresholds(status);
  const entries = Object.entries(status.burnRates);
  if (entries.length === 0) return h('span', { class: 'muted' }, DASH);
  return h(
    'span',
    { class: 'burns' },
    entries.map(([window, rate]) => {
      const limit = limits.get(window);
      const hot = rate !== null && limit !== undefined && rate > limit;
      return h('span', { class: `burn${hot ? ' hot' : rate !== null && rate > 1 ? ' warm' : ''}`, title: limit === undefined ? `${window} burn rate` : `${window} burn rate; threshold ${limit}` }, h('small', {}, window), ' ', burn(rate));
    }),
  );
}

export function alertBadges(alerts: readonly AlertStatus[]): HTMLElement {
  const active = alerts.filter((alert) => alert.state === 'firing' || alert.state === 'pending');
  if (active.length === 0) return h('span', { class: 'muted' }, alerts.length === 0 ? DASH : 'quiet');
  return h(
    'span',
    {},
    active.map((alert) => h('span', { class: `badge alert-${alert.state}`, title: `${alert.tier}: ${alert.longWindow}/${alert.shortWindow} above ${alert.burnRateThreshold}` }, `${alert.severity} ${alert.state}`)),
  );
}

export function message(text: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('p', { class: `message ${kind}` }, text);
}

/**
 * When an audit entry was last answered, which is what the decision log is ordered by, and how many answers it
 * counts; its first answer on hover. Showing `decidedAt` (the first answer) made an entry repeated until 04:42 look
 * like an 04:30 one listed out of order.
 */
export function lastAnswered(decision: AuditDecision): HTMLElement {
  const last = decision.lastAt ?? decision.decidedAt;
  const count = decision.count ?? 1;
  return h('span', { class: 'answered', 'data-last-at': last, ...(count > 1 ? { title: `${count} answers since ${time(decision.firstAt ?? decision.decidedAt)}` } : {}) },
    time(last),
    count > 1 && h('span', { class: 'muted' }, ` ×${count}`),
  );
}
