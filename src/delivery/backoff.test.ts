import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, MAX_RETRY_AFTER_MS, backoffDelay, checkBackoff } from './backoff.js';

describe('backoffDelay', () => {
  const exact = { initialMs: 500, maxMs: 60_000, jitter: 0 };

  it('doubles from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((attempt) => backoffDelay(attempt, exact, 0.3))).toEqual([500, 1000, 2000, 4000, 32_000, 60_000, 60_000]);
  });

  it('with full jitter draws from [0, nominal], never above the cap', () => {
    const full = { ...exact, jitter: 1 };
    expect(backoffDelay(3, full, 0)).toBe(0);
    expect(backoffDelay(3, full, 0.5)).toBe(1000);
    expect(backoffDelay(3, full, 0.999999)).toBeCloseTo(2000, 1);
    expect(backoffDelay(30, full, 0.999999)).toBeLessThanOrEqual(60_000);
    expect(DEFAULT_BACKOFF.jitter).toBe(1);
  });

  it('with partial jitter keeps at least nominal × (1 - jitter)', () => {
    const partial = { ...exact, jitter: 0.2 };
    expect(backoffDelay(1, partial, 0)).toBeCloseTo(400);
    expect(backoffDelay(1, partial, 0.5)).toBeCloseTo(450);
  });

  it('honours a longer Retry-After, up to five minutes, and ignores a shorter one', () => {
    expect(backoffDelay(1, exact, 0.5, 30_000)).toBe(30_000);
    expect(backoffDelay(1, exact, 0.5, 10 * 60_000)).toBe(MAX_RETRY_AFTER_MS);
    expect(backoffDelay(4, exact, 0.5, 100)).toBe(4000);
  });

  it('refuses options that make no sense, naming them', () => {
    expect(() => checkBackoff({ initialMs: 1000, maxMs: 10, jitter: 0 }, 'queue x')).toThrow(/queue x: backoff needs .*initialMs 1000, maxMs 10/);
    expect(() => checkBackoff({ initialMs: 1, maxMs: 10, jitter: 2 }, 'queue x')).toThrow(/jitter 2/);
  });
});
