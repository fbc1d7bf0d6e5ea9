import { describe, expect, it } from 'vitest';
import { DROP_DUPLICATE, DROP_INVALID, DROP_OUT_OF_ORDER, advanceSeries } from './counter.js';
import type { MutableSeriesState } from './counter.js';

const fresh = (): MutableSeriesState => ({ key: 's', lastTimestamp: 0, lastValue: 0, startTime: 0 });

describe('advanceSeries', () => {
  it('reads a counter as increase() does: baseline first, then differences, a drop is a reset', () => {
    const state = fresh();
    expect(advanceSeries(state, false, 1000, 10, 'cumulative', 0)).toBe(0);
    expect(advanceSeries(state, true, 2000, 15, 'cumulative', 0)).toBe(5);
    expect(advanceSeries(state, true, 3000, 4, 'cumulative', 0)).toBe(4);
    expect(state).toEqual({ key: 's', lastTimestamp: 3000, lastValue: 4, startTime: 0 });
  });

  it('counts a later start time as a reset even when the value rose (remote write 2.0 start timestamps, OTLP)', () => {
    const state = fresh();
    advanceSeries(state, false, 1000, 100, 'cumulative', 500);
    expect(advanceSeries(state, true, 2000, 120, 'cumulative', 500)).toBe(20);
    expect(advanceSeries(state, true, 3000, 130, 'cumulative', 2500)).toBe(130);
  });

  it('drops duplicates, samples out of order and invalid values without touching the state', () => {
    const state = fresh();
    advanceSeries(state, false, 1000, 10, 'cumulative', 0);
    expect(advanceSeries(state, true, 1000, 11, 'cumulative', 0)).toBe(DROP_DUPLICATE);
    expect(advanceSeries(state, true, 900, 11, 'cumulative', 0)).toBe(DROP_OUT_OF_ORDER);
    expect(advanceSeries(state, true, 2000, Number.NaN, 'cumulative', 0)).toBe(DROP_INVALID);
    expect(advanceSeries(state, true, 2000, -1, 'delta', 0)).toBe(DROP_INVALID);
    expect(state.lastValue).toBe(10);
    expect(advanceSeries(state, true, 2000, 3, 'delta', 0)).toBe(3);
    expect(advanceSeries(state, true, 3000, -7, 'gauge', 0)).toBe(0);
  });
});
