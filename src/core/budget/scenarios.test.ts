/**
 * Hand-computed scenarios (issue #3, "What must be shown"). Every figure in the tables can be checked on paper;
 * the traffic helper only adds up minutes.
 */
import { describe, expect, it } from 'vitest';
import { step } from '../alerting/state.js';
import type { AlertState } from '../alerting/state.js';
import { DAY, HOUR, MINUTE } from '../duration.js';
import type { AlertTier, BudgetingMethod, DurationMs, Objective, Window } from '../model.js';
import { alertWindows, tiersForPeriod } from '../tiers.js';
import type { Counts } from './counts.js';
import { evaluateObjective } from './evaluate.js';
import type { ObjectiveEvaluation } from './evaluate.js';

const THIRTY_DAYS: Window = { kind: 'rolling', duration: 30 * DAY };
const TIERS = tiersForPeriod(30 * DAY); // page 1h/5m 14.4, page 6h/30m 6, ticket 1d/2h 3, ticket 3d/6h 1
const PAGE_FAST = 0;

/**
 * Steady traffic of 1,000 events a minute; during error minutes (1-based minute numbers, minute m covering
 * (m-1, m]) a fraction `errorRatio` of them is bad. Counts over the `w` minutes ending at minute t.
 */
function traffic(errorMinutes: { from: number; to: number }, errorRatio: number) {
  const perMinute = 1000;
  const counts = (t: number, minutes: number): Counts => {
    const first = t - minutes + 1;
    const errorful = Math.max(0, Math.min(t, errorMinutes.to) - Math.max(first, errorMinutes.from) + 1);
    const total = minutes * perMinute;
    return { good: total - errorful * perMinute * errorRatio, total };
  };
  return (t: number, tiers: readonly AlertTier[], period: DurationMs) => ({
    period: counts(t, period / MINUTE),
    windows: new Map(alertWindows(tiers).map((window) => [window, counts(t, window / MINUTE)])),
  });
}

function evaluate(t: number, load: ReturnType<typeof traffic>, objective: Objective, tiers = TIERS): ObjectiveEvaluation {
  return evaluateObjective({ objective, method: 'Occurrences', window: THIRTY_DAYS, now: t * MINUTE, tiers, ...load(t, tiers, 30 * DAY) });
}

const round = (value: number | null, digits = 3) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

