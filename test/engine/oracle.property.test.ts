import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { BudgetingMethod, IncomingSeries, Window } from '../../src/core/index.js';
import { REQUESTS, harness, makeSlo, specsOf } from './fixtures.js';

/*
 * The engine against an oracle written plainly from the raw samples, for random streams. The oracle knows nothing of
 * buckets, rings or prefix sums: it keeps each series' last sample (Prometheus counter semantics: the first sample is
 * the baseline, a drop is a reset that counts the new value, a sample at or before the last timestamp is ignored) and
 * counts increases by their sample's timestamp in (from, to]. The documented resolution is minute within the 1-minute
 * buckets (6 h) and hour beyond, so windows are compared at instants where that resolution is exact: hour-aligned
 * instants for every window of the period, minute-aligned ones for windows within the last 6 hours.
 */

const START = Date.UTC(2026, 10, 30, 16); // 8 h before December begins: calendar months turn over mid-stream
const SPAN = 12 * HOUR;
const CODES = ['200', '201', '500', '503'] as const; // several series per term; 5xx are bad
const TARGET = 0.99;
const SLICE_TARGET = 0.95;
/** The 30-day period's windows, shortest first, as SloStatus.burnRates keys them. */
const WINDOWS: readonly [string, number][] = [['5m', 5 * MINUTE], ['30m', 30 * MINUTE], ['1h', HOUR], ['2h', 2 * HOUR], ['6h', 6 * HOUR], ['1d', DAY], ['3d', 3 * DAY]];

interface Sample {
  readonly code: number;
  readonly t: number;
  readonly value: number;
}

interface Increase {
  readonly t: number;
  readonly bad: boolean;
  readonly value: number;
}

/** Counter semantics over samples in arrival order. */
class CounterOracle {
  private readonly last = new Map<number, { t: number; value: number }>();
  readonly increases: Increase[] = [];

  accept(sample: Sample): void {
    const previous = this.last.get(sample.code);
    if (previous && sample.t <= previous.t) return;
    if (previous) this.increases.push({ t: sample.t, bad: CODES[sample.code]!.startsWith('5'), value: sample.value < previous.value ? sample.value : sample.value - previous.value });
    this.last.set(sample.code, { t: sample.t, value: sample.value });
  }

  counts(from: number, to: number): { good: number; total: number } {
    let total = 0;
    let bad = 0;
    for (const increase of this.increases) {
      if (increase.t <= from || increase.t > to) continue;
      total += increase.value;
      if (increase.bad) bad += increase.value;
    }
    return { good: total - bad, total };
  }
}

/** Slice outcomes as the docs define them: a minute's ratio decides it; beyond the 1-minute buckets, its hour's. */
class SliceOracle {
  private lastEnd: number | undefined;
  readonly outcomes: { start: number; good: number }[] = [];

  constructor(private readonly method: BudgetingMethod) {}

  decide(counter: CounterOracle, now: number, periodStart: number): void {
    let start = this.lastEnd ?? Math.floor(periodStart / MINUTE) * MINUTE;
    const hourlyBefore = Math.ceil((now - 6 * HOUR) / HOUR) * HOUR;
    for (; start + MINUTE <= now; start += MINUTE) {
      const hour = Math.floor(start / HOUR) * HOUR;
      const counts = start + MINUTE <= hourlyBefore ? counter.counts(hour, hour + HOUR) : counter.counts(start, start + MINUTE);
      if (counts.total <= 0) continue;
      const ratio = Math.min(1, counts.good / counts.total);
      this.outcomes.push({ start, good: this.method === 'RatioTimeslices' ? ratio : ratio >= SLICE_TARGET ? 1 : 0 });
    }
    this.lastEnd = start;
  }

  counts(from: number, to: number): { good: number; total: number } {
    let good = 0;
    let total = 0;
    for (const outcome of this.outcomes) {
      if (outcome.start < from || outcome.start >= to) continue;
      good += outcome.good;
      total += 1;
    }
    return { good, total };
  }
}

const step = fc.record({
  code: fc.integer({ min: 0, max: CODES.length - 1 }),
  /** Up to 40 minutes forward, or back (a late or out-of-order sample), at any second. */
  dt: fc.oneof(fc.integer({ min: 1, max: 40 * MINUTE }), fc.integer({ min: -20 * MINUTE, max: 0 })),
  kind: fc.constantFrom('grow', 'grow', 'grow', 'grow', 'reset', 'repeat'),
  amount: fc.integer({ min: 0, max: 500 }),
  redeliver: fc.boolean(),
});

const scenario = fc.record({
  steps: fc.array(step, { minLength: 10, maxLength: 200 }),
  method: fc.constantFrom<BudgetingMethod>('Occurrences', 'Timeslices', 'RatioTimeslices'),
  calendar: fc.boolean(),
  /** Evaluation instants: minutes after START, some of them on the hour. */
  instants: fc.uniqueArray(fc.integer({ min: 1, max: SPAN / MINUTE }), { minLength: 2, maxLength: 6 }),
});

