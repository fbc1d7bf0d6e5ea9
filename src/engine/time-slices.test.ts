import { describe, expect, it } from 'vitest';
import { TimeSlices } from './time-slices.js';

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('TimeSlices', () => {
  it('says a slice is due only once its time has passed, reading the clock every few items', () => {
    const slices = new TimeSlices(100, 4);
    // A fresh slice (100 ms, generous for a loaded machine): no item is due while its time has not passed.
    for (let item = 0; item < 12; item++) expect(slices.due()).toBe(false);
    busy(101);
    // The clock is read on every fourth item only.
    expect([slices.due(), slices.due(), slices.due(), slices.due()]).toEqual([false, false, false, true]);
  });

  it('lets queued callbacks run on a turn and starts a new slice after it', async () => {
    const slices = new TimeSlices(50, 1);
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    busy(51);
    expect(slices.due()).toBe(true);
    await slices.turn();
    expect(ran).toBe(true);
    expect(slices.turns).toBe(1);
    expect(slices.due()).toBe(false);
  });

  it('never turns with an infinite slice, and refuses a negative one', () => {
    const slices = new TimeSlices(Infinity, 1);
    busy(2);
    expect(slices.due()).toBe(false);
    expect(() => new TimeSlices(-1)).toThrow(/0 ms or more/);
  });
});