describe('99.9 % over 30 days', () => {
  const objective: Objective = { key: 'availability', target: 0.999 };

  it('1 % errors for an hour: burn rate 10, below the page threshold of 14.4, so no page', () => {
    const load = traffic({ from: 1, to: 60 }, 0.01);
    const result = evaluate(60, load, objective);
    // Bad events in each window: 600 (10 a minute for 60 minutes); the error budget is 0.1 %.
    //   5m:  50 / 5,000     = 1 %      → 10          30m: 300 / 30,000 = 1 % → 10        1h: 600 / 60,000 → 10
    //   2h:  600 / 120,000  = 0.5 %    → 5           6h:  600 / 360,000       → 1.667
    //   1d:  600 / 1.44 M   = 0.0417 % → 0.417       3d:  600 / 4.32 M        → 0.139
    expect(Object.fromEntries(Object.entries(result.burnRates).map(([window, rate]) => [window, round(rate)]))).toEqual({
      '5m': 10,
      '30m': 10,
      '1h': 10,
      '2h': 5,
      '6h': 1.667,
      '1d': 0.417,
      '3d': 0.139,
    });
    expect(result.tiers.map((tier) => tier.active)).toEqual([false, false, false, false]);
    // 600 bad of 43.2 M in 30 days: 0.00139 % bad, 1.389 % of the 0.1 % budget.
    expect(round(result.errorBudget.consumed, 5)).toBe(0.01389);
    expect(result.status).toBe('ok');
  });

  it('2 % errors for an hour: burn rate 20, the fast page fires after `for` and resolves when the 5m window recovers', () => {
    const load = traffic({ from: 1, to: 60 }, 0.02);
    // Bad a minute: 20. At minute t ≤ 60: 1h burn = 20t / 60,000 / 0.001 = t/3; 5m burn = 20 once t ≥ 5.
    // Active (both > 14.4) from t = 44 (44/3 = 14.67; 43/3 = 14.33). `for` = 2m: pending 44, 45; firing 46.
    // After the errors stop at 60 the 5m window holds 4, then 3 error minutes: burn 16 (still > 14.4), then 12.
    const rows: [number, number | null, number | null, boolean, string, string][] = [];
    let alert: AlertState = { state: 'inactive' };
    for (let t = 40; t <= 63; t++) {
      const result = evaluate(t, load, objective);
      const fast = result.tiers[PAGE_FAST]!;
      alert = step(alert, fast.active, t * MINUTE, { for: TIERS[PAGE_FAST]!.for, keepFiringFor: 0 });
      const status = evaluateObjective({ objective, method: 'Occurrences', window: THIRTY_DAYS, now: t * MINUTE, tiers: TIERS, ...load(t, TIERS, 30 * DAY), alertStates: [alert.state] }).status;
      if ([43, 44, 45, 46, 60, 61, 62, 63].includes(t)) rows.push([t, round(fast.shortBurnRate), round(fast.longBurnRate), fast.active, alert.state, status]);
    }
    expect(rows).toEqual([
      // minute, 5m burn, 1h burn, active, page-fast state, status
      [43, 20, 14.333, false, 'inactive', 'ok'],
      [44, 20, 14.667, true, 'pending', 'ok'],
      [45, 20, 15, true, 'pending', 'ok'],
      [46, 20, 15.333, true, 'firing', 'critical'],
      [60, 20, 20, true, 'firing', 'critical'],
      [61, 16, 19.667, true, 'firing', 'critical'],
      [62, 12, 19.333, false, 'resolved', 'ok'],
      [63, 8, 19, false, 'inactive', 'ok'],
    ]);
  });

  it('time to exhaustion at the 1h burn: remaining · T / burn', () => {
    const result = evaluate(60, traffic({ from: 1, to: 60 }, 0.02), objective);
    // 1,200 bad of 43.2 M: consumed 2.778 %, remaining 0.97222; 0.97222 · 2,592,000 s / 20 = 126,000 s (35 h).
    expect(round(result.errorBudget.remaining, 5)).toBe(0.97222);
    expect(round(result.timeToExhaustion, 0)).toBe(126_000);
    // Nothing burning: no exhaustion time.
    expect(evaluate(200, traffic({ from: 1, to: 60 }, 0.02), objective).timeToExhaustion).toBeNull();
  });

  it('the low-traffic guard keeps a tier quiet below minEvents in its long window', () => {
    const load = traffic({ from: 1, to: 60 }, 0.02);
    const input = { objective, method: 'Occurrences' as const, window: THIRTY_DAYS, now: 60 * MINUTE, tiers: TIERS, ...load(60, TIERS, 30 * DAY) };
    expect(evaluateObjective({ ...input, minEvents: 60_000 }).tiers[PAGE_FAST]!.active).toBe(true); // 60,000 events in 1h
    expect(evaluateObjective({ ...input, minEvents: 60_001 }).tiers[PAGE_FAST]!.active).toBe(false);
    const disabled = TIERS.map((tier, index) => (index === PAGE_FAST ? { ...tier, disabled: true } : tier));
    expect(evaluateObjective({ ...input, tiers: disabled }).tiers[PAGE_FAST]!.active).toBe(false);
  });
});

