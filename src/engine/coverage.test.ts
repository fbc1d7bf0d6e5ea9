import { describe, expect, it } from 'vitest';
import { COARSE_BUCKET_MS, DAY, FINE_BUCKET_MS, HOUR, MINUTE } from '../core/index.js';
import type { ResolvedSli } from './counts.js';
import { coverageOf } from './coverage.js';
import { TermSeries } from './term-series.js';

/** Coverage worked out from scratch, bucket by bucket (what coverageOf remembers between ticks must not change it). */
function bruteCoverage(sli: ResolvedSli, start: number, now: number, length: number): number {
  const terms = sli.kept.map((term, index) => ({ term: term!, sign: sli.coefficients.total[index]! })).filter((entry) => entry.sign !== 0);
  let fineStart = Number.NEGATIVE_INFINITY;
  for (const { term } of terms) fineStart = Math.max(fineStart, term.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : term.fine.oldest() * FINE_BUCKET_MS);
  const split = Math.min(now, Math.max(start, Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS));
  let covered = 0;
  for (let hour = Math.ceil(start / COARSE_BUCKET_MS); hour * COARSE_BUCKET_MS < split; hour++) if (terms.reduce((sum, { term, sign }) => sum + sign * term.coarse.bucket(hour), 0) > 0) covered += COARSE_BUCKET_MS;
  for (let minute = Math.ceil(split / FINE_BUCKET_MS); minute * FINE_BUCKET_MS < now; minute++) if (terms.reduce((sum, { term, sign }) => sum + sign * term.fine.bucket(minute), 0) > 0) covered += FINE_BUCKET_MS;
  return Math.min(1, covered / length);
}

describe('coverageOf', () => {
  it('matches a count from scratch tick after tick: gaps, late samples into settled minutes, hours turning, a restore', () => {
    const fineKeep = 6 * HOUR;
    const total = new TermSeries('total', { fineKeep, longestWindow: 30 * DAY });
    const bad = new TermSeries('bad', { fineKeep, longestWindow: 30 * DAY });
    // good = total - bad; coverage reads the total side only (sign 1 on `total`, 0 on `bad`).
    const sli: ResolvedSli = { coefficients: { keys: ['total', 'bad'], good: new Float64Array([1, -1]), total: new Float64Array([1, 0]) }, kept: [total, bad] };
    const begin = Date.UTC(2026, 10, 26, 9, 13);
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let checked = 0;
    for (let now = begin; now < begin + 9 * HOUR; now += 30_000) {
      // Traffic in most minutes, none in some stretches, and now and then a late sample several minutes back.
      const quiet = Math.floor((now - begin) / (40 * MINUTE)) % 3 === 2;
      if (!quiet) total.add(now - 1, 10);
      if (random() < 0.1) bad.add(now - 1, 1);
      if (random() < 0.05) total.add(now - 1 - Math.floor(random() * 20) * MINUTE, 3);
      const start = now - 30 * DAY;
      expect(coverageOf(sli, start, now, 30 * DAY)).toBe(bruteCoverage(sli, start, now, 30 * DAY));
      checked++;
    }
    // A restore from rows replaces the running sums' base: what was remembered must not be reused.
    const now = begin + 9 * HOUR;
    const rows: { t: number; value: number }[] = [];
    for (let t = now - 3 * HOUR; t < now; t += 2 * FINE_BUCKET_MS) rows.push({ t, value: 5 });
    total.fine.load(rows, now - fineKeep);
    expect(coverageOf(sli, now - 30 * DAY, now, 30 * DAY)).toBe(bruteCoverage(sli, now - 30 * DAY, now, 30 * DAY));
    expect(checked).toBeGreaterThan(1000);
  });
});
