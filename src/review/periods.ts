import { periodBounds } from '../core/index.js';
import type { CalendarWindow, Window } from '../core/index.js';

/** One calendar period of a report, clipped to the report's range. Unix ms, [from, to). */
export interface CalendarPeriod {
  /** `2026-11`, `2026-Q4`, `2026`, or `week of 2026-11-23`, in the period's time zone. */
  readonly label: string;
  readonly from: number;
  readonly to: number;
  /** The range holds only part of the period. */
  readonly partial: boolean;
}

/** Rolling SLOs are reviewed per calendar month (UTC), as monthly SLO reviews read them. */
const MONTHS_UTC: CalendarWindow = { kind: 'calendar', unit: 'month', timeZone: 'UTC' };

function localDate(instant: number, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(instant));
  const part = (type: string): number => Number(parts.find((candidate) => candidate.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

function labelOf(window: CalendarWindow, start: number): string {
  const { year, month, day } = localDate(start, window.timeZone);
  const pad = (value: number): string => String(value).padStart(2, '0');
  switch (window.unit) {
    case 'year':
      return String(year);
    case 'quarter':
      return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
    case 'month':
      return `${year}-${pad(month)}`;
    case 'week':
      return `week of ${year}-${pad(month)}-${pad(day)}`;
  }
}

/**
 * The calendar periods overlapping [from, to), oldest first: the SLO's own calendar unit and time zone for a calendar
 * window, calendar months in UTC for a rolling one.
 */
export function calendarPeriods(window: Window, from: number, to: number): CalendarPeriod[] {
  const calendar = window.kind === 'calendar' ? window : MONTHS_UTC;
  const periods: CalendarPeriod[] = [];
  let bounds = periodBounds(calendar, from);
  while (bounds.start < to) {
    periods.push({ label: labelOf(calendar, bounds.start), from: Math.max(bounds.start, from), to: Math.min(bounds.end, to), partial: bounds.start < from || bounds.end > to });
    bounds = periodBounds(calendar, bounds.end);
  }
  return periods;
}
