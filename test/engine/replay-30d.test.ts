import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import { REQUESTS, harness, makeSlo, specsOf } from './fixtures.js';

const START = Date.UTC(2026, 9, 1);
const STEP = 5 * MINUTE;

/** A deterministic pseudo-random source (mulberry32), so the replay is the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('30-day replay of a synthetic service', () => {
  it('ends with the budget a brute-force computation from the generated traffic gives', async () => {
    const slo = makeSlo({ target: 0.995 });
    const { engine, clock } = harness(specsOf(slo), START);
    const next = random(7);
    const counters = { ok: 0, errors: 0 };
    const truth: { t: number; good: number; bad: number }[] = [];
    const end = START + 31 * DAY;
    for (let t = START; t <= end; t += STEP) {
      clock.now = t;
      const hourOfDay = new Date(t).getUTCHours();
      // Diurnal traffic, a background error rate, and three incidents of different sizes.
      const requests = Math.round(2000 + 1500 * Math.sin((hourOfDay / 24) * 2 * Math.PI) + next() * 300);
      const day = (t - START) / DAY;
      const errorRatio = day >= 9 && day < 9.1 ? 0.2 : day >= 17.5 && day < 18 ? 0.04 : day >= 25 && day < 25.02 ? 0.9 : 0.001 + next() * 0.002;
      const bad = Math.round(requests * errorRatio);
      if (t > START) truth.push({ t, good: requests - bad, bad });
      counters.ok += requests - bad;
      counters.errors += bad;
      // A pod restart on day 12 resets both counters: what it served since is the new value.
      if (t === START + 12 * DAY) {
        counters.ok = requests - bad;
        counters.errors = bad;
      }
      engine.append(
        [
          { labels: { __name__: REQUESTS, job: 'api', code: '200' }, timestamps: [t], values: [counters.ok] },
          { labels: { __name__: REQUESTS, job: 'api', code: '503' }, timestamps: [t], values: [counters.errors] },
        ],
        'remote_write',
      );
      if ((t - START) % HOUR === 0) await engine.evaluate(t);
    }
    const status = (await engine.evaluate(end)).statuses[0]!;
    const inWindow = (from: number) => truth.filter((entry) => entry.t > from && entry.t <= end);
    const sum = (entries: typeof truth) => entries.reduce((acc, entry) => ({ good: acc.good + entry.good, bad: acc.bad + entry.bad }), { good: 0, bad: 0 });
    const period = sum(inWindow(end - 30 * DAY));
    const total = period.good + period.bad;
    expect(status.events.total).toBeCloseTo(total, 6);
    expect(status.events.good).toBeCloseTo(period.good, 6);
    const expectedRemaining = 1 - period.bad / total / (1 - 0.995);
    expect(status.errorBudget.remaining).toBeCloseTo(expectedRemaining, 9);
    const lastDay = sum(inWindow(end - DAY));
    expect(status.burnRates['1d']).toBeCloseTo(lastDay.bad / (lastDay.good + lastDay.bad) / 0.005, 9);
    // The three incidents (days 9, 17.5 and 25) are inside the window: a good part of the budget is spent.
    expect(expectedRemaining).toBeGreaterThan(-1);
    expect(expectedRemaining).toBeLessThan(0.9);
  });
});
