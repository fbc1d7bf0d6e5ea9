import { DAY, formatDuration } from './duration.js';
import type { DurationMs, Objective, Query, Sli, Slo, Window } from './model.js';

/** Nominal period of a window: rolling windows are their duration, calendar units their usual length. */
export function nominalPeriod(window: Window): DurationMs {
  if (window.kind === 'rolling') return window.duration;
  switch (window.unit) {
    case 'week':
      return 7 * DAY;
    case 'month':
      return 30 * DAY;
    case 'quarter':
      return 90 * DAY;
    case 'year':
      return 365 * DAY;
  }
}

/** The name an objective is known by in statuses, metrics and alerts: the SLO's own when it has one objective. */
export function objectiveName(slo: Pick<Slo, 'name' | 'objectives'>, objective: Objective): string {
  return slo.objectives.length === 1 ? slo.name : `${slo.name}:${objective.key}`;
}

/** Window label as users write it: `30d`, or `calendar-month` for calendar windows. */
export function windowLabel(window: Window): string {
  if (window.kind === 'calendar') return `calendar-${window.unit}`;
  return formatDuration(window.duration);
}

/** The queries an SLI states, in the order the kind lists them (a ratio's good, bad, total), without absent ones. */
export function sliQueries(sli: Sli): Query[] {
  switch (sli.kind) {
    case 'ratio':
      return [sli.good, sli.bad, sli.total].filter((query): query is Query => query !== undefined);
    case 'latency':
      return [sli.histogram];
    case 'threshold':
      return [sli.metric];
    case 'rawRatio':
      return [sli.query];
  }
}
