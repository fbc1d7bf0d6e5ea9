import { DAY } from './duration.js';
import { SloeError } from './errors.js';
import type { CalendarUnit, CalendarWindow, Window } from './model.js';

/**
 * The period an SLO's budget covers at `now`, start inclusive, end exclusive. Rolling windows end at `now`; calendar
 * windows are the current ISO week (Monday 00:00), month, quarter or year in the window's time zone, from local
 * midnight to local midnight, so they reset when the wall clock there says so, whatever DST does in between.
 */
export function periodBounds(window: Window, now: number): { start: number; end: number } {
  if (window.kind === 'rolling') return { start: now - window.duration, end: now };
  // Reading a zone's wall clock through Intl costs about 100 µs; each window's current period is remembered, so
  // evaluating many calendar SLOs every tick costs a lookup until the period turns.
  const known = recentPeriods.get(window);
  if (known && known.start <= now && now < known.end) return { start: known.start, end: known.end };
  const today = localDate(now, window.timeZone);
  const first = periodStartDate(today, window.unit);
  const next = addPeriod(first, window.unit);
  const bounds = { start: localMidnight(first, window.timeZone), end: localMidnight(next, window.timeZone) };
  recentPeriods.set(window, bounds);
  return { start: bounds.start, end: bounds.end };
}

const recentPeriods = new WeakMap<CalendarWindow, { readonly start: number; readonly end: number }>();

/** Whether Intl knows this IANA time zone (for spec validation). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The UTC offset (ms, east positive) of a time zone at an instant: the zone's wall clock, read through Intl and taken
 * as if it were UTC, minus the instant. Seconds are kept, so historical offsets such as +0:53:28 come out right.
 */
export function zoneOffset(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  const local = localFields(wholeSecond, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - wholeSecond;
}

/** A calendar date with no time zone: year, month 1-12, day 1-31. */
interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function localDate(instant: number, timeZone: string): CivilDate {
  const { year, month, day } = localFields(instant, timeZone);
  return { year, month, day };
}

function periodStartDate(date: CivilDate, unit: CalendarUnit): CivilDate {
  switch (unit) {
    case 'week': {
      // ISO weeks start on Monday: getUTCDay() is 0 on Sunday, so Sunday is 6 days after Monday.
      const weekday = (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
      return shiftDays(date, -weekday);
    }
    case 'month':
      return { year: date.year, month: date.month, day: 1 };
    case 'quarter':
      return { year: date.year, month: Math.floor((date.month - 1) / 3) * 3 + 1, day: 1 };
    case 'year':
      return { year: date.year, month: 1, day: 1 };
  }
}

function addPeriod(start: CivilDate, unit: CalendarUnit): CivilDate {
  switch (unit) {
    case 'week':
      return shiftDays(start, 7);
    case 'month':
      return shiftMonths(start, 1);
    case 'quarter':
      return shiftMonths(start, 3);
    case 'year':
      return { year: start.year + 1, month: 1, day: 1 };
  }
}

function shiftDays(date: CivilDate, days: number): CivilDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function shiftMonths(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: date.day };
}

/**
 * The first instant of a local date in a time zone. The offset is tried as it was a day before and a day after (so
 * one DST change either side is covered): a candidate is right when the zone's offset at it is the one it assumed.
 * When both are (midnight happens twice) the earlier wins; when neither is (the clocks skip midnight, as in
 * America/Santiago) the day starts at the jump, which is midnight under the offset before it.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  return localMidnight({ year, month, day }, timeZone);
}

function localMidnight(date: CivilDate, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  const before = zoneOffset(wall - DAY, timeZone);
  const after = zoneOffset(wall + DAY, timeZone);
  const candidates = [wall - before, wall - after].filter((instant) => wall - zoneOffset(instant, timeZone) === instant);
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}

interface LocalFields extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localFields(instant: number, timeZone: string): LocalFields {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = fields;
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) {
    throw new SloeError('time_zone', `cannot read the wall clock of time zone ${timeZone}`);
  }
  // Some engines print midnight as hour 24 even with h23; it is the same instant as hour 0 of that date.
  return { year, month, day, hour: hour === 24 ? 0 : hour, minute, second };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    try {
      cached = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new SloeError('time_zone', `unknown time zone ${JSON.stringify(timeZone)}`, { status: 400, cause: error });
    }
    formatters.set(timeZone, cached);
  }
  return cached;
}
