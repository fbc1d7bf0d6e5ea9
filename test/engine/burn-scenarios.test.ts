import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { AlertTransition } from '../../src/core/index.js';
import { TrafficGenerator, harness, makeSlo, specsOf } from './fixtures.js';

const START = Date.UTC(2026, 10, 1);

/**
 * A 99.9 % / 30-day SLO with 1,000 requests a minute: three clean days, then an hour of errors, then clean again.
 * Page tier page-fast: 1 h and 5 m windows, threshold 14.4, for 2 m. page-slow: 6 h and 30 m, threshold 6, for 15 m.
 */
async function run(errorRatio: number, checkpoints: readonly number[]) {
  const { engine, clock } = harness(specsOf(makeSlo({})), START);
  const traffic = new TrafficGenerator();
  const transitions: AlertTransition[] = [];
  engine.onTransitions((batch) => transitions.push(...batch));
  const errorsFrom = START + 3 * DAY;
  const errorsTo = errorsFrom + HOUR;
  const seen = new Map<number, ReturnType<typeof engine.get>>();
  const end = errorsFrom + Math.max(...checkpoints) * MINUTE;
  for (let t = START; t <= end; t += MINUTE) {
    clock.now = t;
    const ratio = t > errorsFrom && t <= errorsTo ? errorRatio : 0;
    engine.append(traffic.minute(t, 1000, ratio), 'remote_write');
    // Evaluate every minute once the errors are near, every hour before (the clean days).
    if (t >= errorsFrom - 10 * MINUTE || (t - START) % HOUR === 0) await engine.evaluate(t);
    const minute = (t - errorsFrom) / MINUTE;
    if (checkpoints.includes(minute)) seen.set(minute, engine.get('api-availability'));
  }
  return { seen, transitions, errorsFrom };
}

describe('burn-rate scenarios, 99.9 % over 30 days', () => {
  it('1 % errors for an hour: burn rate 10 in the 5m and 1h windows, no page', async () => {
    const { seen, transitions } = await run(0.01, [30, 60]);
    // | minute of errors | burn 5m | burn 1h          | page-fast | page-slow (6h burn 10/6) |
    // | 30               | 10      | 10·30/60 = 5     | inactive  | inactive                 |
    // | 60               | 10      | 10               | inactive  | inactive                 |
    const at30 = seen.get(30)!;
    expect(at30.burnRates['5m']).toBeCloseTo(10, 6);
    expect(at30.burnRates['1h']).toBeCloseTo(5, 6);
    const at60 = seen.get(60)!;
    expect(at60.burnRates['5m']).toBeCloseTo(10, 6);
    expect(at60.burnRates['1h']).toBeCloseTo(10, 6);
    expect(at60.burnRates['6h']).toBeCloseTo(10 / 6, 6);
    expect(at60.alerts.filter((alert) => alert.severity === 'page').map((alert) => alert.state)).toEqual(['inactive', 'inactive']);
    expect(transitions.filter((transition) => transition.severity === 'page')).toEqual([]);
    expect(at60.status).toBe('ok');
  });

  it('2 % errors: page fires once both windows pass 14.4 (and `for` 2m), resolves minutes after the errors stop', async () => {
    const { seen, transitions, errorsFrom } = await run(0.02, [43, 44, 46, 60, 61, 62, 70]);
    // | minute | burn 1h        | burn 5m                  | page-fast                          |
    // | 43     | 20·43/60 = 14.33 | 20                     | inactive (1h below 14.4)           |
    // | 44     | 14.67          | 20                       | pending (active since minute 44)   |
    // | 46     | 15.33          | 20                       | firing (active 2 m = for)          |
    // | 60     | 20             | 20                       | firing                             |
    // | 61     | 20             | 20·4/5 = 16              | firing (errors stopped at 60)      |
    // | 62     | 20·58/60=19.33 | 20·3/5 = 12 < 14.4       | resolved                           |
    // | 70     | 20·50/60       | 0                        | inactive                           |
    const page = (minute: number) => seen.get(minute)!.alerts.find((alert) => alert.tier === 'page-fast')!;
    expect(page(43).state).toBe('inactive');
    expect(page(43).longBurnRate).toBeCloseTo((20 * 43) / 60, 6);
    expect(page(44).state).toBe('pending');
    expect(page(46).state).toBe('firing');
    expect(seen.get(46)!.status).toBe('critical');
    expect(page(60).state).toBe('firing');
    expect(page(61).shortBurnRate).toBeCloseTo(16, 6);
    expect(page(61).state).toBe('firing');
    expect(page(62).shortBurnRate).toBeCloseTo(12, 6);
    expect(page(62).state).toBe('resolved');
    expect(page(70).state).toBe('inactive');
    const pageFast = transitions.filter((transition) => transition.tier === 'page-fast').map((transition) => [transition.to, (transition.at - errorsFrom) / MINUTE]);
    expect(pageFast).toEqual([
      ['pending', 44],
      ['firing', 46],
      ['resolved', 62],
    ]);
  });
});
