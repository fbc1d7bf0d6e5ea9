import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COARSE_BUCKET_MS, DAY, FINE_BUCKET_MS, HOUR, MINUTE } from '../core/index.js';
import { TermSeries } from './term-series.js';

const WINDOWS = [0, 5 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, 6 * HOUR + 30 * MINUTE, DAY, 3 * DAY, 30 * DAY, 40 * DAY];

function sumsToNow(series: TermSeries, windows: readonly number[], now: number): number[] {
  const out = new Float64Array(windows.length);
  series.sumsToNow(windows, now, out);
  return [...out];
}

describe('TermSeries.sumsToNow', () => {
  it('gives exactly sum(now - window, now, now) for every window: fine only, coarse only, and split across both', () => {
    const now = Date.UTC(2026, 10, 26, 12, 7, 30);
    const series = new TermSeries('t', { fineKeep: 6 * HOUR, longestWindow: 30 * DAY });
    // Coarse buckets for 30 days, fine ones for the last 6 hours, as the store leaves them.
    for (let t = Math.floor((now - 30 * DAY) / COARSE_BUCKET_MS) * COARSE_BUCKET_MS; t < now; t += COARSE_BUCKET_MS) series.coarse.add(t / COARSE_BUCKET_MS, 100 + (t % 7));
    for (let t = Math.floor((now - 6 * HOUR) / FINE_BUCKET_MS) * FINE_BUCKET_MS; t < now; t += FINE_BUCKET_MS) series.fine.add(t / FINE_BUCKET_MS, 2 + (t % 3));
    const expected = WINDOWS.map((window) => series.sum(now - window, now));
    expect(sumsToNow(series, WINDOWS, now)).toEqual(expected);
    // The windows read different parts: some only fine buckets, some across the split, and a zero-length window.
    expect(expected[0]).toBe(0);
    expect(expected[1]).toBeGreaterThan(0);
    expect(expected[9]).toBeGreaterThan(expected[8]!);
  });

  it('matches sum() for arbitrary increases, empty series and horizons inside a bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * DAY }), fc.integer({ min: 0, max: 1000 })), { maxLength: 60 }),
        fc.integer({ min: 0, max: 4 * DAY }),
        (increases, offset) => {
          const start = Date.UTC(2026, 0, 1);
          const series = new TermSeries('t', { fineKeep: 2 * HOUR, longestWindow: 3 * DAY });
          for (const [at, value] of increases) series.add(start + at, value);
          const now = start + offset;
          const windows = [MINUTE, 7 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, DAY, 3 * DAY];
          expect(sumsToNow(series, windows, now)).toEqual(windows.map((window) => series.sum(now - window, now)));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
