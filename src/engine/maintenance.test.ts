import { CronTime } from 'cron';
import { describe, expect, it, vi } from 'vitest';
import type { MaintenanceWindow, Slo } from '../core/index.js';
import { HOUR } from '../core/index.js';
import { MaintenanceSchedule, expandMaintenance, maintenanceProblem, maintenanceRanges } from './maintenance.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const SUNDAY_NIGHT: MaintenanceWindow = { schedule: '0 2 * * 0', timeZone: 'Europe/Berlin', duration: 2 * HOUR, reason: 'weekly database maintenance' };

describe('maintenance windows', () => {
  it('expands a weekly window in its time zone, across the switch to summer time', () => {
    const ranges = expandMaintenance([SUNDAY_NIGHT], at('2026-03-16T00:00:00Z'), at('2026-04-10T00:00:00Z'));
    expect(ranges.map((range) => [iso(range.start), iso(range.end), range.reason])).toEqual([
      ['2026-03-22T01:00:00Z', '2026-03-22T03:00:00Z', 'weekly database maintenance'], // 02:00 CET
      ['2026-03-29T01:00:00Z', '2026-03-29T03:00:00Z', 'weekly database maintenance'], // 02:00 does not exist that night: cron fires at 03:00 CEST
      ['2026-04-05T00:00:00Z', '2026-04-05T02:00:00Z', 'weekly database maintenance'], // 02:00 CEST
    ]);
  });

  it('includes an occurrence that began before the range, clipped to it', () => {
    const ranges = expandMaintenance([SUNDAY_NIGHT], at('2026-03-22T02:00:00Z'), at('2026-03-22T02:30:00Z'));
    expect(ranges.map((range) => [iso(range.start), iso(range.end)])).toEqual([['2026-03-22T02:00:00Z', '2026-03-22T02:30:00Z']]);
    // An occurrence ending exactly at `from` does not reach into the range.
    expect(expandMaintenance([SUNDAY_NIGHT], at('2026-03-22T03:00:00Z'), at('2026-03-22T04:00:00Z'))).toEqual([]);
  });

  it('answers later and earlier ranges from its cache exactly as a fresh schedule does', () => {
    const cached = new MaintenanceSchedule(SUNDAY_NIGHT);
    cached.exclusions(at('2026-03-01T00:00:00Z'), at('2026-03-31T00:00:00Z'));
    for (const [from, to] of [
      ['2026-03-10T00:00:00Z', '2026-05-01T00:00:00Z'],
      ['2026-01-01T00:00:00Z', '2026-03-05T00:00:00Z'],
    ] as const) {
      expect(cached.exclusions(at(from), at(to))).toEqual(new MaintenanceSchedule(SUNDAY_NIGHT).exclusions(at(from), at(to)));
    }
  });

  it('a tick that moves the window forward calls CronTime only when a new occurrence is due', () => {
    const schedule = new MaintenanceSchedule(SUNDAY_NIGHT);
    const spy = vi.spyOn(CronTime.prototype, 'getNextDateFrom');
    try {
      schedule.exclusions(at('2026-03-01T00:00:00Z'), at('2026-03-31T00:00:00Z'));
      const afterFirst = spy.mock.calls.length;
      for (let minute = 1; minute <= 60; minute++) schedule.exclusions(at('2026-03-01T00:00:00Z') + minute * 60_000, at('2026-03-31T00:00:00Z') + minute * 60_000);
      expect(spy.mock.calls.length).toBe(afterFirst);
    } finally {
      spy.mockRestore();
    }
  });

  it('merges overlapping windows of one SLO into ranges for the engine', () => {
    const slo = { maintenance: [SUNDAY_NIGHT, { ...SUNDAY_NIGHT, schedule: '0 3 * * 0', reason: 'backups' }] } as unknown as Slo;
    expect(maintenanceRanges(slo, at('2026-03-22T00:00:00Z'), at('2026-03-23T00:00:00Z')).map(([start, end]) => [iso(start), iso(end)])).toEqual([
      ['2026-03-22T01:00:00Z', '2026-03-22T04:00:00Z'], // 02:00-04:00 and 03:00-05:00 local
    ]);
  });

  it.each([
    [{ schedule: '0 0 2 * * 0' }, 'must have 5 cron fields'],
    [{ schedule: '61 2 * * 0' }, 'Field value (61) is out of range'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'in Mars/Olympus_Mons'],
    [{ duration: 0 }, 'needs a positive duration'],
  ] as const)('refuses %j', (change, message) => {
    expect(maintenanceProblem({ ...SUNDAY_NIGHT, ...change })).toContain(message);
  });

  it('refuses to expand a schedule that fires every minute over months', () => {
    const everyMinute = new MaintenanceSchedule({ ...SUNDAY_NIGHT, schedule: '* * * * *' });
    expect(() => everyMinute.exclusions(at('2026-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z'))).toThrow('fires more than 5000 times');
  });
});