describe('a calendar-month SLO resets on the 1st in its time zone', () => {
  // 99 % over the calendar month in Europe/Berlin. Hourly traffic of 1,000 events; in March every hour has 20 % bad.
  // The runtime sums the hours inside periodBounds(); April 1st 00:00 in Berlin (CEST) is 2026-03-31T22:00Z.
  const window: Window = { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' };
  const objective: Objective = { key: 'monthly', target: 0.99 };
  const hourly = (hourStart: number): Counts => ({ good: hourStart < Date.parse('2026-03-31T22:00:00Z') ? 800 : 1000, total: 1000 });

  function atInstant(iso: string): ObjectiveEvaluation {
    const now = Date.parse(iso);
    const first = evaluateObjective({ objective, method: 'Occurrences', window, now, period: { good: 0, total: 0 }, windows: new Map(), tiers: [] });
    // Brute force: every whole hour from the period's start up to now.
    let good = 0;
    let total = 0;
    for (let hour = first.period.start; hour + HOUR <= now; hour += HOUR) {
      good += hourly(hour).good;
      total += hourly(hour).total;
    }
    return evaluateObjective({ objective, method: 'Occurrences', window, now, period: { good, total }, windows: new Map(), tiers: [] });
  }

  it.each([
    // instant (UTC), Berlin wall clock, period start (UTC), hours counted, SLI, remaining, status
    // March has 31·24 − 1 (DST) = 743 hours; at 23:00 on the 31st, 742 have passed. 20 % bad is 20x the 1 % budget.
    ['2026-03-31T21:00:00Z', '31 Mar 23:00', '2026-02-28T23:00:00.000Z', 742, 0.8, -19, 'exhausted'],
    ['2026-03-31T22:00:00Z', '1 Apr 00:00', '2026-03-31T22:00:00.000Z', 0, null, null, 'nodata'], // no data: unknown, not a full budget
    ['2026-03-31T23:00:00Z', '1 Apr 01:00', '2026-03-31T22:00:00.000Z', 1, 1, 1, 'ok'],
  ] as const)('%s (%s)', (instant, _wall, start, hours, sli, remaining, status) => {
    const result = atInstant(instant);
    expect(new Date(result.period.start).toISOString()).toBe(start);
    expect(result.events.total).toBe(hours * 1000);
    expect(result.sli).toBe(sli);
    expect(round(result.errorBudget.remaining)).toBe(remaining);
    expect(result.status).toBe(status);
  });
});

describe('Timeslices', () => {
  // 99 % of one-minute slices good, a slice good when ≥ 95 % of its requests succeed. Counts are slices.
  const objective: Objective = { key: 'slices', target: 0.99, timeSliceTarget: 0.95, timeSliceWindow: MINUTE };
  const evaluateSlices = (window: Window, now: string, period: Counts, method: BudgetingMethod = 'Timeslices', windows = new Map<DurationMs, Counts>()) =>
    evaluateObjective({ objective, method, window, now: Date.parse(now), period, windows, tiers: TIERS });

  it.each([
    // window, now, good slices / slices, slices the period holds, SLI, consumed = bad / (N · 1 %)
    ['rolling 30d', THIRTY_DAYS, '2026-11-26T12:00:00Z', { good: 43_200 - 216, total: 43_200 }, 43_200, 0.995, 0.5], // 216 / 432
    ['rolling 30d, a new SLO one day old', THIRTY_DAYS, '2026-11-26T12:00:00Z', { good: 1_440 - 216, total: 1_440 }, 43_200, 0.85, 0.5], // budget is per period, not per slice seen
    ['calendar month (April, UTC)', { kind: 'calendar', unit: 'month', timeZone: 'UTC' } as const, '2026-04-10T00:00:00Z', { good: 991, total: 1000 }, 43_200, 0.991, 0.020833], // 9 / 432
    ['calendar month (March, Berlin, 1h short)', { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } as const, '2026-03-10T00:00:00Z', { good: 990, total: 1000 }, 44_580, 0.99, 0.022432], // 10 / 445.8
  ] as const)('%s', (_name, window, now, period, _slices, sli, consumed) => {
    const result = evaluateSlices(window, now, period);
    expect(result.sli).toBe(sli);
    expect(round(result.errorBudget.consumed, 6)).toBe(consumed);
    expect(round(result.errorBudget.remaining, 6)).toBe(round(1 - consumed, 6));
  });

  it('burn rates over slices: 3 bad slices of the last 60 is 5 % bad, 5x the 1 % allowed', () => {
    const result = evaluateSlices(THIRTY_DAYS, '2026-11-26T12:00:00Z', { good: 43_000, total: 43_200 }, 'Timeslices', new Map([[HOUR, { good: 57, total: 60 }]]));
    expect(result.burnRates['1h']).toBeCloseTo(5, 9);
    expect(result.burnRates['5m']).toBeNull(); // no slices given for that window
  });

  it('RatioTimeslices spend the bad share of each slice: mean slice ratio 0.995 over a full 30 days is half the budget', () => {
    const result = evaluateSlices(THIRTY_DAYS, '2026-11-26T12:00:00Z', { good: 43_200 * 0.995, total: 43_200 }, 'RatioTimeslices');
    expect(round(result.sli, 6)).toBe(0.995);
    expect(round(result.errorBudget.consumed, 6)).toBe(0.5);
  });
});
