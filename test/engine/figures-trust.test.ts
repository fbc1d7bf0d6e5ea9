import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import { TrafficGenerator, harness, makeSlo, specsOf } from './fixtures.js';

// Issue 13: figures an on-call engineer can trust. Each test here failed on the code before the fix.
const DAY0 = Date.UTC(2026, 10, 20);

describe('figures an on-call engineer can trust', () => {
  it('history before the first sample is null, and later points are what the engine answered then', async () => {
    // The daemon starts at 14:18:33; the first sample comes after that, in the middle of the 14:00 hour bucket.
    const started = DAY0 + 14 * HOUR + 18 * MINUTE + 33_000;
    const { engine, clock } = harness(specsOf(makeSlo({})), started);
    const traffic = new TrafficGenerator();
    const live = new Map<number, { sli: number | null; burn5m: number | null }>();
    for (let t = DAY0 + 14 * HOUR + 19 * MINUTE; t <= DAY0 + 15 * HOUR; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 1000, t > DAY0 + 14 * HOUR + 40 * MINUTE ? 0.02 : 0), 'remote_write');
      const status = (await engine.evaluate(t)).statuses[0]!;
      live.set(t, { sli: status.sli, burn5m: status.burnRates['5m'] ?? null });
    }
    const points = engine.history('api-availability', DAY0 + 14 * HOUR, DAY0 + 15 * HOUR, MINUTE)!;
    for (const point of points) {
      const expected = live.get(point.t);
      if (point.t <= DAY0 + 14 * HOUR + 19 * MINUTE) {
        // Before 14:19 nothing had arrived: not an SLI of 0.98 from the hour's counts spread over the hour.
        expect([point.t, point.sli, point.budgetRemaining, point.burnRates['5m']]).toEqual([point.t, null, null, null]);
      } else {
        expect(point.sli).toBeCloseTo(expected!.sli!, 12);
        expect(point.burnRates['5m']).toBeCloseTo(expected!.burn5m!, 12);
      }
    }
  });

  it('a Timeslices point between a slice\'s end and the evaluation that decides it still has the figures', async () => {
    // 1-minute slices over 7 days (the example set's checkout-uptime): the shortest burn window is 1m, and a slice is
    // counted once the first evaluation after its end decides it. Evaluations at :15 and :45 of each minute, as the
    // daemon's 30 s ticks fall; at 10:05:05 the 10:04 slice is not decided yet, but 10:03's is.
    const slo = makeSlo({ name: 'uptime', budgetingMethod: 'Timeslices', target: 0.99, objective: { timeSliceWindow: MINUTE, timeSliceTarget: 0.95 }, window: { kind: 'rolling', duration: 7 * DAY } });
    const start = DAY0 + 10 * HOUR;
    const { engine, clock } = harness(specsOf(slo), start);
    const traffic = new TrafficGenerator();
    let live: number | null = null;
    for (let t = start; t <= start + 5 * MINUTE; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 100, 0), 'remote_write');
      for (const tick of [t + 15_000, t + 45_000]) {
        if (tick > start + 5 * MINUTE) break;
        clock.now = tick;
        live = (await engine.evaluate(tick)).statuses[0]!.errorBudget.remaining;
      }
    }
    const asked = start + 5 * MINUTE + 5_000;
    clock.now = asked;
    expect(live).toBe(1);
    const [point] = engine.history('uptime', asked, asked, MINUTE)!;
    // What sloe status shows at that moment (the evaluation at 10:04:45), not an unknown budget every minute's first 15 s.
    expect([point!.sli, point!.budgetRemaining]).toEqual([1, live]);
  });

  it('Timeslices burn-rate windows end at the newest decided slice, so a 7-day SLO\'s 1-minute window pages', async () => {
    // A 7-day period scales page-fast's windows to 14m and 1m. Slices are decided by the first evaluation after they
    // end, so a window ending at the evaluation's instant held no decided slice in its last minute: the 1m window was
    // always empty and page-fast never fired (found by following the README with a probe: page-slow fired, page-fast not).
    const slo = makeSlo({ name: 'uptime', budgetingMethod: 'Timeslices', target: 0.99, objective: { timeSliceWindow: MINUTE, timeSliceTarget: 0.95 }, window: { kind: 'rolling', duration: 7 * DAY } });
    const start = DAY0 + 10 * HOUR;
    const { engine, clock } = harness(specsOf(slo), start);
    const traffic = new TrafficGenerator();
    const seen: { minute: number; burn1m: number | null; burn14m: number | null; pageFast: string | undefined }[] = [];
    for (let t = start; t <= start + 30 * MINUTE; t += MINUTE) {
      clock.now = t;
      // Every minute's slice is bad: half its requests fail, against a slice target of 95 %.
      engine.append(traffic.minute(t, 100, t > start ? 0.5 : 0), 'remote_write');
      for (const tick of [t + 15_000, t + 45_000]) {
        clock.now = tick;
        const status = (await engine.evaluate(tick)).statuses[0]!;
        seen.push({ minute: (t - start) / MINUTE, burn1m: status.burnRates['1m'] ?? null, burn14m: status.burnRates['14m'] ?? null, pageFast: status.alerts.find((alert) => alert.tier === 'page-fast')?.state });
      }
    }
    // A bad slice over a 1 % allowance is a burn rate of 100, in any window holding only bad slices.
    // | minute | newest decided slice | burn 1m | burn 14m               | page-fast (threshold 14.4, for 2m) |
    // | 5      | bad                  | 100     | (still holds good ones) | -                                  |
    // | 30     | bad                  | 100     | 100                    | firing                             |
    const at = (minute: number) => seen.filter((entry) => entry.minute === minute).at(-1)!;
    expect(at(5).burn1m).toBeCloseTo(100, 9);
    expect(at(30).burn1m).toBeCloseTo(100, 9);
    expect(at(30).burn14m).toBeCloseTo(100, 9);
    expect(at(30).pageFast).toBe('firing');
  });

  it('a stretch without data is a gap in history', () => {
    const { engine, clock } = harness(specsOf(makeSlo({})), DAY0);
    const traffic = new TrafficGenerator();
    for (let t = DAY0; t <= DAY0 + 2 * HOUR; t += MINUTE) {
      clock.now = t;
      // | 00:00-00:30 traffic | 00:30-01:30 nothing (the service is down) | 01:30-02:00 traffic |
      if (t <= DAY0 + 30 * MINUTE || t > DAY0 + 90 * MINUTE) engine.append(traffic.minute(t, 100, 0), 'remote_write');
    }
    const points = engine.history('api-availability', DAY0 + 10 * MINUTE, DAY0 + 2 * HOUR, 10 * MINUTE)!;
    const gaps = points.filter((point) => point.sli === null).map((point) => (point.t - DAY0) / MINUTE);
    expect(gaps).toEqual([40, 50, 60, 70, 80, 90]);
  });

  it('burn rates for every window of the period, with every alert tier disabled', async () => {
    const slo = makeSlo({});
    const quiet = { ...slo, alerting: { ...slo.alerting, tiers: slo.alerting.tiers.map((tier) => ({ ...tier, disabled: true })) } };
    const { engine, clock } = harness(specsOf(quiet), DAY0);
    const traffic = new TrafficGenerator();
    for (let t = DAY0; t <= DAY0 + HOUR; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 1000, 0.01), 'remote_write');
    }
    const status = (await engine.evaluate(DAY0 + HOUR)).statuses[0]!;
    expect(Object.keys(status.burnRates)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    // 1 % bad over a 0.1 % allowance, in every window (all hold the same hour of traffic).
    for (const rate of Object.values(status.burnRates)) expect(rate).toBeCloseTo(10, 9);
    expect(status.alerts).toEqual([]);
  });

  it('no data is unknown: null SLI and budget, status nodata, coverage 0', async () => {
    const { engine } = harness(specsOf(makeSlo({})), DAY0);
    const status = (await engine.evaluate(DAY0)).statuses[0]!;
    expect([status.sli, status.errorBudget.consumed, status.errorBudget.remaining, status.status, status.coverage]).toEqual([null, null, null, 'nodata', 0]);
  });

  it('coverage is the share of the period with data: two hours of a 30-day window', async () => {
    const { engine, clock } = harness(specsOf(makeSlo({})), DAY0);
    const traffic = new TrafficGenerator();
    engine.append(traffic.minute(DAY0, 0, 0), 'remote_write');
    for (let t = DAY0 + MINUTE; t <= DAY0 + 2 * HOUR; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 100, 0), 'remote_write');
    }
    const status = (await engine.evaluate(DAY0 + 2 * HOUR)).statuses[0]!;
    expect(status.coverage).toBeCloseTo((2 * HOUR) / (30 * DAY), 12);
    expect(status.errorBudget.remaining).toBe(1);
  });

  it('slices are decided for every minute, also after an outage longer than the 1-minute buckets (6 h)', async () => {
    const slo = makeSlo({ name: 'slices', budgetingMethod: 'Timeslices', target: 0.9, objective: { timeSliceWindow: MINUTE, timeSliceTarget: 0.95 }, window: { kind: 'rolling', duration: DAY } });
    const { engine, clock } = harness(specsOf(slo), DAY0);
    await engine.evaluate(DAY0);
    const traffic = new TrafficGenerator();
    engine.append(traffic.minute(DAY0, 0, 0), 'remote_write');
    // | 00:00-01:00 | 10 % errors: 60 bad slices | 01:00-08:00 | clean: 420 good slices | no evaluation until 08:00 |
    for (let t = DAY0 + MINUTE; t <= DAY0 + 8 * HOUR; t += MINUTE) {
      clock.now = t;
      engine.append(traffic.minute(t, 100, t <= DAY0 + HOUR ? 0.1 : 0), 'remote_write');
    }
    const status = (await engine.evaluate(DAY0 + 8 * HOUR)).statuses[0]!;
    expect(status.events).toEqual({ good: 420, total: 480 });
    expect(status.sli).toBeCloseTo(420 / 480, 12);
    // Budget: 60 bad slices of the 1,440 · 10 % = 144 a day allows.
    expect(status.errorBudget.consumed).toBeCloseTo(60 / 144, 12);
    // Burn rates count slices too (a 1-day period's windows are 2m to 2h24m): the recent slices are all good.
    expect(new Set(Object.values(status.burnRates))).toEqual(new Set([0]));
    expect(status.timeToExhaustion).toBeNull();
  });
});
