import { describe, expect, it } from 'vitest';
import { MINUTE } from '../duration.js';
import type { Objective } from '../model.js';
import { sliceLength, sliceOutcome } from './slices.js';

const objective: Objective = { key: 'o', target: 0.99, timeSliceTarget: 0.95 };

describe('sliceOutcome', () => {
  it.each([
    // good events, total events, method, what the slice adds to `good`
    [95, 100, 'Timeslices', 1], // 95 % reaches the 95 % slice target
    [94, 100, 'Timeslices', 0],
    [0, 0, 'Timeslices', null], // no events: the slice does not count
    [94, 100, 'RatioTimeslices', 0.94],
    [0, 0, 'RatioTimeslices', null],
    [5, 4, 'RatioTimeslices', 1], // a counter race giving good > total is capped at 1
  ] as const)('%s of %s under %s → %s', (good, total, method, expected) => {
    expect(sliceOutcome(good, total, objective, method)).toBe(expected);
  });

  it('uses the objective target when there is no slice target', () => {
    expect(sliceOutcome(99, 100, { key: 'o', target: 0.99 }, 'Timeslices')).toBe(1);
    expect(sliceOutcome(98, 100, { key: 'o', target: 0.99 }, 'Timeslices')).toBe(0);
  });

  it('slices are a minute unless set', () => {
    expect(sliceLength({})).toBe(MINUTE);
    expect(sliceLength({ timeSliceWindow: 5 * MINUTE })).toBe(5 * MINUTE);
  });
});
