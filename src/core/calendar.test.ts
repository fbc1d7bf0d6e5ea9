import { describe, expect, it } from 'vitest';
import { isValidTimeZone, periodBounds, startOfLocalDay, zoneOffset } from './calendar.js';
import { DAY, HOUR } from './duration.js';
import type { CalendarUnit } from './model.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function bounds(unit: CalendarUnit, timeZone: string, now: string): [string, string] {
  const { start, end } = periodBounds({ kind: 'calendar', unit, timeZone }, at(now));
  return [iso(start), iso(end)];
}

describe('periodBounds', () => {
  it('rolling windows end now', () => {
    expect(periodBounds({ kind: 'rolling', duration: 30 * DAY }, at('2026-11-26T12:00:00Z'))).toEqual({ start: at('2026-10-27T12:00:00Z'), end: at('2026-11-26T12:00:00Z') });
  });

  // Each row: the instant, and the period it falls in. Local midnight in UTC: Berlin CET = 23:00 the day before,
  // CEST = 22:00; New York EST = 05:00, EDT = 04:00; Kolkata (+5:30, no DST) = 18:30 the day before.
  it.each([
    // A calendar month resets at local midnight on the 1st, in Berlin…
    ['month', 'Europe/Berlin', '2026-03-15T12:00:00Z', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'], // spans the switch to CEST
    ['month', 'Europe/Berlin', '2026-03-31T21:59:59.999Z', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'], // 23:59:59.999 on 31 March
    ['month', 'Europe/Berlin', '2026-03-31T22:00:00.000Z', '2026-03-31T22:00:00.000Z', '2026-04-30T22:00:00.000Z'], // 00:00 on 1 April: reset
    ['month', 'Europe/Berlin', '2026-10-31T23:30:00Z', '2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z'], // back on CET
    // …and in New York, where the 1st of November 2026 is also the day DST ends.
    ['month', 'America/New_York', '2026-11-01T03:59:59.999Z', '2026-10-01T04:00:00.000Z', '2026-11-01T04:00:00.000Z'], // 23:59:59.999 EDT on 31 Oct
    ['month', 'America/New_York', '2026-11-01T04:00:00.000Z', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z'], // 00:00 EDT on 1 Nov: reset
    ['month', 'America/New_York', '2026-11-26T12:00:00Z', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z'],
    // ISO weeks (Monday 00:00) across DST changes are 7 days minus or plus an hour.
    ['week', 'Europe/Berlin', '2026-03-29T12:00:00Z', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], // Sun 29 Mar: CET → CEST
    ['week', 'Europe/Berlin', '2026-10-25T12:00:00Z', '2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z'], // Sun 25 Oct: CEST → CET
    ['week', 'America/New_York', '2026-03-08T12:00:00Z', '2026-03-02T05:00:00.000Z', '2026-03-09T04:00:00.000Z'], // Sun 8 Mar: EST → EDT
    ['week', 'America/New_York', '2026-11-26T12:00:00Z', '2026-11-23T05:00:00.000Z', '2026-11-30T05:00:00.000Z'], // a Thursday
    ['week', 'Europe/Berlin', '2026-11-29T22:59:59Z', '2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z'], // Sunday 23:59:59 is still that week
    // Kolkata is UTC+5:30 all year.
    ['month', 'Asia/Kolkata', '2026-01-01T00:00:00Z', '2025-12-31T18:30:00.000Z', '2026-01-31T18:30:00.000Z'],
    ['month', 'Asia/Kolkata', '2025-12-31T18:29:59Z', '2025-11-30T18:30:00.000Z', '2025-12-31T18:30:00.000Z'],
    ['quarter', 'Asia/Kolkata', '2026-03-31T18:29:59Z', '2025-12-31T18:30:00.000Z', '2026-03-31T18:30:00.000Z'],
    ['quarter', 'Asia/Kolkata', '2026-03-31T18:30:00Z', '2026-03-31T18:30:00.000Z', '2026-06-30T18:30:00.000Z'],
    ['quarter', 'Europe/Berlin', '2026-11-26T12:00:00Z', '2026-09-30T22:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    ['year', 'Europe/Berlin', '2026-06-01T00:00:00Z', '2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    ['month', 'UTC', '2026-02-10T00:00:00Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    // Havana falls back from 01:00 to 00:00 on 1 Nov 2026: midnight happens twice, the month starts at the first.
    ['month', 'America/Havana', '2026-11-01T04:30:00Z', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z'],
    ['month', 'America/Havana', '2026-11-01T05:30:00Z', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z'],
  ] as const)('%s in %s at %s is [%s, %s)', (unit, timeZone, now, start, end) => {
    expect(bounds(unit, timeZone, now)).toEqual([start, end]);
  });

  it('puts every instant inside its own period, hour by hour through a year of DST changes', () => {
    for (const timeZone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      for (let now = at('2026-01-01T00:00:00Z'); now < at('2027-01-01T00:00:00Z'); now += 7 * HOUR) {
        const { start, end } = periodBounds({ kind: 'calendar', unit: 'week', timeZone }, now);
        expect(start <= now && now < end, `${timeZone} ${iso(now)}`).toBe(true);
        expect(Math.abs(end - start - 7 * DAY)).toBeLessThanOrEqual(HOUR);
      }
    }
  });
});

describe('local midnight', () => {
  it('starts a day the clocks skip at the jump (Santiago, 6 Sep 2026: 23:59:59 -04 → 01:00 -03)', () => {
    expect(iso(startOfLocalDay(2026, 9, 6, 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(iso(startOfLocalDay(2026, 9, 7, 'America/Santiago'))).toBe('2026-09-07T03:00:00.000Z');
  });

  it('reads offsets with minutes', () => {
    expect(zoneOffset(at('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(zoneOffset(at('2026-06-01T00:00:00Z'), 'America/St_Johns')).toBe(-2.5 * HOUR);
  });

  it('knows which time zones exist', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => periodBounds({ kind: 'calendar', unit: 'month', timeZone: 'Mars/Olympus_Mons' }, 0)).toThrow('unknown time zone "Mars/Olympus_Mons"');
  });
});
