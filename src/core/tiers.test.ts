import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, formatDuration, parseDuration } from './duration.js';
import { alertWindows, periodWindows, tiersForPeriod } from './tiers.js';

describe('tiersForPeriod', () => {
  it('gives the SRE Workbook table for 30 days', () => {
    const rows = tiersForPeriod(30 * DAY).map((tier) => [tier.severity, formatDuration(tier.longWindow), formatDuration(tier.shortWindow), tier.burnRateThreshold]);
    expect(rows).toEqual([
      ['page', '1h', '5m', 14.4],
      ['page', '6h', '30m', 6],
      ['ticket', '1d', '2h', 3],
      ['ticket', '3d', '6h', 1],
    ]);
  });

  it('scales windows by T/30d and keeps B = f·T/w for a 7-day period', () => {
    const tiers = tiersForPeriod(7 * DAY);
    const first = tiers[0]!;
    // 1h · 7/30 = 14m; 5m → 14m/12 rounds to 1m.
    expect(first.longWindow).toBe(14 * MINUTE);
    expect(first.shortWindow).toBe(1 * MINUTE);
    expect(first.burnRateThreshold).toBeCloseTo((0.02 * 7 * DAY) / (14 * MINUTE), 3);
    expect(alertWindows(tiers)[0]).toBe(1 * MINUTE);
  });
});

describe('durations', () => {
  it.each([
    ['5m', 5 * MINUTE],
    ['1h30m', 90 * MINUTE],
    ['30d', 30 * DAY],
    ['250ms', 250],
    ['2w', 14 * DAY],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 'm', '5x', '-5m', '1M', '1h 30m'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats the shortest form', () => {
    expect(formatDuration(6 * HOUR)).toBe('6h');
    expect(formatDuration(90 * MINUTE)).toBe('1h30m');
  });
});

describe('periodWindows', () => {
  it("is the default table's windows and the SLO's own, whichever tiers array holds them, and never one kept for other windows", () => {
    const own = tiersForPeriod(28 * DAY).map((tier) => ({ ...tier, shortWindow: tier.shortWindow + MINUTE, disabled: true }));
    const expected = alertWindows([...tiersForPeriod(28 * DAY), ...own]);
    expect(periodWindows(28 * DAY, own)).toEqual(expected);
    expect(periodWindows(28 * DAY, own.map((tier) => ({ ...tier })))).toEqual(expected);
    expect(periodWindows(28 * DAY)).toEqual(alertWindows(tiersForPeriod(28 * DAY)));
    expect(periodWindows(7 * DAY, own)).toEqual(alertWindows([...tiersForPeriod(7 * DAY), ...own]));
    const longer = own.map((tier) => ({ ...tier, longWindow: tier.longWindow + HOUR }));
    expect(periodWindows(28 * DAY, longer)).toEqual(alertWindows([...tiersForPeriod(28 * DAY), ...longer]));
  });

  it('hands out one array per table, which callers cannot change under the next SLO', () => {
    expect(Object.isFrozen(periodWindows(30 * DAY))).toBe(true);
    const tiers = tiersForPeriod(30 * DAY);
    expect(periodWindows(30 * DAY, tiers)).toBe(periodWindows(30 * DAY, tiersForPeriod(30 * DAY)));
    // The same tiers array asked with another period is another table.
    expect(periodWindows(7 * DAY, tiers)).toEqual(alertWindows([...tiersForPeriod(7 * DAY), ...tiers]));
  });
});