describe('engine against a raw-sample oracle (property)', () => {
  it('every window, the period, SLI, budget and history points, for all three budgeting methods, rolling and calendar windows', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ steps, method, calendar, instants }) => {
        const window: Window = calendar ? { kind: 'calendar', unit: 'month', timeZone: 'UTC' } : { kind: 'rolling', duration: 30 * DAY };
        const slo = makeSlo({ budgetingMethod: method, target: TARGET, window, objective: method === 'Occurrences' ? {} : { timeSliceWindow: MINUTE, timeSliceTarget: SLICE_TARGET } });
        const { engine, clock } = harness(specsOf(slo), START);
        // Hour-aligned instants are where every window is exact; half of them are moved onto the hour.
        const evaluations = [...new Set(instants.map((minutes, index) => START + (index % 2 === 0 ? Math.ceil(minutes / 60) * HOUR : minutes * MINUTE)))].sort((a, b) => a - b);
        const counter = new CounterOracle();
        const slices = new SliceOracle(method);
        const clocks = CODES.map(() => START);
        const values = CODES.map(() => 0);
        let cursor = 0;
        await engine.evaluate(START);
        slices.decide(counter, START, periodStartOf(window, START));
        for (const now of evaluations) {
          clock.now = now;
          // The samples that arrive before this evaluation: never later than it, possibly older than the last one.
          for (; cursor < steps.length; cursor++) {
            const { code, dt, kind, amount, redeliver } = steps[cursor]!;
            const t = Math.max(START + 1, clocks[code]! + dt);
            if (t > now) break;
            clocks[code] = t;
            if (kind === 'grow') values[code]! += amount;
            if (kind === 'reset') values[code] = amount % 37;
            const sample: Sample = { code, t, value: values[code]! };
            const series: IncomingSeries[] = [{ labels: { __name__: REQUESTS, job: 'api', code: CODES[code]! }, timestamps: [t], values: [sample.value] }];
            engine.append(series, 'remote_write');
            if (redeliver) engine.append(series, 'remote_write');
            counter.accept(sample);
          }
          const status = (await engine.evaluate(now)).statuses[0]!;
          const periodStart = periodStartOf(window, now);
          slices.decide(counter, now, periodStart);
          const countsOf = (from: number, to: number) => (method === 'Occurrences' ? counter.counts(from, to) : slices.counts(from, to));
          const context = `${method} ${calendar ? 'calendar' : 'rolling'} at ${new Date(now).toISOString()}`;
          const onTheHour = now % HOUR === 0;
          for (const [key, length] of WINDOWS) {
            if (!onTheHour && length > 6 * HOUR) continue;
            const counts = countsOf(now - length, now);
            const expected = counts.total > 0 ? (counts.total - counts.good) / counts.total / (1 - TARGET) : null;
            if (expected === null) expect(status.burnRates[key], `${context} ${key}`).toBeNull();
            else expect(status.burnRates[key], `${context} ${key}`).toBeCloseTo(expected, 6);
          }
          if (!onTheHour) continue;
          // History: each earlier hour-aligned instant's point is the oracle's figures there (null with no events in
          // the 5 minutes before it, or the hour at hour resolution), at minute resolution within the 1-minute
          // buckets, hour resolution before.
          for (const at of evaluations.filter((instant) => instant <= now && instant % HOUR === 0)) {
            const [point] = engine.history(slo.name, at, at, MINUTE)!;
            const withinFine = at >= Math.ceil((now - 6 * HOUR) / MINUTE) * MINUTE + MINUTE;
            const recent = countsOf(at - (withinFine ? 5 * MINUTE : HOUR), at);
            if (recent.total <= 0) {
              expect([point!.sli, point!.budgetRemaining], `history ${context} ${at}`).toEqual([null, null]);
              continue;
            }
            const past = countsOf(periodStartOf(window, at), at);
            expect(point!.sli, `history ${context} ${at}`).toBeCloseTo(past.good / past.total, 9);
            for (const [key, length] of WINDOWS) {
              const counts = countsOf(at - length, at);
              const expected = (!withinFine && length < HOUR) || counts.total <= 0 ? null : (counts.total - counts.good) / counts.total / (1 - TARGET);
              if (expected === null) expect(point!.burnRates[key], `history ${context} ${at} ${key}`).toBeNull();
              else expect(point!.burnRates[key], `history ${context} ${at} ${key}`).toBeCloseTo(expected, 6);
            }
          }
          const period = countsOf(periodStart, now);
          expect(status.events.total, context).toBeCloseTo(period.total, 6);
          expect(status.events.good, context).toBeCloseTo(period.good, 6);
          if (period.total === 0) {
            expect([status.sli, status.errorBudget.remaining, status.status], context).toEqual([null, null, 'nodata']);
            continue;
          }
          expect(status.sli, context).toBeCloseTo(period.good / period.total, 9);
          const bad = period.total - period.good;
          const periodLength = window.kind === 'rolling' ? window.duration : Date.UTC(2026, 11, 1) <= now ? 31 * DAY : 30 * DAY;
          const consumed = method === 'Occurrences' ? bad / period.total / (1 - TARGET) : bad / ((periodLength / MINUTE) * (1 - TARGET));
          expect(status.errorBudget.consumed, context).toBeCloseTo(consumed, 6);
        }
      }),
      { numRuns: 60, seed: 13 },
    );
  }, 60_000);
});

function periodStartOf(window: Window, now: number): number {
  if (window.kind === 'rolling') return now - window.duration;
  return now >= Date.UTC(2026, 11, 1) ? Date.UTC(2026, 11, 1) : Date.UTC(2026, 10, 1);
}
