import { describe, expect, it } from 'vitest';
import { FakeTimers } from '../../test/notify/fake-timers.js';
import { Resender } from './resender.js';

describe('resender', () => {
  it('ticks every interval with the clock once started, and not after stop', async () => {
    const timers = new FakeTimers();
    const ticks: number[] = [];
    const resender = new Resender({ timers, intervalMs: 60_000, tick: (now) => ticks.push(now - timers.now()) });
    await timers.advance(120_000);
    expect(ticks).toEqual([]);
    resender.start();
    resender.start();
    await timers.advance(180_000);
    expect(ticks).toHaveLength(3);
    resender.stop();
    await timers.advance(180_000);
    expect(ticks).toHaveLength(3);
    expect(timers.waiting()).toEqual([]);
  });
});
